import { z } from 'zod';
import { unsafeTextMessage, unsafeTextProblem } from './safe-text';

export const HOLDER_NAME_MAX_LENGTH = 100;

/** Also the schema of names inside stored events, so an event holding such a name decodes as invalid. */
export const holderNameSchema = z
  .string({ error: 'Holder name is required' })
  .trim()
  .min(1, { message: 'Holder name cannot be empty' })
  .max(HOLDER_NAME_MAX_LENGTH, { message: `Holder name must be at most ${HOLDER_NAME_MAX_LENGTH} characters` })
  .superRefine(refuseUnsafe('Holder name'));

export const PAYMENT_REFERENCE_MAX_LENGTH = 140;

export const paymentReferenceSchema = z
  .string({ error: 'Reference must be text' })
  .trim()
  .max(PAYMENT_REFERENCE_MAX_LENGTH, {
    message: `Reference must be at most ${PAYMENT_REFERENCE_MAX_LENGTH} characters`,
  })
  .superRefine(refuseUnsafe('Reference'));

function refuseUnsafe(label: string) {
  return (text: string, ctx: z.RefinementCtx) => {
    const problem = unsafeTextProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: unsafeTextMessage(label, problem) });
  };
}
