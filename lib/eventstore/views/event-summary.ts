import { formatCents, isAccountEventType, parseAccountEvent, type AccountEvent } from '@/lib/domain';

/**
 * One line that says what a stored event means, for the global event log. Pure, and it never
 * throws: the log shows every event in the store, including ones this app cannot read.
 */
export function summarizeEvent(type: string, data: unknown): string {
  if (data instanceof Uint8Array) return `Binary payload, ${data.byteLength} bytes`;
  if (isAccountEventType(type)) {
    const parsed = parseAccountEvent(type, data);
    return parsed.ok ? summarizeAccountEvent(parsed.event) : parsed.reason;
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const keys = Object.keys(data);
    return keys.length ? `Fields: ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}` : 'Empty payload';
  }
  return data === null || data === undefined ? 'No payload' : `Payload: ${truncate(JSON.stringify(data), 60)}`;
}

export function summarizeAccountEvent(event: AccountEvent): string {
  switch (event.type) {
    case 'AccountOpened':
      return `Opened for ${event.data.holderName} with $${formatCents(event.data.openingBalanceCents)}`;
    case 'MoneyDeposited':
      return `Deposited $${formatCents(event.data.amountCents)}`;
    case 'HolderNameChanged':
      return `Holder name ${event.data.previousHolderName} → ${event.data.holderName}`;
    case 'PaymentMade': {
      const { payerAccountNumber, payeeAccountNumber, amountCents, reference } = event.data;
      const paid = `Paid $${formatCents(amountCents)} from ${payerAccountNumber} to ${payeeAccountNumber}`;
      return reference ? `${paid} “${reference}”` : paid;
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
