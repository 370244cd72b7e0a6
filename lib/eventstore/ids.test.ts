import { describe, expect, it } from 'vitest';
import { hasValidCheckDigit } from '@/lib/domain';
import { accountNumberFor, eventIdFor, uuidV5 } from './ids';

describe('derived ids', () => {
  it('uuidV5 matches the RFC 4122 test vector', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('event ids are deterministic per command and index', () => {
    const commandId = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    expect(eventIdFor(commandId)).toBe(eventIdFor(commandId, 0));
    expect(eventIdFor(commandId, 1)).not.toBe(eventIdFor(commandId, 0));
    expect(eventIdFor(commandId)).not.toBe(eventIdFor('3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e'));
    expect(eventIdFor(commandId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('account numbers derive from the command id, one candidate per attempt', () => {
    const commandId = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    expect(accountNumberFor(commandId)).toBe(accountNumberFor(commandId, 0));
    expect(accountNumberFor(commandId, 1)).not.toBe(accountNumberFor(commandId, 0));
    expect(hasValidCheckDigit(accountNumberFor(commandId))).toBe(true);
  });
});
