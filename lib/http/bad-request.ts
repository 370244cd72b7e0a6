import 'server-only';
import { notFound } from 'next/navigation';
import { cache } from 'react';

// A page cannot set a 400 status in the App Router; notFound() gives a 404 before streaming
// starts. The reason travels to app/not-found.tsx through React's per-request cache.
const current = cache(() => ({ reason: undefined as string | undefined }));

export function badRequest(reason: string): never {
  current().reason = reason;
  notFound();
}

export function badRequestReason(): string | undefined {
  return current().reason;
}
