import type { ReactNode } from 'react';

export type AccountFormProps = {
  accountNumber: string;
  /** The account version this page was rendered with (see UpdatingNotice). */
  version: string;
  /** Fresh per page render: a double submit or retry of the same form is idempotent. */
  commandId: string;
  /** The account's latest events, rendered by the page; shown when an outcome is unknown. */
  latestEvents?: ReactNode;
};
