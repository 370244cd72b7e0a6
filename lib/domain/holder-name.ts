import { z } from 'zod';
import { unsafeTextMessage, unsafeTextProblem } from './safe-text';

export const HOLDER_NAME_MAX_LENGTH = 100;

/** Also the schema of names inside stored events, so an event holding such a name decodes as invalid. */
export const holderNameSchema = z
  .string({ error: 'Holder name is required' })
  .trim()
  .min(1, { error: 'Holder name cannot be empty', abort: true })
  .max(HOLDER_NAME_MAX_LENGTH, { error: (issue) => tooLong('Holder name', HOLDER_NAME_MAX_LENGTH, issue.input), abort: true })
  .superRefine(refuseUnsafe('Holder name'));

export const PAYMENT_REFERENCE_MAX_LENGTH = 140;

export const paymentReferenceSchema = z
  .string({ error: 'Reference must be text' })
  .trim()
  .max(PAYMENT_REFERENCE_MAX_LENGTH, {
    error: (issue) => tooLong('Reference', PAYMENT_REFERENCE_MAX_LENGTH, issue.input),
    abort: true,
  })
  .superRefine(refuseUnsafe('Reference'));

/** Says how long the text is, so a pasted value that is too long is not a puzzle. */
function tooLong(label: string, max: number, input: unknown): string {
  const length = typeof input === 'string' ? ` (this one has ${input.length.toLocaleString('en-US')})` : '';
  return `${label} must be at most ${max} characters${length}`;
}

function refuseUnsafe(label: string) {
  return (text: string, ctx: z.RefinementCtx) => {
    const problem = unsafeTextProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: unsafeTextMessage(label, problem) });
  };
}
