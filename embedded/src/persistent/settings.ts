// Settings of a persistent subscription group, as the client sends them (§14.2) and as
// GetInfo must give them back (§14.5). Kept as plain data so they can be stored as JSON
// in the configuration stream and compared exactly.

export const STRATEGIES = ['DispatchToSingle', 'RoundRobin', 'Pinned', 'PinnedByCorrelation'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export interface GroupSettings {
  resolveLinks: boolean;
  extraStatistics: boolean;
  /** 0 = never time out */
  messageTimeoutMs: number;
  maxRetryCount: number;
  /** 0 = no time-based checkpoints */
  checkpointAfterMs: number;
  minCheckpointCount: number;
  maxCheckpointCount: number;
  /** 0 = unlimited */
  maxSubscriberCount: number;
  liveBufferSize: number;
  readBatchSize: number;
  historyBufferSize: number;
  strategy: StrategyName;
}

export const DEFAULT_SETTINGS: GroupSettings = {
  resolveLinks: false,
  extraStatistics: false,
  messageTimeoutMs: 30_000,
  maxRetryCount: 10,
  checkpointAfterMs: 2_000,
  minCheckpointCount: 10,
  maxCheckpointCount: 1_000,
  maxSubscriberCount: 0,
  liveBufferSize: 500,
  readBatchSize: 20,
  historyBufferSize: 500,
  strategy: 'RoundRobin',
};

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGIES as readonly string[]).includes(name);
}

const INT32_MAX = 2_147_483_647;

/** Returns the failure reason ESDB would give, or undefined when the settings are usable. */
export function validateSettings(s: GroupSettings): string | undefined {
  if (!isStrategyName(s.strategy)) return `Consumer strategy ${s.strategy} does not exist.`;
  const counts: [string, number][] = [
    ['MessageTimeout', s.messageTimeoutMs],
    ['MaxRetryCount', s.maxRetryCount],
    ['CheckPointAfter', s.checkpointAfterMs],
    ['MinCheckPointCount', s.minCheckpointCount],
    ['MaxCheckPointCount', s.maxCheckpointCount],
    ['MaxSubscriberCount', s.maxSubscriberCount],
    ['LiveBufferSize', s.liveBufferSize],
    ['ReadBatchSize', s.readBatchSize],
    ['BufferSize', s.historyBufferSize],
  ];
  for (const [name, value] of counts) {
    if (!Number.isInteger(value) || value < 0 || value > INT32_MAX) return `${name} must be a non-negative 32-bit integer.`;
  }
  if (s.readBatchSize >= s.historyBufferSize) return 'ReadBatchSize may not be greater than or equal to BufferSize';
  return undefined;
}
