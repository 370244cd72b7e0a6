import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { badRequest, decidingAfterReads } from '@/lib/http/bad-request';
import { parseEventId } from '@/lib/http/event-id';
import { getEventStore } from '@/lib/eventstore/connection/client';
import { readEventAt } from '@/lib/eventstore/views/events-at';
import { getAccount, getIndexedEvent, getPaymentSides, type PaymentSide } from '@/lib/queries';
import { formatDateTime, formatMoney, formatSignedMoney } from '@/components/format';
import { JsonBlock } from '@/components/json-block';
import { accountHref, eventHref } from '@/components/links';

// Reads the query model and the event store on every request.
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: parseEventId(id).ok ? 'Payment' : 'Bad address' };
}

/**
 * One payment, both sides: the payer's debit and the payee's credit, each with the balance
 * before and after it (from account_history, where the projection keeps a running balance in
 * $all order), and the PaymentMade event as stored.
 */
export default function PaymentPage({ params }: Props) {
  // "Not a payment" is known only after the lookup.
  return decidingAfterReads(() => renderPayment(params));
}

async function renderPayment(params: Props['params']) {
  const { id: segment } = await params;
  const id = parseEventId(segment);
  if (!id.ok) badRequest(id.message);
  const indexed = await getIndexedEvent(id.value);
  if (!indexed) notFound();
  if (indexed.type !== 'PaymentMade') {
    badRequest(`Event ${indexed.eventId} is ${indexed.type}, not a payment; its own page is ${eventHref(indexed.eventId)}.`);
  }
  const payerNumber = indexed.accountNumber;
  const payeeNumber = indexed.counterparty;
  const [sides, stored, payerAccount, payeeAccount] = await Promise.all([
    getPaymentSides(indexed.eventId),
    readEventAt(getEventStore(), indexed),
    getAccount(payerNumber),
    payeeNumber ? getAccount(payeeNumber) : null,
  ]);
  const data = (stored?.data ?? {}) as { reference?: unknown };
  const reference = typeof data.reference === 'string' && data.reference ? data.reference : null;

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600 [overflow-wrap:anywhere]">
        <Link href="/events?type=PaymentMade" className="hover:underline">
          Payments
        </Link>{' '}
        / <span className="font-mono">{indexed.eventId}</span>
      </nav>

      <section aria-labelledby="payment-heading" className="space-y-1">
        <h1 id="payment-heading" className="text-2xl font-semibold tracking-tight">
          Payment of{' '}
          <span className="tabular" data-testid="payment-amount">
            {formatMoney(indexed.amountCents ?? 0n)}
          </span>
        </h1>
        <p className="text-slate-600 [overflow-wrap:anywhere]">
          {reference ? (
            <>
              Reference <span data-testid="payment-reference">“{reference}”</span> ·{' '}
            </>
          ) : (
            'No reference · '
          )}
          <time dateTime={indexed.created.toISOString()}>{formatDateTime(indexed.created)}</time> ·{' '}
          <Link href={eventHref(indexed.eventId)} className="font-medium text-brand-700 hover:underline">
            Event details
          </Link>
        </p>
      </section>

      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <SideCard
          title="Payer: debit"
          testId="payer-side"
          accountNumber={payerNumber}
          holderName={payerAccount?.holderName ?? null}
          side={sides.payer}
        />
        <SideCard
          title="Payee: credit"
          testId="payee-side"
          accountNumber={payeeNumber}
          holderName={payeeAccount?.holderName ?? null}
          side={sides.payee}
        />
      </div>

      <section aria-labelledby="raw-heading" className="space-y-3">
        <h2 id="raw-heading" className="text-lg font-semibold">
          The event as stored
        </h2>
        {stored ? (
          <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
            <JsonBlock label="PaymentMade data" value={stored.data} testId="raw-data" />
            <JsonBlock label="Metadata" value={stored.metadata} testId="raw-metadata" />
          </div>
        ) : (
          <p className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
            The store no longer holds this event (scavenged or truncated).
          </p>
        )}
      </section>
    </div>
  );
}

function SideCard({
  title,
  testId,
  accountNumber,
  holderName,
  side,
}: {
  title: string;
  testId: string;
  accountNumber: string | null;
  holderName: string | null;
  side: PaymentSide | null;
}) {
  return (
    <section aria-label={title} className="min-w-0 rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid={testId}>
      <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">{title}</h2>
      {accountNumber ? (
        <p className="mt-1 [overflow-wrap:anywhere]">
          <Link href={accountHref(accountNumber)} className="font-mono font-medium text-brand-700 hover:underline">
            {accountNumber}
          </Link>{' '}
          {holderName && <span className="text-slate-600">{holderName}</span>}
        </p>
      ) : (
        <p className="mt-1 text-slate-600">Unknown account</p>
      )}
      {side ? (
        <dl className="mt-4 grid grid-cols-3 gap-2 text-sm">
          <div>
            <dt className="text-xs text-slate-500">Before</dt>
            <dd className="font-medium tabular" data-testid="balance-before">
              {formatMoney(side.balanceBeforeCents)}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Change</dt>
            <dd
              className={`font-semibold tabular ${side.amountCents < 0n ? 'text-red-700' : 'text-emerald-700'}`}
              data-testid="balance-change"
            >
              {formatSignedMoney(side.amountCents)}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">After</dt>
            <dd className="font-medium tabular" data-testid="balance-after">
              {formatMoney(side.balanceAfterCents)}
            </dd>
          </div>
        </dl>
      ) : (
        <p className="mt-4 text-sm text-slate-600" data-testid="side-not-projected">
          Not in the account&apos;s history yet (the projection has not applied this payment, or holds it).
        </p>
      )}
    </section>
  );
}
