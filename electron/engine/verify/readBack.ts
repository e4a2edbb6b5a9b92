// The verify phase's read-back: every range the ledger says was written is read from the device
// again, around the page cache (O_DIRECT; a block device's buffers are dropped first when that
// is not possible), and its SHA-256 compared with what was written. A stick whose bytes differ
// is a failed stick (style-security.md B.4 (c), (f)). The device's own cache cannot be bypassed.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { StickwrightError } from '../../../shared/errors';
import { AlignedBufferPool, ALIGNMENT } from '../disk/alignedBuffers';
import { deviceError } from '../disk/deviceFile';
import { runTool } from '../system/runTool';
import type { LedgerEntry } from './writeLedger';

const SLOT = 4 * 2 ** 20;

export interface ReadBackResult {
  readonly bytes: number;
  readonly ranges: number;
  /** false when the system refused O_DIRECT (tmpfs, say) and the page cache was read. */
  readonly direct: boolean;
}

export async function readBack(
  path: string,
  deviceSize: number,
  entries: readonly LedgerEntry[],
  options: { readonly block: boolean; readonly onBytes?: (n: number) => void; readonly signal?: AbortSignal },
): Promise<ReadBackResult> {
  const directHandle = await open(path, constants.O_RDONLY | constants.O_DIRECT).catch(() => null);
  if (!directHandle && options.block) await runTool('blockdev', ['--flushbufs', path], { signal: options.signal, what: 'dropping the stick\'s buffers before reading it back' });
  let buffered: FileHandle;
  try {
    buffered = await open(path, constants.O_RDONLY);
  } catch (error) {
    await directHandle?.close();
    throw deviceError(error, path, 'opening the stick to verify it');
  }
  const direct = directHandle !== null;
  // Two slots: the next block is being read while the last one is hashed.
  const pool = new AlignedBufferPool(SLOT, 2);
  const slots = [pool.acquire() as Buffer, pool.acquire() as Buffer];
  let bytes = 0;
  try {
    for (const entry of entries) {
      if (options.signal?.aborted) throw new StickwrightError('CANCELLED', 'during verify');
      const hash = createHash('sha256');
      // Whole aligned blocks around the range are read; only the range itself is hashed.
      const end = entry.offset + entry.length;
      const alignedEnd = Math.ceil(end / ALIGNMENT) * ALIGNMENT;
      const readDirect = direct && alignedEnd <= deviceSize;
      const handle = readDirect && directHandle ? directHandle : buffered;
      const limit = readDirect ? alignedEnd : end;
      const start = readDirect ? Math.floor(entry.offset / ALIGNMENT) * ALIGNMENT : entry.offset;
      const readAt = (at: number, slot: Buffer) => readFully(handle, slot, Math.min(SLOT, limit - at), at, path, readDirect);
      let turn = 0;
      let pending: Promise<number> | null = start < end ? readAt(start, slots[0] as Buffer) : null;
      for (let at = start; pending; ) {
        const slot = slots[turn] as Buffer;
        const got = await pending;
        pending = null;
        if (got === 0) break;
        const next = at + got;
        // O_DIRECT reads whole requests: a short one only at the device's end, so the next
        // block starts where this one stopped.
        if (next < end) pending = readAt(next, slots[1 - turn] as Buffer);
        const from = Math.max(entry.offset, at) - at;
        const to = Math.min(end, at + got) - at;
        hash.update(slot.subarray(from, to));
        at = next;
        turn = 1 - turn;
      }
      if (!hash.digest().equals(entry.digest)) {
        throw new StickwrightError(
          'VERIFY_FAILED',
          `the ${entry.length} bytes written at byte ${entry.offset} of ${path} read back different: the stick does not hold what was written (a failing or fake-capacity stick?); try another stick`,
          { path, offset: entry.offset, length: entry.length },
        );
      }
      bytes += entry.length;
      options.onBytes?.(entry.length);
    }
    return { bytes, ranges: entries.length, direct };
  } finally {
    for (const slot of slots) pool.release(slot);
    await directHandle?.close().catch(() => undefined);
    await buffered.close().catch(() => undefined);
  }
}

async function readFully(handle: FileHandle, slot: Buffer, length: number, offset: number, path: string, direct: boolean): Promise<number> {
  let done = 0;
  while (done < length) {
    let got: number;
    try {
      ({ bytesRead: got } = direct ? await handle.read(slot, 0, length, offset) : await handle.read(slot, done, length - done, offset + done));
    } catch (error) {
      throw deviceError(error, path, `reading back at byte ${offset + done}`);
    }
    if (got === 0) break;
    // O_DIRECT reads whole requests or fail; a short one only at the end of the device.
    if (direct) return got;
    done += got;
  }
  return done;
}
