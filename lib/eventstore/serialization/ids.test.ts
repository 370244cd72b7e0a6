import { randomUUID } from 'node:crypto';
import { v5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { hasValidCheckDigit } from '@/lib/domain';
import { accountEventIdFor, accountNumberFor, eventIdFor, uuidV5 } from './ids';

describe('derived ids', () => {
  it('uuidV5 matches the RFC 4122 test vector', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('uuidV5 agrees with the uuid package for any name and namespace, and refuses a namespace that is not a UUID', () => {
    const names = ['', 'a', 'Zürich ✓', '😀 emoji', 'x'.repeat(1000)];
    for (let i = 0; i < 200; i++) names.push(`${randomUUID()}:MakePayment:${i}`);
    for (const name of names) {
      const namespace = randomUUID();
      expect(uuidV5(name, namespace)).toBe(v5(name, namespace));
      expect(uuidV5(name, namespace.toUpperCase())).toBe(v5(name, namespace));
      expect(uuidV5(name)).toBe(v5(name, 'b3c1a7e2-5f0d-4c8e-9a61-2d7f4e8b9c10'));
    }
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(/not a UUID namespace/);
  });

  it('keeps the ids already stored: known values pinned (any change would break idempotency of old commands)', () => {
    const commandId = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    expect(eventIdFor(commandId)).toBe('e1fad7b3-5e30-5b9d-acd5-c85021977ebc');
    expect(eventIdFor(commandId, 1)).toBe('c0de7b86-c757-5dd1-abee-190194fa934e');
    expect(accountEventIdFor(commandId, 'MakePayment', 'ab'.repeat(32))).toBe('204ab226-21a5-5ea0-8e97-fb5d411d3b62');
    expect(accountEventIdFor(commandId, 'OpenAccount', 'cd'.repeat(32), 2)).toBe('7fb282a0-afa8-5924-a1a5-8b94037071cf');
    expect(uuidV5('Zürich ✓')).toBe('5e365065-b9f7-5fe9-bc47-52bda73a729e');
    expect(accountNumberFor(commandId)).toBe('8296188496');
    expect(accountNumberFor(commandId, 1)).toBe('5410173057');
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
