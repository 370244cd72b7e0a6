import { v5 as uuidV5 } from 'uuid';

/**
 * Where a form's command id comes from. A page with forms carries a nonce in its address
 * (`?nonce=<uuid>`, added by proxy.ts when missing) and every form on it derives its command id
 * from that nonce and its own name. So the page a browser returns to (Back, a reload, a restored
 * tab) renders the same ids it rendered the first time, and posting one of its forms again is a
 * retry of the same command, which the handlers answer with the first result. A successful
 * command redirects to the page with a fresh nonce, so the next change is a new command.
 *
 * Random ids per render could not do this: without JavaScript, Back refetches the page (it is
 * never cached), and the refetched forms would carry new ids.
 */

export const FORM_NONCE_PARAM = 'nonce';

export const FORM_NAMES = ['open-account', 'deposit', 'payment', 'rename'] as const;
export type FormName = (typeof FORM_NAMES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Pages whose forms take their ids from the nonce: opening an account, and an account's page. */
const FORM_PAGE = /^\/accounts\/(new|\d{10})$/;

export function isFormPage(pathname: string): boolean {
  return FORM_PAGE.test(pathname);
}

/** The nonce from a page's search params: one UUID, lower-cased; anything else is no nonce. */
export function parseFormNonce(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined;
}

/** A name-based (v5) UUID: the same nonce, form and account always give the same command id. */
export function formCommandId(nonce: string, form: FormName, accountNumber = ''): string {
  return uuidV5(`${form}:${accountNumber}`, nonce.toLowerCase());
}

export function newFormNonce(): string {
  return crypto.randomUUID();
}

/**
 * The raw search string (`?a=1&b=2` or '') with every `nonce` pair removed and a new one
 * appended. Other pairs stay byte for byte: the page reads them as the visitor wrote them.
 */
export function searchWithNonce(search: string, nonce: string): string {
  const kept = search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '' && pairName(pair) !== FORM_NONCE_PARAM);
  return `?${[...kept, `${FORM_NONCE_PARAM}=${nonce}`].join('&')}`;
}

function pairName(pair: string): string {
  const end = pair.indexOf('=');
  const name = (end < 0 ? pair : pair.slice(0, end)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * The search string of a form page that needs a (new) nonce, or null when it has exactly one
 * valid nonce already.
 */
export function searchNeedingNonce(search: string): string | null {
  const values = new URLSearchParams(search).getAll(FORM_NONCE_PARAM);
  if (values.length === 1 && parseFormNonce(values[0])) return null;
  return searchWithNonce(search, newFormNonce());
}

/**
 * Where a successful command sends the browser: the account page with a fresh nonce, the
 * command whose confirmation it shows (`done`), the revision it must reach (`expect`, see
 * UpdatingNotice) and whether this submit found the command already done (`again`).
 */
export function confirmationHref(accountNumber: string, done: { commandId: string; revision: bigint | string; again: boolean }): string {
  const params = new URLSearchParams({
    [FORM_NONCE_PARAM]: newFormNonce(),
    done: done.commandId,
    expect: done.revision.toString(),
  });
  if (done.again) params.set('again', '1');
  return `/accounts/${accountNumber}?${params}`;
}

/** The `done` param: a command id (UUID), or undefined. */
export function parseDoneParam(value: string | string[] | undefined): string | undefined {
  return parseFormNonce(value);
}
