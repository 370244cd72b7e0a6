// Moved to lib/eventstore/connection/client.ts; this path stays only for app/actions, which another branch is
// rewriting: import from the new path, and delete this file once nothing imports it.
export * from './connection/client';
