// What a group is: its source (a stream or $all with an optional filter), where it starts,
// and its settings. Stored as JSON entries in the configuration stream (see config-store.ts).
import { DEFAULT_SETTINGS, isStrategyName, validateSettings, type GroupSettings } from './settings.js';

export const ALL = '$all';

export interface FilterExpression {
  regex?: string;
  prefixes: string[];
}

/** `$all` group filter: on stream id or on event type (§10.3). */
export interface AllFilter {
  on: 'stream' | 'eventType';
  expression: FilterExpression;
}

/**
 * Where a group starts when it has no checkpoint, exactly as the client asked (for GetInfo).
 * Stream groups: revision, -1n = end. `$all` groups: commit/prepare, (0,0) = start, (-1,-1) = end.
 */
export type StartFrom = { kind: 'stream'; revision: bigint } | { kind: 'all'; commit: bigint; prepare: bigint };

export interface GroupDefinition {
  /** stream name, or `$all` */
  stream: string;
  group: string;
  startFrom: StartFrom;
  /**
   * The concrete first revision / position to read when there is no checkpoint, fixed when the
   * group was created or its start changed, so that "end" does not move across restarts.
   */
  resolvedStart: bigint;
  filter?: AllFilter;
  settings: GroupSettings;
}

export function groupKey(stream: string, group: string): string {
  return `${stream}::${group}`;
}

export function checkpointStreamOf(def: { stream: string; group: string }): string {
  return `$persistentsubscription-${groupKey(def.stream, def.group)}-checkpoint`;
}

export function parkedStreamOf(def: { stream: string; group: string }): string {
  return `$persistentsubscription-${groupKey(def.stream, def.group)}-parked`;
}

export function startFromText(start: StartFrom): string {
  if (start.kind === 'stream') return start.revision.toString();
  return `C:${start.commit}/P:${start.prepare}`;
}

export function sameStart(a: StartFrom, b: StartFrom): boolean {
  return startFromText(a) === startFromText(b) && a.kind === b.kind;
}

// ---- JSON form (bigints as decimal strings) ----

export interface DefinitionJson {
  stream: string;
  group: string;
  startFrom: string;
  resolvedStart: string;
  filter?: AllFilter;
  settings: GroupSettings;
}

export function definitionToJson(def: GroupDefinition): DefinitionJson {
  return {
    stream: def.stream,
    group: def.group,
    startFrom: startFromText(def.startFrom),
    resolvedStart: def.resolvedStart.toString(),
    ...(def.filter ? { filter: def.filter } : {}),
    settings: def.settings,
  };
}

const ALL_START = /^C:(-?\d+)\/P:(-?\d+)$/;

/** Parses one stored entry; returns undefined for anything malformed (skipped at load, never crashes). */
export function definitionFromJson(json: unknown): GroupDefinition | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const j = json as Partial<DefinitionJson>;
  if (typeof j.stream !== 'string' || typeof j.group !== 'string' || typeof j.startFrom !== 'string') return undefined;
  if (typeof j.resolvedStart !== 'string' || !/^-?\d+$/.test(j.resolvedStart)) return undefined;
  let startFrom: StartFrom;
  if (j.stream === ALL) {
    const m = ALL_START.exec(j.startFrom);
    if (!m) return undefined;
    startFrom = { kind: 'all', commit: BigInt(m[1]), prepare: BigInt(m[2]) };
  } else {
    if (!/^-?\d+$/.test(j.startFrom)) return undefined;
    startFrom = { kind: 'stream', revision: BigInt(j.startFrom) };
  }
  const settings = { ...DEFAULT_SETTINGS, ...(typeof j.settings === 'object' && j.settings ? j.settings : {}) };
  if (!isStrategyName(settings.strategy) || validateSettings(settings) !== undefined) return undefined;
  if (typeof settings.resolveLinks !== 'boolean' || typeof settings.extraStatistics !== 'boolean') return undefined;
  const filter = j.filter === undefined ? undefined : parseFilter(j.filter);
  if (filter === null) return undefined;
  return {
    stream: j.stream,
    group: j.group,
    startFrom,
    resolvedStart: BigInt(j.resolvedStart),
    ...(filter ? { filter } : {}),
    settings,
  };
}

/** A stored filter, or null when it is malformed (an uncompilable regex included). */
function parseFilter(json: unknown): AllFilter | null {
  const f = json as Partial<AllFilter> | null;
  if (!f || (f.on !== 'stream' && f.on !== 'eventType') || typeof f.expression !== 'object' || !f.expression) return null;
  const { regex, prefixes } = f.expression;
  if (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== 'string')) return null;
  if (regex !== undefined) {
    if (typeof regex !== 'string') return null;
    try {
      new RegExp(regex);
    } catch {
      return null;
    }
  }
  return { on: f.on, expression: { ...(regex ? { regex } : {}), prefixes } };
}
