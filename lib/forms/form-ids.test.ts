import { describe, expect, it } from 'vitest';
import { commandIdSchema } from '@/lib/commands/schemas';
import { confirmationHref, formCommandId, isFormPage, parseFormNonce, searchNeedingNonce, searchWithNonce } from './form-ids';

const nonce = '0b6a4a43-54a1-4c7e-9a39-5b7ef1d6a2f4';
const other = 'c0a2b1f4-8d2e-4b4e-b0a4-2f6f2a1d9e77';

describe('form command ids', () => {
  it('are the same for the same nonce, form and account: a page rendered again posts the same command', () => {
    expect(formCommandId(nonce, 'deposit', '1000000008')).toBe(formCommandId(nonce, 'deposit', '1000000008'));
    expect(formCommandId(nonce.toUpperCase(), 'deposit', '1000000008')).toBe(formCommandId(nonce, 'deposit', '1000000008'));
  });

  it('differ between forms, accounts and nonces', () => {
    const ids = new Set([
      formCommandId(nonce, 'deposit', '1000000008'),
      formCommandId(nonce, 'payment', '1000000008'),
      formCommandId(nonce, 'rename', '1000000008'),
      formCommandId(nonce, 'deposit', '2000000006'),
      formCommandId(other, 'deposit', '1000000008'),
      formCommandId(nonce, 'open-account'),
    ]);
    expect(ids.size).toBe(6);
  });

  it('are UUIDs the command handlers accept', () => {
    expect(commandIdSchema.safeParse(formCommandId(nonce, 'open-account')).success).toBe(true);
  });
});

describe('the page nonce', () => {
  it('is one UUID', () => {
    expect(parseFormNonce(nonce)).toBe(nonce);
    expect(parseFormNonce(nonce.toUpperCase())).toBe(nonce);
    for (const bad of [undefined, '', 'nonce', `${nonce}x`, ` ${nonce}`, [nonce], [nonce, other]])
      expect(parseFormNonce(bad)).toBeUndefined();
  });

  it('is needed on the account pages and the open form only', () => {
    expect(isFormPage('/accounts/new')).toBe(true);
    expect(isFormPage('/accounts/1000000008')).toBe(true);
    for (const path of ['/', '/events', '/accounts/1000000008/at/0', '/accounts/123', '/accounts/new/x'])
      expect(isFormPage(path)).toBe(false);
  });

  it('is added to an address that lacks one, keeping every other pair as written', () => {
    expect(searchWithNonce('', nonce)).toBe(`?nonce=${nonce}`);
    expect(searchWithNonce('?page=2&expect=%31&x', nonce)).toBe(`?page=2&expect=%31&x&nonce=${nonce}`);
    expect(searchWithNonce(`?nonce=bad&page=2&non%63e=${other}&nonce`, nonce)).toBe(`?page=2&nonce=${nonce}`);
    expect(searchWithNonce('?%ZZ=1', nonce)).toBe(`?%ZZ=1&nonce=${nonce}`);
  });

  it('is replaced only when missing, malformed or repeated', () => {
    expect(searchNeedingNonce(`?nonce=${nonce}&page=2`)).toBeNull();
    for (const search of ['', '?page=2', '?nonce=', '?nonce=abc', `?nonce=${nonce}&nonce=${other}`]) {
      const fresh = searchNeedingNonce(search);
      expect(fresh, search).not.toBeNull();
      const values = new URLSearchParams(fresh!).getAll('nonce');
      expect(values, search).toHaveLength(1);
      expect(parseFormNonce(values[0]), search).toBeDefined();
    }
  });
});

describe('the address a success leads to', () => {
  it('carries a fresh nonce, the command, the revision to wait for and whether it was a repeat', () => {
    const first = new URL(confirmationHref('1000000008', { commandId: other, revision: 3n, again: false }), 'http://x');
    const second = new URL(confirmationHref('1000000008', { commandId: other, revision: 3n, again: true }), 'http://x');
    expect(first.pathname).toBe('/accounts/1000000008');
    expect(first.searchParams.get('done')).toBe(other);
    expect(first.searchParams.get('expect')).toBe('3');
    expect(first.searchParams.has('again')).toBe(false);
    expect(second.searchParams.get('again')).toBe('1');
    expect(parseFormNonce(first.searchParams.get('nonce')!)).toBeDefined();
    expect(first.searchParams.get('nonce')).not.toBe(second.searchParams.get('nonce'));
  });
});
