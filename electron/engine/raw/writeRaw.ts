// Raw mode: any image (hybrid ISO, .img, FreeBSD memstick…) written byte for byte to one or more
// targets, from ONE read (and decompression) of the source fanned out to every target
// (fanOut.ts: a bounded buffer; a slow target slows only the shared read, a failing one is
// dropped with its own error while the others finish).
//
// Per target:
//   wipe     the first 4 MiB and the last 1 MiB are zeroed first: old partition tables (also a
//            GPT's backup at the end) are gone before anything new is written
//   copy     4 MiB aligned chunks, O_DIRECT (DeviceFile), in order — except the first chunk,
//            held back and written last: an interrupted write leaves a target with no partition
//            table, never a plausible half-written one (etcher-sdk's delayFirstBuffer)
//   flush    fsync
//   verify   the written range read back around the page cache (readBack.ts, O_DIRECT) against
//            SHA-256s taken of the decompressed bytes in the same pass as the write (one per
//            32 MiB segment: a mismatch names where, and cancel has a safe point per segment),
//            on a worker thread reading the same shared chunks (segmentHasher.ts)
// A target too small for an image of unknown size (gzip, zstd, bzip2) fails TARGET_TOO_SMALL
// when the stream passes its end; nothing is written past it.
import { open, readFile, stat, unlink } from 'node:fs/promises';
import type { PhaseName } from '../../../shared/contract/events';
import { StickwrightError, toErrorPayload, type ErrorPayload } from '../../../shared/errors';
import { formatBytes } from '../../../shared/units';
import { DeviceFile } from '../disk/deviceFile';
import { targetFailureMapper } from '../jobs/targetFailure';
import { devNumber, prepareTarget, resolveTarget, type ResolvedTarget } from '../target/resolveTarget';
import { checkOpenedTarget, checkTargetIdentity, type TargetIdentity } from '../target/targetIdentity';
import { readBack, type ReadBackResult } from '../verify/readBack';
import type { LedgerEntry } from '../verify/writeLedger';
import type { ProgressSnapshot } from '../write/progressMeter';
import { FanOut } from './fanOut';
import type { ImageCompression } from './imageFormat';
import { inspectImage, openImageStream, sourceError, type ImageFacts } from './imageSource';
import { RawMeter } from './rawProgress';
import { SegmentHasher } from './segmentHasher';

const MiB = 2 ** 20;
export const RAW_CHUNK = 4 * MiB;
/** Chunks of one verify segment (32 MiB). */
const SEGMENT_CHUNKS = 8;
const WIPE_END = MiB;
const ZEROS = Buffer.alloc(RAW_CHUNK);

export interface RawWriteRequest {
  readonly imagePath: string;
  readonly targets: readonly string[];
  /** Creates a missing target image file at this size (or grows a smaller one to it). Without
   *  it a missing image file is made at the image's size, when that is known. */
  readonly createSize?: number;
  /** The user agreed to have mounted filesystems of the targets unmounted (`--unmount`): they
   *  are listed in each target's `mounted` instead of refused. */
  readonly allowMounted?: boolean;
}

export interface CheckedRawWrite {
  readonly image: ImageFacts;
  readonly targets: readonly ResolvedTarget[];
}

