// The contract between the storage core (embedded/src/core, embedded/src/storage)
// and the gRPC layers (embedded/src/grpc, embedded/src/persistent).
// The gRPC layers translate wire messages to these calls and never touch files.

/** `$all` position. Commit == prepare, so one number is enough. Never 0 for a real record. */
export type Position = bigint;

/** Constants as ESDB uses them internally and in error trailers. */
export const ExpectedVersionConst = { Any: -2n, NoStream: -1n, StreamExists: -4n } as const;
/** Event number of the tombstone record (2^63-1). */
export const TOMBSTONE_REVISION = 9223372036854775807n;
/** Default maximum append size in bytes (ESDB MaxAppendSize). */
export const MAX_APPEND_SIZE = 1_048_576;

export interface ProposedEvent {
  /** Canonical lower-case 8-4-4-4-12 UUID (the gRPC layer parses and normalises). */
  eventId: string;
  type: string;
  /** true when the proposed content-type was exactly application/json */
  isJson: boolean;
  data: Uint8Array;
  /** custom metadata bytes as appended */
  metadata: Uint8Array;
}

export interface RecordedEvent extends ProposedEvent {
  streamId: string;
  /** event number within the stream (TOMBSTONE_REVISION for the tombstone record) */
  revision: bigint;
  position: Position;
  /** .NET ticks (100 ns) since the Unix epoch, set at write time */
  created: bigint;
}

export type ExpectedRevision = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'exact'; revision: bigint };

export interface AppendResult {
  /** last event number written (or of the original batch when idempotent); -1n when the stream is still empty */
  currentRevision: bigint;
  /** position of the last event written; undefined for an empty append */
  position?: Position;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: readonly ProposedEvent[];
}

export interface MultiAppendResult {
  /** position of the last record written (of the original commit when idempotent) */
  position: Position;
  /** each stream's last event number afterwards, in request order */
  streams: { streamId: string; currentRevision: bigint }[];
}

export interface DeleteResult {
  position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction: Direction;
  from: 'start' | 'end' | bigint;
  maxCount: bigint;
}

export interface ReadAllOptions {
  direction: Direction;
  from: 'start' | 'end' | Position;
  maxCount: bigint;
}

/** Parsed `$$stream` metadata (ESDB's `$maxAge` in seconds, `$maxCount`, `$tb`, plus anything custom). */
export interface StreamMetadata {
  maxAge?: number;
  maxCount?: number;
  truncateBefore?: bigint;
  [key: string]: unknown;
}

export interface StreamState {
  /** last event number, -1n if never written */
  lastRevision: bigint;
  tombstoned: boolean;
  softDeleted: boolean;
  hasMetadata: boolean;
}

/** Called after a commit is durable, in commit order, with the records of that commit. */
export type CommitListener = (records: readonly RecordedEvent[]) => void;

/** How a store was opened. */
export interface StartupInfo {
  /** 'snapshot': the saved index was verified and used, and only the log after it was read. */
  index: 'snapshot' | 'log';
  /** Log bytes read and replayed at start. */
  scannedBytes: number;
}

export interface Store {
  readonly startup: StartupInfo;
  /** Throws WrongExpectedVersionError, StreamDeletedError, MaximumAppendSizeExceededError, BadRequestError. */
  append(streamId: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): Promise<AppendResult>;
  /** Throws StreamNotFoundError (never written, or nothing left after truncation), StreamDeletedError (tombstoned). */
  /**
   * Appends to several streams in one atomic commit: every stream's expected state is checked
   * first, and any failure writes nothing at all. Throws as `append` does, for the first stream
   * that fails in request order, and StreamAlreadyInAppendError for a stream named twice.
   */
  appendMulti(appends: readonly StreamAppend[]): Promise<MultiAppendResult>;
  readStream(streamId: string, options: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Soft delete. Throws WrongExpectedVersionError, StreamDeletedError. */
  deleteStream(streamId: string, expected: ExpectedRevision): Promise<DeleteResult>;
  tombstoneStream(streamId: string, expected: ExpectedRevision): Promise<DeleteResult>;
  streamState(streamId: string): StreamState;
  getMetadata(streamId: string): StreamMetadata | undefined;
  /** Position of the last committed record (0n when empty). */
  lastPosition(): Position;
  /** Live commit notifications; returns an unsubscribe function. */
  onCommit(listener: CommitListener): () => void;
  close(): Promise<void>;
}
