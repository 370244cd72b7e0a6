// Which saved index a store may start from (index-snapshot.ts has the format): the snapshot in the
// data directory, checked against the very log it claims to describe. Anything doubtful is reported
// and dropped, and the store rebuilds its index from the log instead.
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { LogBackend } from '../storage/backend.js';
import { INDEX_FILE_NAME, readIndexFile, removeIndexFile } from '../storage/index-file.js';
import { LOG_START } from '../storage/log.js';
import { FINGERPRINT_BYTES, SnapshotInvalidError, checkSnapshot, decodeSnapshot, type SnapshotFingerprint } from './index-snapshot.js';
import type { StoreIndex } from './index.js';

/** A snapshot is taken again once the log has grown this much past the last one (and at close). */
export const SNAPSHOT_EVERY_BYTES = 128 * 1024 * 1024;

/** The log bytes a snapshot names its prefix by (index-snapshot.ts). */
export function fingerprintOf(read: (pos: number, length: number) => Buffer, coveredEnd: number): SnapshotFingerprint {
  const headLen = Math.min(FINGERPRINT_BYTES, coveredEnd);
  const tailStart = Math.max(0, coveredEnd - FINGERPRINT_BYTES);
  return { coveredEnd, headCrc: crc32(read(0, headLen)), tailCrc: crc32(read(tailStart, coveredEnd - tailStart)) };
}

/**
 * The index saved in `dataDir`, if it is whole and was taken from this very log: same bytes at
 * both ends of the prefix it covers. Anything else is reported on stderr and the index is rebuilt.
 */
export function loadSnapshot(dataDir: string, backend: LogBackend): { index: StoreIndex; coveredEnd: number } | undefined {
  try {
    const bytes = readIndexFile(dataDir);
    if (bytes === undefined) return undefined;
    const claimed = checkSnapshot(bytes);
    const size = backend.size();
    if (claimed.coveredEnd < LOG_START || claimed.coveredEnd > size) {
      throw new SnapshotInvalidError(`it covers ${claimed.coveredEnd} bytes of the log, which has ${size}`);
    }
    const read = (pos: number, length: number) => {
      const out = Buffer.alloc(length);
      return out.subarray(0, backend.readInto(out, 0, length, pos));
    };
    const found = fingerprintOf(read, claimed.coveredEnd);
    if (found.headCrc !== claimed.headCrc || found.tailCrc !== claimed.tailCrc) {
      throw new SnapshotInvalidError('the log does not hold the bytes it was taken from (replaced, cut or rewritten since)');
    }
    const index = decodeSnapshot(bytes);
    const all = index.all;
    if (all.length > 0 && all.at(all.length - 1) >= claimed.coveredEnd)
      throw new SnapshotInvalidError('it indexes records past its own end');
    return { index, coveredEnd: claimed.coveredEnd };
  } catch (e) {
    // Whatever is wrong with it, the snapshot is only an accelerator: never a reason not to start.
    const reason = e instanceof SnapshotInvalidError ? e.message : `unreadable: ${e instanceof Error ? e.message : String(e)}`;
    console.warn(`embedded store: ${path.join(dataDir, INDEX_FILE_NAME)}: not used (${reason}); rebuilding the index from the log`);
    removeIndexFile(dataDir);
    return undefined;
  }
}