/** Every check before anything is asked or written: the image, each target, their sizes. */
export async function checkRawWrite(request: RawWriteRequest, signal?: AbortSignal): Promise<CheckedRawWrite> {
  if (!request.targets.length) throw new StickwrightError('USAGE', 'raw write needs at least one --target');
  const image = await inspectImage(request.imagePath, signal);
  // A block device as the image (cloning a stick): it, and the disk it is a partition of, are
  // never a target (resolveTarget compares files and the disks files lie on, not this).
  const sourceDisks = await blockDeviceAndDisk(request.imagePath);
  const targets: ResolvedTarget[] = [];
  for (const path of request.targets) {
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    const createSize = request.createSize ?? (exists ? undefined : (image.size ?? undefined));
    const target = await resolveTarget({ path, createSize, sourcePath: request.imagePath, mode: 'check', allowMounted: request.allowMounted });
    if (target.device !== null && sourceDisks.includes(target.device)) {
      throw new StickwrightError('TARGET_HOLDS_SOURCE', `${target.path} is the device the image is read from`, { path: target.path });
    }
    const twin = targets.find((t) => t.path === target.path || (t.device !== null && t.device === target.device));
    if (twin) throw new StickwrightError('OPTIONS_CONFLICT', `${path} names the same target as ${twin.path}`, { path: target.path });
    if (image.size !== null && image.size > target.size) {
      throw new StickwrightError('TARGET_TOO_SMALL', `${target.path} has ${formatBytes(target.size)}; the image is ${formatBytes(image.size)} (${image.size - target.size} bytes more); nothing was written`, {
        path: target.path,
        targetBytes: target.size,
        imageBytes: image.size,
      });
    }
    targets.push(target);
  }
  return { image, targets };
}

export interface RawWriteHooks {
  /** target null: the whole write (preflight); else that target's phase. */
  readonly onPhase?: (target: string | null, phase: PhaseName) => void;
  readonly onProgress?: (target: string, progress: ProgressSnapshot) => void;
  /** A target failed and was dropped; the others go on. */
  readonly onTargetFailed?: (target: string, error: ErrorPayload) => void;
  readonly onLog?: (message: string) => void;
}

export interface RawWriteOptions {
  readonly verify: boolean;
  /** The targets' identities recorded at the check (same order): compared before the first write. */
  readonly identities?: readonly (TargetIdentity | null)[];
}

export type RawTargetOutcome =
  | { readonly target: string; readonly ok: true; readonly bytesWritten: number; readonly verified: ReadBackResult | null; readonly elapsedMs: number }
  | { readonly target: string; readonly ok: false; readonly bytesWritten: number; readonly error: ErrorPayload; readonly elapsedMs: number };

export interface RawWriteResult {
  readonly image: { readonly path: string; readonly compression: ImageCompression; readonly entry: string | null; readonly fileBytes: number; readonly bytes: number };
  readonly targets: readonly RawTargetOutcome[];
  readonly elapsedMs: number;
  /** The most chunks any target had waiting (of maxAhead): how far the read ran ahead. */
  readonly bufferHighWater: number;
}

interface Chunk {
  readonly offset: number;
  readonly data: Buffer;
  /** The pool slot `data` lies in, and how many targets have still to write it. */
  readonly slot: Buffer;
  refs: number;
}

// The WebAssembly global, typed as far as we use it: a shared memory is page-aligned (O_DIRECT)
// and can be read by the hashing thread without a copy.
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: true }) => { buffer: SharedArrayBuffer } } }).WebAssembly;

/** Aligned 4 MiB slots of shared memory for the chunks; acquire waits while all are in use. */
class ChunkPool {
  readonly memory: SharedArrayBuffer;
  private readonly idle: Buffer[] = [];
  private readonly waiting: Array<() => void> = [];

  constructor(slots: number) {
    const pages = (slots * RAW_CHUNK) / 65536;
    this.memory = new Memory({ initial: pages, maximum: pages, shared: true }).buffer;
    for (let i = 0; i < slots; i += 1) this.idle.push(Buffer.from(this.memory, i * RAW_CHUNK, RAW_CHUNK));
  }

