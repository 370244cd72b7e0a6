'use client';

import { useEffect, useRef, type FormEvent } from 'react';

/**
 * A form's onSubmit that lets one submission through until its answer arrives. The submit
 * button is disabled while the action is pending, but a second submit can come before that
 * render (a click and Enter together, a script calling requestSubmit twice) and would post the
 * same command a second time. Cancelling the event in onSubmit keeps React from dispatching the
 * action at all. `answer` is the action's state: a new answer (or the end of pending) frees it.
 */
export function useSubmitOnce(pending: boolean, answer: unknown): (event: FormEvent<HTMLFormElement>) => void {
  const submitting = useRef(false);
  useEffect(() => {
    if (!pending) submitting.current = false;
  }, [pending, answer]);
  return (event) => {
    if (submitting.current) {
      event.preventDefault();
      return;
    }
    submitting.current = true;
  };
}
