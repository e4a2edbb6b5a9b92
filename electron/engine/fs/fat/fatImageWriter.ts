// Writes a planned FAT volume through a positional sink: no mount, no staging copy. File
// contents stream from the caller straight into their cluster runs in large writes, one write in
// flight while the next chunk is read; metadata is encoded in ranges and coalesced into large
// writes. Free clusters are never written, nor the unwritten part of 'reserve' and 'external'
// files.
//
// Order, for an interrupted write: the reserved sectors are zeroed first, so the partition stops
// looking like a FAT at once, and the boot sector is written last, so it looks like one only when
// everything else is in place.
import { StickwrightError } from '../../../../shared/errors';
import { SECTOR_BYTES } from './chooseFatGeometry';
import { encodeDirectoryEntries } from './encodeDirectoryEntries';
import { encodeFatBytes } from './encodeFatTable';
import { allocatedRuns, type FatFilePlacement, type FatLayout } from './fatLayout';
import { encodeReservedRegion } from './formatBootSector';

/** The partition, or an image of it: offsets are relative to the volume's first byte. */
export interface FatVolumeSink {
  write(buffer: Buffer, offset: number): Promise<void>;
}

/** The bytes of a 'stream' file, in order, exactly `size` of them. */
export type FatFileContents = (path: string) => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface FatWriteProgress {
  readonly bytesWritten: number;
  readonly totalBytes: number;
  /** The file being written, or null while metadata is. */
  readonly path: string | null;
}

export interface WriteFatVolumeOptions {
  /** Checked before every file and every chunk; an abort throws StickwrightError CANCELLED. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FatWriteProgress) => void;
  /** Bytes per data write; a multiple of 4096. Default 4 MiB. */
  readonly chunkSize?: number;
}

export interface FatWriteResult {
  readonly bytesWritten: number;
}

/** A stream gave more or fewer bytes than the layout's size for the file. */
export class FatContentSizeError extends Error {
  constructor(
    readonly path: string,
    readonly expectedBytes: number,
    readonly receivedBytes: number,
  ) {
    super(`${path}: the content stream gave ${receivedBytes > expectedBytes ? 'more than ' : ''}${receivedBytes} bytes, the layout says ${expectedBytes}`);
    this.name = 'FatContentSizeError';
  }
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** Final writes of a file are padded with zeros up to this (inside its last cluster) so no page is half written. */
const PAGE_BYTES = 4096;

export async function writeFatVolume(
  sink: FatVolumeSink,
  layout: FatLayout,
  contents: FatFileContents,
  options: WriteFatVolumeOptions = {},
): Promise<FatWriteResult> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0 || chunkSize % PAGE_BYTES !== 0) {
    throw new RangeError(`chunk size ${chunkSize} is not a positive multiple of ${PAGE_BYTES}`);
  }
  const totalBytes = plannedBytes(layout);
  const queue = new WriteQueue(sink, (bytesWritten, path) => options.onProgress?.({ bytesWritten, totalBytes, path }));
  const checkCancelled = (before: string): void => {
    if (options.signal?.aborted) throw new StickwrightError('CANCELLED', `FAT write stopped before ${before}`);
  };
  try {
    checkCancelled('the boot sector');
    const reserved = encodeReservedRegion(layout);
    await queue.submit(Buffer.alloc(reserved.length), 0);
    await writeMetadata(queue, layout, chunkSize, checkCancelled);
    const buffers = new ChunkBuffers(chunkSize);
    for (const file of layout.files) {
      checkCancelled(file.path);
      queue.label = file.path;
      if (file.content.kind === 'stream') {
        await streamFile(queue, file, contents(file.path), buffers, checkCancelled);
      } else if (file.content.kind === 'reserve') {
        await zeroHead(queue, file, file.content.zeroHead, buffers.zeros, checkCancelled);
      }
    }
    queue.label = null;
    checkCancelled('the boot sector');
    await queue.submit(reserved, 0);
    await queue.drain();
  } finally {
    await queue.settle();
  }
  return { bytesWritten: queue.bytesWritten };
}

/** Bytes writeFatVolume will hand the sink, for progress. */
export function plannedBytes(layout: FatLayout): number {
  const reserved = layout.reservedSectors * SECTOR_BYTES;
  const directories = layout.directories.reduce((sum, directory) => sum + (directory.clusterCount > 0 ? directory.allocatedBytes : 0), 0);
  const files = layout.files.reduce((sum, file) => {
    if (file.content.kind === 'stream') return sum + paddedEnd(file, file.size);
    if (file.content.kind === 'reserve') return sum + paddedEnd(file, file.content.zeroHead);
    return sum;
  }, 0);
  return 2 * reserved + (layout.dataStart - layout.fatStart) + directories + files;
}

/** FAT copies, the FAT12/16 root region and the directory clusters: one contiguous span. */
async function writeMetadata(queue: WriteQueue, layout: FatLayout, chunkSize: number, checkCancelled: (before: string) => void): Promise<void> {
  const coalesced = new CoalescedWrites(queue, chunkSize);
  const runs = allocatedRuns(layout);
  const fatBytes = layout.sectorsPerFat * SECTOR_BYTES;
  for (let copy = 0; copy < layout.fatCount; copy += 1) {
    for (let at = 0; at < fatBytes; at += chunkSize) {
      checkCancelled('the FAT');
      const length = Math.min(chunkSize, fatBytes - at);
      await coalesced.add(layout.fatStart + copy * fatBytes + at, encodeFatBytes(layout, runs, at, length));
    }
  }
  // Directories in cluster order, each zero-filled to its end: a 0x00 first byte ends the listing (§6).
  const directories = [...layout.directories].sort((a, b) => a.offset - b.offset);
  for (const directory of directories) {
    const bytes = Buffer.alloc(directory.allocatedBytes);
    encodeDirectoryEntries(directory.entries).copy(bytes);
    await coalesced.add(directory.offset, bytes);
  }
  await coalesced.flush();
}

