// Start-up recovery: replay the log, cut a torn tail, refuse anything else.
//
// What a crash can leave: commits are acknowledged only after fdatasync, and the next group is
// written only after the previous one is durable, so a crash can only damage the bytes of the one
// group being written, at the very end of the file, none of it acknowledged. A process crash
// (kill -9, OOM, container stop) leaves a prefix of that group: complete commits, then at most one
// unfinished commit, ending either inside a record or after a record that does not end the commit.
// A host crash (power loss) can also leave the file longer than what reached the disk, the rest
// reading as zeros, in whole sectors.
//
// So a tail is cut only when it is one of those shapes, nothing verifiable follows it, and it is
// no larger than one group: (a) the file ends inside a record or after a commit's last record
// without the commit-end flag; (b) the bad record and everything after it are zeros from a sector
// boundary inside that record (or from its start) to the end of the file. Anything else (a record
// of full length that fails its checksum, a damaged length field, non-zero garbage, a valid record
// after the damage, a damaged region larger than a group) is damage to acknowledged data: the store
// refuses to start, names the file and the byte offset, and leaves the file as it is.
//
// Known limits: damage that happens to look like a tear is cut like one (a length field changed to
// run past the end of the file and beyond what the record's own part lengths say is a tear;
// bit rot that zeroes the end of the very last record from a sector boundary on). Pages of the
// unsynced group written back out of order before a host crash, or non-zero stale data there,
// are refused although nothing there was acknowledged: safe, and the message says how to cut the
// file by hand.
import type { LogBackend } from './backend.js';
import { HEADER_SIZE, checkRecord, impliedLength, isCommitEnd, recordLength, type RecordCheck } from './record-codec.js';

const SCAN_CHUNK = 4 * 1024 * 1024;

/** Called during recovery for every record of every complete commit, in log order. */
export type RecordVisitor = (chunk: Buffer, offsetInChunk: number, position: number) => void;

export class LogCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = 'LogCorruptError';
  }
}

type Problem = Exclude<RecordCheck, { ok: true }>['reason'] | 'unfinished-commit';

interface Scan {
  /** Just after the last complete, valid commit. */
  end: number;
  /** Where parsing stopped: the first record that does not verify, or the file size. */
  stop: number;
  problem?: Problem;
}

/** A tear in a host crash is sector-granular: unwritten sectors read as zeros. */
const SECTOR = 512;

/**
 * Replays every complete commit to `visit`. Returns the size the log should have: `size` when
 * it is intact, less when a torn tail must be cut. Throws LogCorruptError for any other damage.
 */
export function recover(backend: LogBackend, start: number, size: number, maxTornTail: number, visit: RecordVisitor): number {
  const s = scan(backend, start, size, visit);
  if (s.problem === undefined) return s.end;
  const problem = s.problem;
  const refuse = (detail: string) =>
    new LogCorruptError(
      backend.name,
      s.stop,
      `${backend.name} is damaged at byte offset ${s.stop} (${describe(problem)}); ${detail}. ` +
        'A crash can only leave an unfinished write at the end of the file, and this is not one, so it is damage to ' +
        'acknowledged events: the store refuses to start rather than drop them, and leaves the file as it is. ' +
        `Restore the file from a backup, or, to give up everything from byte offset ${s.end} on, ` +
        `truncate it to ${s.end} bytes (e.g. truncate -s ${s.end} <file>, after copying it).`,
    );
  if (size - s.end > maxTornTail) {
    throw refuse(`${size - s.stop} bytes follow it, more than a crash can leave unfinished`);
  }
  if (problem === 'unfinished-commit') return s.end;
  const tail = Buffer.allocUnsafe(size - s.stop);
  backend.readInto(tail, 0, tail.length, s.stop);
  const next = findRecord(tail, 1);
  if (next !== undefined) throw refuse(`a valid record follows at byte offset ${s.stop + next}`);
  const why = notATear(tail, s.stop, problem);
  if (why !== undefined) throw refuse(why);
  return s.end;
}

