'use client';

import { HOLDER_NAME_MAX_LENGTH } from '@/lib/domain/holder-name';
import { changeHolderNameAction } from '@/app/actions/change-holder-name';
import type { AccountFormProps } from './account-form-props';
import { CommandForm } from './command-form';
import { Field } from './field';

export function RenameForm({ accountNumber, holderName, ...form }: AccountFormProps & { holderName: string }) {
  return (
    <CommandForm
      action={changeHolderNameAction}
      name="rename"
      heading="Change holder name"
      hidden={{ accountNumber }}
      submitText="Change name"
      pendingText="Saving…"
      {...form}
    >
      {({ field }) => (
        <Field
          {...field('holderName', holderName)}
          label="New holder name"
          hint={`Up to ${HOLDER_NAME_MAX_LENGTH} characters.`}
          autoComplete="name"
          required
        />
      )}
    </CommandForm>
  );
}
