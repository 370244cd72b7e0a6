// The loop's payments through HTTP (issue 10), as a browser with JavaScript off makes them: GET the
// payer's account page, read its payment form, fill it in and post it the way the form declares,
// against the production build's server on the loop's own stack (its store, PostgreSQL and worker).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STANDALONE_SERVER } from '../../scripts/build-output';
import { freePort } from '../../tests/support/free-port';
import { withFormNonce } from '../page-timing';
import { ROOT, ServiceProcess } from '../soak/services';
import type { Outcome, Payment, PaymentPick } from './bank';
import { since } from './stats';

/** Why the http phase cannot run, or undefined when the production build is there. */
export function productionBuildProblem(): string | undefined {
  if (fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID')) && fs.existsSync(STANDALONE_SERVER)) return undefined;
  return 'No production build for the http phase: run `npm run build` first (or leave http out of --phases).';
}

/**
 * `npm start`'s Next server (the standalone build) pointed at an existing store and database, as
 * scripts/stack.ts starts it, without the store, PostgreSQL and worker it would start around it.
 */
export async function startNextServer(
  stack: { dir: string; eventStoreConnectionString: string; databaseUrl: string },
  log: (message: string) => void,
  nodeArgs: string[] = [],
): Promise<{ base: string; server: ServiceProcess }> {
  const port = await freePort();
  const logFile = path.join(stack.dir, 'next.log');
  const server = new ServiceProcess(
    'next',
    path.relative(ROOT, STANDALONE_SERVER),
    () => [],
    () => ({
      EVENTSTORE_CONNECTION_STRING: stack.eventStoreConnectionString,
      DATABASE_URL: stack.databaseUrl,
      HOSTNAME: '127.0.0.1',
      PORT: String(port),
      // The handler figures decide from the read model: the same rule here, whatever the shell says.
      PAYMENT_DECISION_SOURCE: 'read-model',
    }),
    logFile,
    /(Ready in .*)$/,
    (exit) => log(`next exited by itself (${exit.signal ?? `code ${exit.code}`}); see ${logFile}`),
    false,
    nodeArgs,
  );
  await server.start(120_000);
  return { base: `http://127.0.0.1:${port}`, server };
}

/** Seconds of CPU (user + system) process `pid` has used, from /proc (Linux); NaN when unreadable. */
export function cpuSeconds(pid: number | undefined): number {
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised name that may hold spaces.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

export type BrowserPayment = Payment & { commandId?: string; getMs: number; postMs: number; answer: string };

type Form = { action: string; method: string; enctype: string; fields: Array<[name: string, value: string]> };

const decode = (text: string) =>
  text.replace(/&(quot|amp|lt|gt|#x27|#39);/g, (_, entity: string) => ({ quot: '"', amp: '&', lt: '<', gt: '>' })[entity] ?? "'");

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(/([^\s=/>]+)(?:="([^"]*)")?/g)) found[name!.toLowerCase()] = decode(value ?? '');
  return found;
}

/**
 * The form holding `field`, as a browser would submit it: every named, enabled input in document
 * order (React's `$ACTION_*` fields among them). Our own pages only: inputs, no selects or textareas.
 */
export function formWith(html: string, field: string): Form | undefined {
  for (const [, open, body] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    if (!body!.includes(`name="${field}"`)) continue;
    const form = attributes(open!);
    const fields: Form['fields'] = [];
    for (const [tag] of body!.matchAll(/<input\b[^>]*>/g)) {
      const input = attributes(tag.slice('<input'.length));
      if (input.name && !('disabled' in input) && !['submit', 'button', 'reset', 'image', 'file'].includes(input.type ?? 'text')) {
        fields.push([input.name, input.value ?? '']);
      }
    }
    return { action: form.action ?? '', method: (form.method ?? 'get').toLowerCase(), enctype: form.enctype ?? '', fields };
  }
  return undefined;
}

/** The form's status line (`id="<form>-status"`): what it answered instead of a redirect. */
const statusLine = (html: string, form: string) =>
  decode(new RegExp(`id="${form}-status"[^>]*>\\s*<p[^>]*>([^<]+)`).exec(html)?.[1]?.trim() ?? '');

function outcomeOfAnswer(html: string): { outcome: Outcome; answer: string } {
  // Insufficient funds is shown beside the amount field; the status line then asks to correct the fields.
  if (html.includes('Insufficient funds')) return { outcome: 'insufficient_funds', answer: 'insufficient funds' };
  const answer = statusLine(html, 'payment') || 'a 200 page without a status line';
  if (/kept changing|still being set up/.test(answer)) return { outcome: 'conflict', answer };
  if (/unavailable/.test(answer)) return { outcome: 'unavailable', answer };
  return { outcome: 'other', answer };
}

/**
 * One payment as a browser without JavaScript makes it: GET the payer's account page (at the
 * address with a form nonce proxy.ts would redirect to), fill its payment form, submit it. Paid
 * only when the answer is the redirect a successful command makes: to the payer's page,
 * confirming this form's command id (app/actions/command-action.ts). The redirect is not followed:
 * the next GET of a form page stands in for it.
 */
export async function browserPayment(base: string, pick: PaymentPick): Promise<BrowserPayment> {
  const { payer, payee } = pick();
  const started = process.hrtime.bigint();
  let commandId: string | undefined;
  const done = (outcome: Outcome, answer: string, getMs: number, postMs = NaN, revision?: bigint): BrowserPayment => {
    const ackedAt = process.hrtime.bigint();
    return { payer, commandId, latencyMs: since(started), outcome, revision, ackedAt, getMs, postMs, answer };
  };
  const pageUrl = new URL(withFormNonce(`/accounts/${payer}`), base);
  let getMs = NaN;
  try {
    const page = await fetch(pageUrl, { redirect: 'manual', headers: { accept: 'text/html' } });
    const html = await page.text();
    getMs = since(started);
    if (page.status !== 200) return done('other', `GET answered ${page.status}`, getMs);
    const form = formWith(html, 'payeeAccountNumber');
    if (!form || form.method !== 'post') return done('other', 'no payment form that posts on the page', getMs);
    commandId = form.fields.find(([name]) => name === 'commandId')?.[1];
    const filled: Record<string, string> = { payeeAccountNumber: payee, amount: (0.01 + Math.floor(Math.random() * 100) / 100).toFixed(2) };
    const body =
      form.enctype === 'multipart/form-data' ? new FormData() : form.enctype === 'text/plain' ? undefined : new URLSearchParams();
    if (!body) return done('other', `the form declares ${form.enctype}`, getMs);
    for (const [name, value] of form.fields) body.append(name, filled[name] ?? value);

    const posted = process.hrtime.bigint();
    const response = await fetch(new URL(form.action, pageUrl), {
      method: 'POST',
      body,
      redirect: 'manual',
      // A browser's form post carries its origin; Next refuses a server action from another one.
      headers: { accept: 'text/html', origin: base, referer: pageUrl.href },
    });
    const answer = await response.text();
    const postMs = since(posted);
    const location = response.headers.get('location');
    if (response.status === 303 && location) {
      const to = new URL(location, pageUrl);
      if (to.pathname === `/accounts/${payer}` && commandId && to.searchParams.get('done') === commandId) {
        return done('ok', 'paid', getMs, postMs, BigInt(to.searchParams.get('expect') ?? '0'));
      }
      return done('other', `redirected elsewhere: ${to.pathname}`, getMs, postMs);
    }
    if (response.status !== 200) return done('other', `POST answered ${response.status}`, getMs, postMs);
    const { outcome, answer: said } = outcomeOfAnswer(answer);
    return done(outcome, said, getMs, postMs);
  } catch (error) {
    return done('other', `request failed: ${error instanceof Error ? error.message : String(error)}`, getMs);
  }
}
