import { z } from 'zod';
import { accountNumberSchema } from './account-number';
import { holderNameSchema, paymentReferenceSchema } from './holder-name';
import { amountCentsSchema, openingBalanceCentsSchema } from './money';

/**
 * The account events, as stored (JSON). Every payload is validated by these schemas when it
 * is written and again when it is read back, so a malformed event never reaches a fold.
 */

export const accountOpenedSchema = z.strictObject({
  accountNumber: accountNumberSchema,
  holderName: holderNameSchema,
  openingBalanceCents: openingBalanceCentsSchema,
});

export const moneyDepositedSchema = z.strictObject({
  accountNumber: accountNumberSchema,
  amountCents: amountCentsSchema,
});

export const holderNameChangedSchema = z.strictObject({
  accountNumber: accountNumberSchema,
  holderName: holderNameSchema,
  previousHolderName: holderNameSchema,
});

/** Appended to the payer's stream only; the payee is credited by the projection. */
export const paymentMadeSchema = z.strictObject({
  payerAccountNumber: accountNumberSchema,
  payeeAccountNumber: accountNumberSchema,
  amountCents: amountCentsSchema,
  reference: paymentReferenceSchema.optional(),
});

export const eventMetadataSchema = z.object({
  commandId: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1),
});

export type AccountOpened = { type: 'AccountOpened'; data: z.infer<typeof accountOpenedSchema> };
export type MoneyDeposited = { type: 'MoneyDeposited'; data: z.infer<typeof moneyDepositedSchema> };
export type HolderNameChanged = { type: 'HolderNameChanged'; data: z.infer<typeof holderNameChangedSchema> };
export type PaymentMade = { type: 'PaymentMade'; data: z.infer<typeof paymentMadeSchema> };

export type AccountEvent = AccountOpened | MoneyDeposited | HolderNameChanged | PaymentMade;
export type AccountEventType = AccountEvent['type'];
export type EventMetadata = z.infer<typeof eventMetadataSchema>;

export const accountEventSchemas = {
  AccountOpened: accountOpenedSchema,
  MoneyDeposited: moneyDepositedSchema,
  HolderNameChanged: holderNameChangedSchema,
  PaymentMade: paymentMadeSchema,
} as const satisfies Record<AccountEventType, z.ZodType>;

export const ACCOUNT_EVENT_TYPES = Object.keys(accountEventSchemas) as AccountEventType[];

export function isAccountEventType(type: string): type is AccountEventType {
  return Object.prototype.hasOwnProperty.call(accountEventSchemas, type);
}

export type ParsedEvent = { ok: true; event: AccountEvent } | { ok: false; reason: string };

/** Validates an event payload of a known type; the reason names every offending field. */
export function parseAccountEvent(type: AccountEventType, data: unknown): ParsedEvent {
  const result = accountEventSchemas[type].safeParse(data);
  if (!result.success) {
    const reason = result.error.issues
      .map((issue) => `${issue.path.length ? issue.path.join('.') : '(payload)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, reason: `Invalid ${type} payload: ${reason}` };
  }
  return { ok: true, event: { type, data: result.data } as AccountEvent };
}
