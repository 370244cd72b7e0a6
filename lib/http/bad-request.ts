import 'server-only';
import { notFound } from 'next/navigation';
import { cache } from 'react';

// A page cannot set a 400 status in the App Router; notFound() gives a 404 before streaming
// starts. The reason travels to app/not-found.tsx through React's per-request cache.
//
// The not-found page is rendered alongside the page, not after it: it reads the reason as soon
// as the page has started, which is early enough when the page refuses before its first await
// (a malformed parameter) but not when it refuses after reading data (an id that names the
// wrong kind of thing, a page past the end). Such pages run their work through
// decidingAfterReads(), which the not-found page then waits for.
const current = cache(() => ({ reason: undefined as string | undefined, verdict: undefined as Promise<void> | undefined }));

export function badRequest(reason: string): never {
  current().reason = reason;
  notFound();
}

/**
 * Runs a page's work so that a badRequest() it makes after awaiting data still reaches the
 * not-found page. Call it first thing in the page, before any await.
 */
export async function decidingAfterReads<T>(work: () => Promise<T>): Promise<T> {
  const state = current();
  let settle!: () => void;
  state.verdict = new Promise<void>((resolve) => (settle = resolve));
  try {
    return await work();
  } finally {
    settle();
  }
}

export async function badRequestReason(): Promise<string | undefined> {
  const state = current();
  if (state.verdict) await state.verdict;
  return state.reason;
}
