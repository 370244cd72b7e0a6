import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ACCOUNT_NUMBER_PATTERN } from '@/lib/domain/account-number';
import { accountOpenedInStore } from '@/lib/eventstore/views/account-exists';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { formCommandId, newFormNonce, parseFormNonce } from '@/lib/forms/form-ids';
import { loadConfirmation } from '@/lib/forms/load-confirmation';
import { MAX_BALANCE_POINTS, getAccount, getAccountHistory, getBalanceSeries, getStreamHold, liveCursor } from '@/lib/queries';
import { ConfirmationBanner } from '@/components/confirmation-banner';
import { formatDateTime, formatMoney } from '@/components/format';
import { parseRevisionParam } from '@/components/revision';
import { UpdatingNotice } from '@/components/updating-notice';
import { HeldNotice } from '@/components/held-notice';
import { LatestEvents } from '@/components/latest-events';
import { DepositForm } from '@/components/forms/deposit-form';
import { PaymentForm } from '@/components/forms/payment-form';
import { RenameForm } from '@/components/forms/rename-form';
import { HistoryTimeline } from '@/components/history-timeline';
import { Pagination } from '@/components/pagination';
import { LiveUpdates } from '@/components/live/live-updates';
import { BalanceHistory } from '@/components/balance-history';
import { startTimeTravel, TimeTravelSection } from './time-travel-section';

// Reads the PostgreSQL read model on every request.
export const dynamic = 'force-dynamic';

const PAGE_SIZE = 10;
/** How many events a form with an unknown outcome shows, so the person can check before retrying. */
const LATEST_EVENTS = 5;

type Props = {
  params: Promise<{ number: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { number } = await params;
  return { title: ACCOUNT_NUMBER_PATTERN.test(number) ? `Account ${number}` : 'Not found' };
}

function parsePage(value: string | string[] | undefined): number {
  const page = typeof value === 'string' ? Number(value) : 1;
  return Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1;
}

export default async function AccountPage({ params, searchParams }: Props) {
  const { number } = await params;
  // Not even shaped like an account number: no need to ask the database.
  if (!ACCOUNT_NUMBER_PATTERN.test(number)) notFound();
  const query = await searchParams;
  const expected = parseRevisionParam(query.expect);
  const page = parsePage(query.page);
  const timeTravel = startTimeTravel(number, query.point);

  // Read first: whatever is indexed while the page renders reaches it on its live stream.
  const since = await liveCursor();
  const live = <LiveUpdates account={number} since={since} />;
  const [account, hold, confirmation] = await Promise.all([
    getAccount(number),
    getStreamHold(number),
    loadConfirmation(number, query, expected),
  ]);
  const opened = confirmation?.form === 'open-account' && <ConfirmationBanner message={confirmation.message} />;
  const heldNotice = hold && <HeldNotice revision={hold.revision.toString()} reason={hold.reason} />;
  if (!account) {
    // Its opening event is held: the store has the account, the read model cannot show it yet.
    if (heldNotice) {
      return (
        <section aria-labelledby="account-heading" className="space-y-4">
          <h1 id="account-heading" className="text-2xl font-semibold tracking-tight">
            Account <span className="font-mono">{number}</span>
          </h1>
          {live}
          {heldNotice}
        </section>
      );
    }
    // Just opened (the open form redirects with ?expect=) but not projected yet: say so, don't 404.
    // Only if the store has it: ?expect= on a number nobody opened is still not found.
    if (expected === undefined || !(await accountOpenedInStore(getEventStore(), number))) notFound();
    return (
      <section aria-labelledby="account-heading" className="space-y-4">
        <h1 id="account-heading" className="text-2xl font-semibold tracking-tight">
          Account <span className="font-mono">{number}</span>
        </h1>
        {live}
        {opened}
        <UpdatingNotice
          accountNumber={number}
          current={null}
          expected={expected}
          message="Updating… the account is opened; its details will appear here in a moment."
        />
      </section>
    );
  }

  const revision = account.revision.toString();
  const [history, balancePoints] = await Promise.all([getAccountHistory(number, { page, pageSize: PAGE_SIZE }), getBalanceSeries(number)]);
  // No nonce only when a form was posted to a bare address by hand: its answer gets ids of its own.
  const nonce = parseFormNonce(query.nonce) ?? newFormNonce();
  const confirmed = (form: string) => (confirmation?.form === form ? confirmation.message : undefined);
  const latest =
    page === 1 ? history.entries.slice(0, LATEST_EVENTS) : (await getAccountHistory(number, { page: 1, pageSize: LATEST_EVENTS })).entries;
  const latestEvents = <LatestEvents entries={latest} accountNumber={account.number} />;

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
          <Link href="/" className="hover:underline">
            Accounts
          </Link>{' '}
          / <span className="font-mono">{account.number}</span>
        </nav>
        {live}
      </div>

      {opened}

      <section
        aria-labelledby="account-heading"
        className="flex flex-wrap items-end justify-between gap-6 rounded-xl bg-gradient-to-br from-brand-800 to-brand-600 p-6 text-white shadow"
      >
        <div className="min-w-0">
          <p className="font-mono text-sm text-white/70">Account {account.number}</p>
          <h1 id="account-heading" className="mt-1 text-2xl font-semibold tracking-tight wrap-anywhere" data-testid="holder-name">
            {account.holderName}
          </h1>
          <p className="mt-2 text-xs text-white/70">
            Opened {formatDateTime(account.openedAt)} · revision {revision}
          </p>
        </div>
        <div className="sm:text-right">
          <p className="text-sm text-white/70">Balance</p>
          <p className="text-3xl font-semibold tabular" data-testid="account-balance">
            {formatMoney(account.balanceCents)}
          </p>
        </div>
      </section>

      {heldNotice}
      {expected !== undefined && <UpdatingNotice accountNumber={account.number} current={revision} expected={expected} />}

      {/* Keyed by the nonce: after a success redirects here with a new one, each form starts afresh. */}
      <section aria-label="Make a change" className="grid gap-6 md:grid-cols-3">
        <div className="min-w-0 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <DepositForm
            key={nonce}
            accountNumber={account.number}
            commandId={formCommandId(nonce, 'deposit', account.number)}
            latestEvents={latestEvents}
            confirmation={confirmed('deposit')}
          />
        </div>
        <div className="min-w-0 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <PaymentForm
            key={nonce}
            accountNumber={account.number}
            commandId={formCommandId(nonce, 'payment', account.number)}
            latestEvents={latestEvents}
            confirmation={confirmed('payment')}
          />
        </div>
        <div className="min-w-0 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <RenameForm
            key={nonce}
            accountNumber={account.number}
            commandId={formCommandId(nonce, 'rename', account.number)}
            latestEvents={latestEvents}
            confirmation={confirmed('rename')}
            holderName={account.holderName}
          />
        </div>
      </section>

      <BalanceHistory points={balancePoints} maxPoints={MAX_BALANCE_POINTS} />

      <TimeTravelSection accountNumber={account.number} start={timeTravel} />

      <section aria-labelledby="history-heading" className="space-y-4">
        <div className="flex items-baseline justify-between">
          <h2 id="history-heading" className="text-lg font-semibold">
            History
          </h2>
          <p className="text-sm text-slate-600">{history.total === 1 ? '1 event' : `${history.total} events`}, newest first</p>
        </div>
        <HistoryTimeline entries={history.entries} />
        <Pagination basePath={`/accounts/${account.number}`} page={page} pageCount={history.pageCount} />
      </section>
    </div>
  );
}
