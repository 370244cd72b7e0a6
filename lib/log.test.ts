import { describe, expect, it } from 'vitest';
import { captureLogs as capture } from '@/tests/support/capture-logs';
import { redactSecrets } from './log';

describe('logs', () => {
  it('mask the password of a connection string wherever it appears', () => {
    expect(redactSecrets('postgres://bank:s3cr%40t@127.0.0.1:5433/eventbank')).toBe('postgres://bank:***@127.0.0.1:5433/eventbank');
    expect(redactSecrets('esdb://admin:changeit@localhost:2113?tls=false')).toBe('esdb://admin:***@localhost:2113?tls=false');
    expect(redactSecrets('host=db user=bank password=hunter2 dbname=x')).toBe('host=db user=bank password=*** dbname=x');
    expect(redactSecrets('esdb://127.0.0.1:2113?tls=false')).toBe('esdb://127.0.0.1:2113?tls=false');
  });

  it('are JSON lines with the fields given, and no password in message, fields or error', () => {
    const { logger, lines } = capture();
    const error = new Error('connect ECONNREFUSED postgres://bank:hunter2@db:5432/eventbank');
    logger
      .child({ component: 'commands' })
      .error(
        { err: error, commandId: 'c-1', correlationId: 'c-1', databaseUrl: 'postgres://bank:hunter2@db:5432/eventbank' },
        'a deposit failed against postgres://bank:hunter2@db:5432/eventbank',
      );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({ level: 50, component: 'commands', commandId: 'c-1', correlationId: 'c-1' });
    expect(JSON.stringify(line)).not.toContain('hunter2');
    expect(line.msg).toBe('a deposit failed against postgres://bank:***@db:5432/eventbank');
    expect((line.err as { message: string }).message).toContain('postgres://bank:***@db');
    expect((line.err as { stack: string }).stack).toContain('ECONNREFUSED');
  });

  it("leave out the store client's copy of the error it wrapped (same message, a second stack)", () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      _raw: Object.assign(new Error('14 UNAVAILABLE: No connection established'), { details: 'No connection established' }),
    });
    logger.error({ err: error }, 'the deposit failed');
    const err = lines[0]?.err as Record<string, unknown>;
    expect(err).toMatchObject({ message: '14 UNAVAILABLE: No connection established', code: 14 });
    expect(err).not.toHaveProperty('_raw');
  });
});
