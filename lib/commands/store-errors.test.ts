import {
  CancelledError,
  DeadlineExceededError,
  StreamDeletedError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { classifyAppendFailure } from './store-errors';

// The client's error classes take a grpc ServiceError; these carry just what classification reads.
const grpc = (details: string, code = 14) =>
  Object.assign(new Error(details), { code, details, metadata: { get: () => [], getMap: () => ({}) } });

describe('classifyAppendFailure', () => {
  it('knows nothing was written when the server refused the append', () => {
    // Built without their constructors, which parse server trailers: only the class matters here.
    expect(classifyAppendFailure(Object.create(WrongExpectedVersionError.prototype))).toBe('not_written');
    expect(classifyAppendFailure(Object.create(StreamDeletedError.prototype))).toBe('not_written');
  });

  it('knows nothing was written when no connection was ever established', () => {
    expect(
      classifyAppendFailure(
        new UnavailableError(grpc('No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2113') as never),
      ),
    ).toBe('not_written');
  });

  it('calls anything that may have reached the server unknown', () => {
    expect(classifyAppendFailure(new DeadlineExceededError(grpc('Deadline exceeded', 4) as never))).toBe('unknown');
    expect(classifyAppendFailure(new CancelledError(grpc('Call cancelled', 1) as never))).toBe('unknown');
    expect(classifyAppendFailure(new UnavailableError(grpc('Connection dropped') as never))).toBe('unknown');
    expect(classifyAppendFailure(new UnknownError(grpc('?', 2) as never))).toBe('unknown');
    expect(classifyAppendFailure(new Error('socket hang up'))).toBe('unknown');
  });
});
