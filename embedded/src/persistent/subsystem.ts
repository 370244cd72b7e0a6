// All persistent subscription groups of one server: create/update/delete/list/info/replay/restart,
// consumer connections, the one-second timer and routing of live commits.
import type { RecordedEvent, Store } from '../core/types.js';
import { StreamDeletedError, StreamNotFoundError, WrongExpectedVersionError } from '../core/errors.js';
import { loadDefinitions, saveDefinitions } from './config-store.js';
import {
  ALL,
  checkpointStreamOf,
  groupKey,
  parkedStreamOf,
  sameStart,
  type AllFilter,
  type GroupDefinition,
  type StartFrom,
} from './definition.js';
import { GroupExistsError, GroupFailedError, GroupNotFoundError } from './errors.js';
import { validateFilter } from './filter.js';
import { Group, type Consumer, type ConsumerSink, type GroupInfo, type NackAction, type ReadAheadBudget } from './group.js';
import { validateSettings, type GroupSettings } from './settings.js';

export interface GroupRequest {
  stream: string;
  group: string;
  startFrom: StartFrom;
  settings: GroupSettings;
  /** `$all` groups, create only */
  filter?: AllFilter;
}

export interface ConsumerHandle {
  ack(ids: readonly string[]): void;
  nack(ids: readonly string[], action: NackAction, reason: string): void;
  /** The consumer's connection drained (see ConsumerSink.congested). */
  resume(): void;
  close(): void;
}

export class PersistentSubsystem {
  private groups = new Map<string, Group>();
  private readonly byStream = new Map<string, Group[]>();
  /** streams that have had groups: listing them gives [] rather than does-not-exist (§14.5) */
  private readonly everHad = new Set<string>();
  /** management operations run one at a time so configuration records are written in order */
  private ops: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private closed = false;

  private constructor(
    private readonly store: Store,
    private readonly readAhead: ReadAheadBudget | undefined,
  ) {}

  static async open(store: Store, readAhead?: ReadAheadBudget): Promise<PersistentSubsystem> {
    const subsystem = new PersistentSubsystem(store, readAhead);
    subsystem.unsubscribe = store.onCommit((records) => subsystem.route(records));
    await subsystem.loadAll();
    subsystem.timer = setInterval(() => {
      const now = Date.now();
      for (const group of subsystem.groups.values()) group.tick(now);
    }, 1000);
    subsystem.timer.unref();
    return subsystem;
  }

  create(req: GroupRequest): Promise<void> {
    return this.serial(async () => {
      this.validate(req);
      if (this.groups.has(groupKey(req.stream, req.group))) throw new GroupExistsError(req.stream, req.group);
      const def: GroupDefinition = { ...req, resolvedStart: this.resolveStart(req.stream, req.startFrom) };
      await this.install(def, [...this.definitions(), def], true);
    });
  }

  update(req: GroupRequest): Promise<void> {
    return this.serial(async () => {
      const old = this.require(req.stream, req.group);
      this.validate(req);
      const def: GroupDefinition = {
        ...old.def,
        settings: req.settings,
        startFrom: req.startFrom,
        resolvedStart: sameStart(old.def.startFrom, req.startFrom) ? old.def.resolvedStart : this.resolveStart(req.stream, req.startFrom),
      };
      // Consumers are dropped; the group resumes from its stored checkpoint (§14.3).
      await old.stop(true);
      this.groups.delete(old.key);
      await this.install(def, [...this.definitions(), def]);
    });
  }

  delete(stream: string, group: string): Promise<void> {
    return this.serial(async () => {
      const old = this.require(stream, group);
      await old.stop(false);
      this.groups.delete(old.key);
      this.indexGroups();
      // A re-created group starts fresh (§14.1). Bookkeeping goes first: a crash in between
      // leaves a group that redelivers, never a new group inheriting an old checkpoint.
      for (const s of [checkpointStreamOf(old.def), parkedStreamOf(old.def)]) await this.softDelete(s);
      await saveDefinitions(this.store, this.definitions());
    });
  }

  info(stream: string, group: string): GroupInfo {
    return this.require(stream, group).info();
  }

  /** All groups, or those of one stream (`$all` included). */
  list(stream?: string): GroupInfo[] {
    const infos = [...this.groups.values()].filter((g) => stream === undefined || g.def.stream === stream).map((g) => g.info());
    if (stream !== undefined && infos.length === 0 && !this.everHad.has(stream)) throw new GroupNotFoundError(stream, '');
    return infos;
  }

  replayParked(stream: string, group: string, stopAt: bigint | undefined): void {
    const g = this.require(stream, group);
    if (stopAt !== undefined && stopAt < 0n) {
      throw new GroupFailedError(stream, group, 'Cannot stop replaying parked message at a negative version.');
    }
    g.replayParked(stopAt).catch((err: unknown) => console.error(`persistent subscription ${g.key}: replay failed`, err));
  }

  /** Drops every consumer and reloads all groups from their stored definitions and checkpoints. */
  restart(): Promise<void> {
    return this.serial(async () => {
      await this.stopAll();
      await this.loadAll();
    });
  }

