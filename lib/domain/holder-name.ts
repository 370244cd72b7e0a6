import { z } from 'zod';

export const HOLDER_NAME_MAX_LENGTH = 100;

export const holderNameSchema = z
  .string({ error: 'Holder name is required' })
  .trim()
  .min(1, { message: 'Holder name cannot be empty' })
  .max(HOLDER_NAME_MAX_LENGTH, { message: `Holder name must be at most ${HOLDER_NAME_MAX_LENGTH} characters` });

export const PAYMENT_REFERENCE_MAX_LENGTH = 140;

export const paymentReferenceSchema = z
  .string()
  .trim()
  .max(PAYMENT_REFERENCE_MAX_LENGTH, {
    message: `Reference must be at most ${PAYMENT_REFERENCE_MAX_LENGTH} characters`,
  });
