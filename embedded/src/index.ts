// Public API of the embedded EventStoreDB-compatible server.
export { startEventStore, type EventStoreOptions, type RunningEventStore } from './server.js';
export type { StartupInfo } from './core/types.js';