  connect(stream: string, group: string, connectionName: string, bufferSize: number, sink: ConsumerSink): ConsumerHandle {
    const g = this.require(stream, group);
    const consumer: Consumer = g.connect(connectionName, bufferSize, sink);
    return {
      ack: (ids) => g.ack(ids),
      nack: (ids, action, reason) => g.nack(ids, action, reason),
      resume: () => g.resume(),
      close: () => g.disconnect(consumer),
    };
  }

  close(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      this.closed = true;
      clearInterval(this.timer);
      this.unsubscribe?.();
      await this.stopAll();
    });
  }

  // ---------------------------------------------------------------- internals

  /** Live commits go to every `$all` group and to the groups of the streams they touch. */
  private route(records: readonly RecordedEvent[]): void {
    const targets = new Set<Group>();
    for (const g of this.groups.values()) if (g.isAll) targets.add(g);
    if (this.groups.size > targets.size) {
      let last = '';
      for (const r of records) {
        if (r.streamId === last) continue;
        last = r.streamId;
        for (const g of this.byStream.get(r.streamId) ?? []) targets.add(g);
      }
    }
    for (const group of targets) {
      try {
        group.onCommit(records);
      } catch (err) {
        console.error(`persistent subscription ${group.key}: live delivery failed`, err);
      }
    }
  }

  /** Keeps the stream -> groups index in step with `groups`. */
  private indexGroups(): void {
    this.byStream.clear();
    for (const g of this.groups.values()) {
      if (g.isAll) continue;
      const list = this.byStream.get(g.def.stream) ?? [];
      list.push(g);
      this.byStream.set(g.def.stream, list);
    }
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.ops.then(() => {
      if (this.closed) throw new GroupFailedError('', '', 'The persistent subscription subsystem is shut down.');
      return op();
    });
    this.ops = run.catch(() => undefined);
    return run;
  }

  private definitions(): GroupDefinition[] {
    return [...this.groups.values()].map((g) => g.def);
  }

  private require(stream: string, group: string): Group {
    const g = this.groups.get(groupKey(stream, group));
    if (!g) throw new GroupNotFoundError(stream, group);
    return g;
  }

  private async install(def: GroupDefinition, all: readonly GroupDefinition[], created = false): Promise<void> {
    const position = await saveDefinitions(this.store, all);
    const group = new Group(this.store, def, this.readAhead);
    this.groups.set(group.key, group);
    this.indexGroups();
    this.everHad.add(def.stream);
    // A new `$all` group starting at the end must not receive its own configuration record.
    // (Only when created: an updated group resumes from its checkpoint or its original start.)
    const atEnd = created && def.startFrom.kind === 'all' && def.startFrom.commit < 0n;
    const notBefore = atEnd && position !== undefined ? position + 1n : 0n;
    await group.start(notBefore);
  }

  private async loadAll(): Promise<void> {
    const defs = await loadDefinitions(this.store);
    const groups = new Map<string, Group>();
    for (const def of defs) {
      const group = new Group(this.store, def, this.readAhead);
      groups.set(group.key, group);
      this.everHad.add(def.stream);
    }
    this.groups = groups;
    this.indexGroups();
    await Promise.all([...groups.values()].map((g) => g.start()));
  }

  private async stopAll(): Promise<void> {
    const groups = [...this.groups.values()];
    this.groups = new Map();
    this.indexGroups();
    await Promise.all(groups.map((g) => g.stop(true)));
  }

  private async softDelete(stream: string): Promise<void> {
    try {
      await this.store.deleteStream(stream, { kind: 'any' });
    } catch (err) {
      // Never written: nothing to delete.
      if (!(err instanceof WrongExpectedVersionError || err instanceof StreamNotFoundError || err instanceof StreamDeletedError)) throw err;
    }
  }

  /** Fixes "end" to a concrete revision/position now, so it does not move across restarts. */
  private resolveStart(stream: string, start: StartFrom): bigint {
    if (start.kind === 'stream') {
      return start.revision < 0n ? this.store.streamState(stream).lastRevision + 1n : start.revision;
    }
    if (start.commit < 0n) return this.store.lastPosition() + 1n;
    return start.commit;
  }

  private validate(req: GroupRequest): void {
    const fail = (reason: string) => new GroupFailedError(req.stream, req.group, reason);
    if (!req.stream) throw fail('Bad stream name.');
    if (!req.group) throw fail('Bad group name.');
    const settingsProblem = validateSettings(req.settings);
    if (settingsProblem) throw fail(settingsProblem);
    const filterProblem = validateFilter(req.filter);
    if (filterProblem) throw fail(filterProblem);
    const start = req.startFrom;
    if (start.kind === 'stream') {
      if (req.stream === ALL) throw fail('Bad stream name.');
      if (start.revision < -1n) throw fail('Invalid start revision.');
    } else {
      const oneNegative = start.commit < 0n !== start.prepare < 0n;
      if (oneNegative || (start.commit >= 0n && start.prepare > start.commit) || start.commit < -1n || start.prepare < -1n) {
        throw fail('Invalid start position.');
      }
    }
  }
}