/**
 * Why the damaged tail (the bytes from the first bad record, at file offset `at`, to the end)
 * cannot be an unfinished write, or undefined if it can.
 */
function notATear(tail: Buffer, at: number, problem: Exclude<Problem, 'unfinished-commit'>): string | undefined {
  if (problem === 'incomplete') {
    // Killed while writing: the file ends inside the record. Unless the record is all there and
    // verifies by its own part lengths: then only its length field is wrong.
    const implied = impliedLength(tail, 0);
    if (implied === undefined || implied > tail.length) return undefined;
    const fixed = Buffer.from(tail.subarray(0, implied));
    fixed.writeUInt32LE(implied - HEADER_SIZE, 0);
    if (!checkRecord(fixed, 0).ok) return undefined;
    return `the record is complete (${implied} bytes) but its length field says ${recordLength(tail, 0)}`;
  }
  // A host crash: from some point on, nothing reached the disk and the file reads as zeros.
  let zeroFrom = tail.length;
  while (zeroFrom > 0 && tail[zeroFrom - 1] === 0) zeroFrom--;
  if (zeroFrom === 0) return undefined;
  // Otherwise the zeros must start at a sector boundary inside the bad record itself.
  const claimed = tail.length >= HEADER_SIZE ? Math.min(recordLength(tail, 0), tail.length) : tail.length;
  const sector = Math.ceil((at + zeroFrom) / SECTOR) * SECTOR - at;
  if (sector < claimed && sector < tail.length) return undefined;
  return problem === 'bad-checksum'
    ? 'the record is complete but its bytes do not match its checksum, which no crash can cause'
    : 'the bytes there are not a record, and not the zeros a crash can leave';
}

function describe(problem: Problem): string {
  switch (problem) {
    case 'bad-checksum':
      return 'checksum mismatch';
    case 'bad-length':
      return 'invalid record header';
    case 'incomplete':
      return 'record runs past the end of the file';
    case 'unfinished-commit':
      return 'the last commit has no end';
    default: {
      const unreachable: never = problem;
      return String(unreachable);
    }
  }
}

function scan(backend: LogBackend, start: number, size: number, visit: RecordVisitor): Scan {
  let chunkSize = SCAN_CHUNK;
  let buf = Buffer.allocUnsafe(chunkSize);
  // Every chunk starts at a commit boundary, so a commit is delivered only once it is complete.
  let pos = start;
  for (;;) {
    if (pos >= size) return { end: pos, stop: pos };
    const n = backend.readInto(buf, 0, Math.min(chunkSize, size - pos), pos);
    let off = 0;
    let commitStart = 0;
    while (off < n) {
      const check = checkRecord(buf, off, n);
      if (!check.ok) {
        // A record that merely continues past this chunk is read again with the next one.
        if (check.reason === 'incomplete' && pos + off + check.needed! <= size) break;
        return { end: pos + commitStart, stop: pos + off, problem: check.reason };
      }
      off += check.length;
      if (isCommitEnd(buf, off - check.length)) {
        for (let r = commitStart; r < off; r += recordLength(buf, r)) visit(buf, r, pos + r);
        commitStart = off;
      }
    }
    if (pos + off >= size) {
      return commitStart === off
        ? { end: pos + off, stop: pos + off }
        : { end: pos + commitStart, stop: size, problem: 'unfinished-commit' };
    }
    if (commitStart === 0) {
      // One commit larger than the chunk: grow and retry (bounded by the file size, checked above).
      chunkSize *= 2;
      buf = Buffer.allocUnsafe(chunkSize);
      continue;
    }
    pos += commitStart;
  }
}

/** Offset in `buf` of the first valid record starting at or after `from`, if any. */
function findRecord(buf: Buffer, from: number): number | undefined {
  for (let i = from; i < buf.length; i++) {
    if (checkRecord(buf, i).ok) return i;
  }
  return undefined;
}
