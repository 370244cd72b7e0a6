'use client';

import { HOLDER_NAME_MAX_LENGTH } from '@/lib/domain/holder-name';
import { AMOUNT_HINT } from '@/lib/domain/money';
import { openAccountAction } from '@/app/actions/open-account';
import { CommandForm } from './command-form';
import { Field } from './field';

export function OpenAccountForm({ commandId }: { commandId: string }) {
  return (
    <CommandForm
      action={openAccountAction}
      name="open"
      commandId={commandId}
      submitText="Open account"
      pendingText="Opening…"
      className="space-y-5"
    >
      {({ field }) => (
        <>
          <Field
            {...field('holderName')}
            label="Holder name"
            hint={`Up to ${HOLDER_NAME_MAX_LENGTH} characters.`}
            autoComplete="name"
            required
          />
          <Field {...field('openingBalance')} label="Opening balance" hint={`${AMOUNT_HINT}; 0 is fine.`} inputMode="decimal" required />
        </>
      )}
    </CommandForm>
  );
}