  async acquire(): Promise<Buffer> {
    for (;;) {
      const slot = this.idle.pop();
      if (slot) return slot;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** One target is done with `chunk`; the last one gives its slot back. */
  release(chunk: Chunk): void {
    chunk.refs -= 1;
    if (chunk.refs === 0) this.free(chunk.slot);
  }

  free(slot: Buffer): void {
    this.idle.push(slot);
    this.waiting.shift()?.();
  }
}

interface SourceDone {
  readonly bytes: number;
  readonly segments: readonly LedgerEntry[];
}

export async function writeRaw(checked: CheckedRawWrite, options: RawWriteOptions, hooks: RawWriteHooks = {}, signal?: AbortSignal): Promise<RawWriteResult> {
  const started = performance.now();
  const cancelled = () => signal?.aborted ?? false;
  // Still nothing written: the same target as checked, or nothing at all.
  checked.targets.forEach((_, i) => {
    const identity = options.identities?.[i];
    if (identity) checkTargetIdentity(identity);
  });
  if (cancelled()) throw new StickwrightError('CANCELLED', 'before anything was written', { targetTouched: false });
  const prepared: ResolvedTarget[] = [];
  const devices: DeviceFile[] = [];
  try {
    for (const [i, target] of checked.targets.entries()) {
      const ready = await prepareTarget(target);
      prepared.push(ready);
      const device = await DeviceFile.open(ready.path, { block: ready.kind === 'block', size: ready.size });
      devices.push(device);
      // What was opened is what was checked (not whatever the path names by now).
      const identity = options.identities?.[i];
      if (identity) checkOpenedTarget(await device.stat(), identity);
    }
  } catch (error) {
    await Promise.all(devices.map((d) => d.close()));
    await removeCreated(prepared);
    throw error;
  }
  const mappers = await Promise.all(prepared.map((t) => targetFailureMapper(t.path)));
  /** Targets whose every byte (the first chunk last) is written: a cancel now leaves them whole. */
  const complete = new Set<string>();
  const n = prepared.length;
  const fan = new FanOut<Chunk>(n, n === 1 ? 4 : 16);
  const image = checked.image;
  // Chunks live in page-aligned memory (O_DIRECT as they are, no copy per target), recycled
  // once every target has written them: the read can be at most the fan-out's bound ahead.
  const chunks = new ChunkPool(fan.maxAhead + 3);
  fan.onDiscard = (chunk) => chunks.release(chunk);
  // The segment hashes are taken on a worker thread, from the same shared chunks.
  const hasher = new SegmentHasher(chunks.memory);
  // A plain image is read straight into the chunks; a compressed one is decompressed into them.
  const stream = image.compression === 'none' ? null : openImageStream(image);
  let plainRead = 0;
  const fraction = () => (stream ? (stream.compressedTotal > 0 ? Math.min(1, stream.compressedRead() / stream.compressedTotal) : null) : image.fileBytes ? plainRead / image.fileBytes : null);

  // The one reader: decompress, fill aligned chunks, hash each 32 MiB segment, fan out.
  const source = (async (): Promise<SourceDone> => {
    const segments: Array<{ offset: number; length: number; digest: Promise<Buffer> }> = [];
    let offset = 0;
    let segment: { index: number; offset: number; length: number; chunks: number } | null = null;
    let anyLeft = true;
    let filling: { slot: Buffer; used: number } | null = null;
    const closeSegment = (open: { index: number; offset: number; length: number }) => {
      const digest = hasher.finish(open.index);
      digest.catch(() => undefined);
      segments.push({ offset: open.offset, length: open.length, digest });
    };
    const send = async (slot: Buffer, length: number): Promise<void> => {
      const data = slot.subarray(0, length);
      if (!anyLeft || fan.liveCount === 0) {
        anyLeft = false;
        chunks.free(slot);
        return;
      }
      // Every live target writes it, and the hasher reads it: the slot is free after all of them.
      const chunk: Chunk = { offset, data, slot, refs: fan.liveCount + 1 };
      segment ??= { index: segments.length, offset, length: 0, chunks: 0 };
      hasher.add(segment.index, data, () => chunks.release(chunk));
      segment.length += data.length;
      segment.chunks += 1;
      if (segment.chunks === SEGMENT_CHUNKS) {
        closeSegment(segment);
        segment = null;
      }
      offset += data.length;
      anyLeft = await fan.push(chunk);
    };
    try {
      if (!stream) {
        const handle = await open(image.path, 'r').catch((error: unknown) => Promise.reject(sourceError(error, image.path)));
        try {
          while (anyLeft) {
            if (cancelled()) throw new StickwrightError('CANCELLED', 'while writing');
            const slot = await chunks.acquire();
            let got = 0;
            while (got < RAW_CHUNK) {
              let n: number;
              try {
                ({ bytesRead: n } = await handle.read(slot, got, RAW_CHUNK - got, plainRead));
              } catch (error) {
                chunks.free(slot);
                throw sourceError(error, image.path);
              }
              if (n === 0) break;
              got += n;
              plainRead += n;
            }
            if (got === 0) {
              chunks.free(slot);
              break;
            }
            await send(slot, got);
            if (got < RAW_CHUNK) break;
          }
        } finally {
          await handle.close();
        }
      } else {
        for await (const piece of stream.pieces) {
          if (cancelled()) throw new StickwrightError('CANCELLED', 'while writing');
          for (let at = 0; at < piece.length && anyLeft; ) {
            filling ??= { slot: await chunks.acquire(), used: 0 };
            const take = Math.min(RAW_CHUNK - filling.used, piece.length - at);
            piece.copy(filling.slot, filling.used, at, at + take);
            filling.used += take;
            at += take;
            if (filling.used === RAW_CHUNK) {
              const full: { slot: Buffer; used: number } = filling;
              filling = null;
              await send(full.slot, full.used);
            }
          }
          if (!anyLeft) break;
        }
        if (filling !== null) {
          const last: { slot: Buffer; used: number } = filling;
          filling = null;
          if (anyLeft && last.used) await send(last.slot, last.used);
          else chunks.free(last.slot);
        }
      }
      if (segment !== null) closeSegment(segment);
      if (anyLeft && image.size !== null && offset !== image.size) {
        throw new StickwrightError('SOURCE_TRUNCATED', `${image.path} gave ${offset} bytes, not the ${image.size} it says it holds`, { path: image.path });
      }
      const ledger: LedgerEntry[] = [];
      for (const s of segments) ledger.push({ offset: s.offset, length: s.length, digest: await s.digest });
      return { bytes: offset, segments: ledger };
    } finally {
      fan.end();
      await stream?.close();
    }
  })();
  // Every target waits for the source's end; a failure there is everyone's, reported once.
  let sourceFailed = false;
  source.catch(() => (sourceFailed = true));

  const outcomes = await Promise.all(
    prepared.map(async (target, index): Promise<RawTargetOutcome> => {
      const device = devices[index] as DeviceFile;
      const meter = new RawMeter(image.size, (p) => hooks.onProgress?.(target.path, p));
      let written = 0;
      const t0 = performance.now();
      try {
        hooks.onPhase?.(target.path, 'partition');
        // Wipe: the end (a GPT backup) and the start (every other table and signature).
        const endStart = Math.max(0, target.size - WIPE_END);
        if (endStart >= RAW_CHUNK) await device.write(ZEROS.subarray(0, target.size - endStart), endStart);
        await device.write(ZEROS.subarray(0, Math.min(RAW_CHUNK, target.size)), 0);
        hooks.onPhase?.(target.path, 'copy');
        meter.enter('copy', image.size);
        let first: Buffer | null = null;
        for (;;) {
          const chunk = await fan.next(index);
          if (!chunk) break;
          try {
            if (cancelled()) throw new StickwrightError('CANCELLED', 'while writing');
            const end = chunk.offset + chunk.data.length;
            if (end > target.size) {
              throw new StickwrightError('TARGET_TOO_SMALL', `${target.path} has ${formatBytes(target.size)}; the image is larger (more than ${end} bytes); its first 4 MiB are zeroed: write it again on a larger stick`, {
                path: target.path,
                targetBytes: target.size,
                imageBytesAtLeast: end,
                targetTouched: true,
              });
            }
            // The first chunk is kept (a copy: its slot goes back to the pool) and written last.
            if (chunk.offset === 0) first = Buffer.from(chunk.data);
            else await device.writeAligned(chunk.data, chunk.offset);
          } finally {
            chunks.release(chunk);
          }
          written += chunk.data.length;
          meter.set(written, fraction());
        }
        const done = await source;
        if (cancelled()) throw new StickwrightError('CANCELLED', 'while writing');
        if (first) await device.write(first, 0);
        complete.add(target.path);
        hooks.onPhase?.(target.path, 'flush');
        await device.flush();
        meter.set(written, 1, true);
        let verified: ReadBackResult | null = null;
        if (options.verify) {
          hooks.onPhase?.(target.path, 'verify');
          meter.enter('verify', done.bytes);
          let checkedBytes = 0;
          verified = await readBack(target.path, target.size, done.segments, {
            block: target.kind === 'block',
            signal,
            onBytes: (bytes) => meter.set((checkedBytes += bytes)),
          });
          meter.set(checkedBytes, null, true);
        }
        return { target: target.path, ok: true, bytesWritten: written, verified, elapsedMs: Math.round(performance.now() - t0) };
      } catch (error) {
        fan.drop(index);
        // A source failure or a cancel is not this target's: the whole write reports it.
        if (cancelled() || sourceFailed) throw error;
        const mapped = await mappers[index]?.(error);
        const payload = toErrorPayload(mapped ?? error);
        hooks.onTargetFailed?.(target.path, payload);
        return { target: target.path, ok: false, bytesWritten: written, error: payload, elapsedMs: Math.round(performance.now() - t0) };
      } finally {
        await device.close();
      }
    }).map((p) => p.then((value) => ({ value }), (error: unknown) => ({ error }))),
  );
  // Let the source finish (it has ended or stops as every consumer is gone).
  const sourceResult = await source.then((value) => ({ value }), (error: unknown) => ({ error }));
  await hasher.close();
  const thrown = outcomes.find((o): o is { error: unknown } => 'error' in o);
  if (cancelled()) {
    const blank = prepared.filter((t) => !complete.has(t.path)).map((t) => t.path);
    const whole = prepared.filter((t) => complete.has(t.path)).map((t) => t.path);
    const said = [
      blank.length ? `${blank.join(', ')} ${blank.length === 1 ? 'is' : 'are'} incomplete (the first 4 MiB zeroed: no partition table) and must be written again` : '',
      whole.length ? `${whole.join(', ')} ${whole.length === 1 ? 'was' : 'were'} written in full but not verified` : '',
    ];
    throw new StickwrightError('CANCELLED', said.filter(Boolean).join('; '), { targetTouched: true });
  }
  if ('error' in sourceResult) {
    const error = sourceResult.error;
    const detail = error instanceof StickwrightError && error.detail ? error.detail : String(error);
    const code = error instanceof StickwrightError ? error.code : 'INTERNAL';
    throw new StickwrightError(code, `${detail}; ${prepared.map((t) => t.path).join(', ')} ${n === 1 ? 'is' : 'are'} incomplete (no partition table) and must be written again`, {
      ...(error instanceof StickwrightError ? error.data : {}),
      targetTouched: true,
    }, { cause: error });
  }
  if (thrown) throw thrown.error;
  const results = outcomes.map((o) => (o as { value: RawTargetOutcome }).value);
  await removeCreated(prepared.filter((t, i) => !results[i]?.ok));
  return {
    image: { path: image.path, compression: image.compression, entry: image.entry, fileBytes: image.fileBytes, bytes: sourceResult.value.bytes },
    targets: results,
    elapsedMs: Math.round(performance.now() - started),
    bufferHighWater: fan.highWater,
  };
}

/** Image files this run created, on failure: removed rather than left half written. */
async function removeCreated(targets: readonly ResolvedTarget[]): Promise<void> {
  for (const t of targets) if (t.created) await unlink(t.path).catch(() => undefined);
}

/** major:minor of a block device and (for a partition) of its disk; [] for anything else. */
async function blockDeviceAndDisk(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info?.isBlockDevice()) return [];
  const device = devNumber(info.rdev);
  const disk = await readFile(`/sys/dev/block/${device}/../dev`, 'utf8').then(
    (text) => text.trim(),
    () => null,
  );
  const isPartition = await stat(`/sys/dev/block/${device}/partition`).then(
    () => true,
    () => false,
  );
  return isPartition && disk ? [device, disk] : [device];
}
