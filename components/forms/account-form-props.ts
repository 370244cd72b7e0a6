import type { ReactNode } from 'react';

export type AccountFormProps = {
  accountNumber: string;
  /** Derived from the page's nonce (lib/forms/form-ids.ts): posting this form again is a retry. */
  commandId: string;
  /** The account's latest events, rendered by the page; shown when an outcome is unknown. */
  latestEvents?: ReactNode;
  /** What the page confirms this form did just before (after the redirect that follows a success). */
  confirmation?: string;
};