/** End of what a file's writes cover: `length` rounded up to a page, inside its last cluster. */
function paddedEnd(file: FatFilePlacement, length: number): number {
  if (length === 0) return 0;
  return Math.min(Math.ceil(length / PAGE_BYTES) * PAGE_BYTES, file.allocatedBytes);
}

/**
 * Two chunk buffers used in turn, across files too: while one is being written the other fills,
 * and the turn is kept from one file to the next so a buffer in flight is never refilled.
 */
class ChunkBuffers {
  private readonly pair: readonly [Buffer, Buffer];
  private index = 0;
  private zeroChunk: Buffer | null = null;

  constructor(readonly size: number) {
    this.pair = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  }

  get current(): Buffer {
    return this.index === 0 ? this.pair[0] : this.pair[1];
  }

  /** Hands the filled buffer over and returns the other one. */
  swap(): Buffer {
    this.index = 1 - this.index;
    return this.current;
  }

  /** A chunk of zeros, never written to, so it may be in flight any number of times. */
  get zeros(): Buffer {
    this.zeroChunk ??= Buffer.alloc(this.size);
    return this.zeroChunk;
  }
}

async function streamFile(
  queue: WriteQueue,
  file: FatFilePlacement,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  buffers: ChunkBuffers,
  checkCancelled: (before: string) => void,
): Promise<void> {
  const chunkSize = buffers.size;
  let buffer = buffers.current;
  let filled = 0;
  let received = 0;
  let position = file.offset;
  // The source's chunk is copied into our buffer, so the producer may reuse its own at once.
  for await (const chunk of source) {
    checkCancelled(`more of ${file.path}`);
    if (received + chunk.length > file.size) throw new FatContentSizeError(file.path, file.size, received + chunk.length);
    received += chunk.length;
    let from = 0;
    while (from < chunk.length) {
      const take = Math.min(chunkSize - filled, chunk.length - from);
      buffer.set(chunk.subarray(from, from + take), filled);
      filled += take;
      from += take;
      if (filled === chunkSize) {
        // One write in flight: `submit` waits for the write of the other buffer before reuse.
        await queue.submit(buffer, position);
        position += chunkSize;
        buffer = buffers.swap();
        filled = 0;
      }
    }
  }
  if (received !== file.size) throw new FatContentSizeError(file.path, file.size, received);
  if (filled > 0) {
    const end = paddedEnd(file, file.size) - (position - file.offset);
    buffer.fill(0, filled, end);
    await queue.submit(buffer.subarray(0, end), position);
    buffers.swap();
  }
}

async function zeroHead(queue: WriteQueue, file: FatFilePlacement, bytes: number, zeros: Buffer, checkCancelled: (before: string) => void): Promise<void> {
  const end = paddedEnd(file, bytes);
  for (let at = 0; at < end; at += zeros.length) {
    checkCancelled(`more of ${file.path}`);
    await queue.submit(zeros.subarray(0, Math.min(zeros.length, end - at)), file.offset + at);
  }
}

/**
 * Keeps one sink write in flight. A failed write is remembered and thrown by the next `submit`
 * or `drain`, never left as an unhandled rejection.
 */
class WriteQueue {
  private inFlight: Promise<void> = Promise.resolve();
  private failure: { readonly error: unknown } | null = null;
  private written = 0;
  /** The file the next writes belong to, reported with their progress. */
  label: string | null = null;

  constructor(
    private readonly sink: FatVolumeSink,
    private readonly onWritten: (bytesWritten: number, label: string | null) => void,
  ) {}

  get bytesWritten(): number {
    return this.written;
  }

  async submit(buffer: Buffer, offset: number): Promise<void> {
    await this.drain();
    const label = this.label;
    // The catch also takes a throwing progress callback: it fails the write, it is not lost.
    this.inFlight = this.sink
      .write(buffer, offset)
      .then(() => {
        this.written += buffer.length;
        this.onWritten(this.written, label);
      })
      .catch((error: unknown) => {
        this.failure = { error };
      });
  }

  async drain(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure.error;
  }

  /** Waits for the write in flight without throwing: nothing may touch the sink after we return. */
  async settle(): Promise<void> {
    await this.inFlight;
  }
}

/** Joins writes that follow each other into writes of up to `limit` bytes. */
class CoalescedWrites {
  private parts: Buffer[] = [];
  private start = 0;
  private length = 0;

  constructor(
    private readonly queue: WriteQueue,
    private readonly limit: number,
  ) {}

  async add(offset: number, bytes: Buffer): Promise<void> {
    if (this.length > 0 && (offset !== this.start + this.length || this.length + bytes.length > this.limit)) await this.flush();
    if (this.length === 0) this.start = offset;
    this.parts.push(bytes);
    this.length += bytes.length;
    if (this.length >= this.limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.length === 0) return;
    const joined = this.parts.length === 1 && this.parts[0] ? this.parts[0] : Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    await this.queue.submit(joined, this.start);
  }
}
