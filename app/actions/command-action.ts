// The one way to write a command's server action (not an action module itself): each action in
// this folder gives its form schema, its handler call and the pages its change shows on; this
// parses the form once, runs the handler, maps every outcome to the forms' one ActionState and
// sends a success on to the account page.

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import type { CommandResult, CommandSuccess } from '@/lib/commands/result';
import { fieldErrorsFrom } from '@/lib/commands/schemas';
import { confirmationHref } from '@/lib/forms/form-ids';
import { formValues, invalidInput, isFormCall, notFormDataState, type ActionState } from './action-state';
import { doneBefore, failureState, positionBeforeCommand, projectionCaughtUp, runCommand } from './command-outcome';

export type CommandAction = (previous: ActionState, formData: FormData) => Promise<ActionState>;

export type CommandSpec<Input extends { commandId: string }> = {
  /** The form's text fields (besides commandId): parsed, and echoed back on an error so nothing typed is lost. */
  fields: readonly string[];
  /** Calls the command handler with the parsed input. */
  handle: (input: Input) => Promise<CommandResult>;
  /** The page the form is on: a fresh form when this form's id is used up. */
  formPage: (input: Input) => string;
  /** Pages re-rendered after an unknown outcome, so their latest events show whether it went through. */
  checkPages?: (input: Input) => string[];
  /** Pages that show the change, re-rendered after a success (the account page it leads to included). */
  changedPages: (input: Input, result: CommandSuccess) => string[];
};

/**
 * A server action for a command form: (previous state, FormData) as useActionState calls it,
 * anything else refused before it reads a field. A success waits (bounded) for the projection so
 * the page shows the change, then redirects to the account page with a fresh nonce and the
 * confirmation (see confirmationHref): redirecting is what makes the next submit a new command,
 * with or without JavaScript, and Back returns to the page whose forms carry the ids just used.
 */
export function commandAction<Input extends { commandId: string }>(schema: z.ZodType<Input>, spec: CommandSpec<Input>): CommandAction {
  return async (previous, formData) => {
    if (!isFormCall(previous, formData)) return notFormDataState;
    const values = formValues(formData, spec.fields);
    const parsed = schema.safeParse({ ...values, commandId: formData.get('commandId') });
    if (!parsed.success) return invalidInput(fieldErrorsFrom(parsed.error), values);
    const input = parsed.data;

    const positionBefore = await positionBeforeCommand();
    const result = await runCommand(() => spec.handle(input));
    if (!result.ok) {
      if (result.code === 'unknown') for (const page of spec.checkPages?.(input) ?? []) revalidatePath(page);
      return failureState(result, values, input.commandId, spec.formPage(input));
    }

    for (const page of spec.changedPages(input, result)) revalidatePath(page);
    await projectionCaughtUp(result);
    // Outside any try: redirect() throws the signal Next acts on.
    redirect(
      confirmationHref(result.accountNumber, {
        commandId: input.commandId,
        revision: result.streamRevision,
        again: doneBefore(result, positionBefore),
      }),
    );
  };
}
