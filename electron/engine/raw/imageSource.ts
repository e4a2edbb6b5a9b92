// The image a raw write reads, decompressed as a stream — never to a temporary copy. Plain
// images are read as they are; gzip and a zip's stored/deflated entry through Node's zlib; xz,
// zstd and bzip2 through their own programs (`xz -dc`, `zstd -dc`, `bzip2 -dc`: Node has no
// decoder for them), fed from our own read of the file, so the compressed position is known
// (progress and ETA while the decompressed size is not). The compression is told by magic
// bytes (imageFormat.ts). The decompressed size is known for plain images, zip entries and xz
// (its index, `xz --robot --list`); for gzip, zstd and bzip2 it is known only at the end.
import { createReadStream, type ReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { constants as zlibConstants, createGunzip, createInflateRaw, crc32 } from 'node:zlib';
import { execa, type ResultPromise } from 'execa';
import { StickwrightError } from '../../../shared/errors';
import { runTool } from '../system/runTool';
import { devNumber } from '../target/resolveTarget';
import { chooseZipEntry, detectCompression, localHeaderLength, locateZipDirectory, MAGIC_BYTES, parseZipDirectory, ZIP_TAIL_BYTES, type ImageCompression, type ZipEntry } from './imageFormat';

const READ_PIECE = 1024 * 1024;
const TOOL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

/** The program (and its Debian package) that decompresses each external format. */
const DECOMPRESSORS: Readonly<Partial<Record<ImageCompression, { readonly program: string; readonly args: readonly string[]; readonly pkg: string }>>> = {
  xz: { program: 'xz', args: ['-dc', '-T0'], pkg: 'xz-utils' },
  zstd: { program: 'zstd', args: ['-dc', '-q'], pkg: 'zstd' },
  bzip2: { program: 'bzip2', args: ['-dc'], pkg: 'bzip2' },
};

export interface ImageFacts {
  readonly path: string;
  readonly compression: ImageCompression;
  /** Bytes of the file itself. */
  readonly fileBytes: number;
  /** The image's bytes once decompressed, when known before reading it all. */
  readonly size: number | null;
  /** The zip entry written, for a zip. */
  readonly entry: string | null;
  /** Internal: where a zip entry lies (dataOffset: its data, from its local header). */
  readonly zip: (ZipEntry & { readonly dataOffset: number }) | null;
}

/** Looks at the image without decompressing it: what it is and (where known) how big. */
export async function inspectImage(path: string, signal?: AbortSignal): Promise<ImageFacts> {
  const info = await stat(path).catch((error: unknown) => Promise.reject(sourceError(error, path)));
  if (info.isDirectory()) throw new StickwrightError('SOURCE_IS_DIRECTORY', path, { path });
  if (!info.isFile() && !info.isBlockDevice()) throw new StickwrightError('SOURCE_NOT_A_FILE', path, { path });
  const handle = await open(path, 'r').catch((error: unknown) => Promise.reject(sourceError(error, path)));
  try {
    // A block device (cloning a stick, reading a disc) has its size in sysfs, not in stat.
    const fileBytes = info.isFile() ? info.size : await blockDeviceBytes(devNumber(info.rdev));
    if (fileBytes === 0) throw new StickwrightError('SOURCE_CORRUPT', `${path} is empty`, { path });
    const head = Buffer.alloc(MAGIC_BYTES);
    await handle.read(head, 0, head.length, 0);
    const compression = detectCompression(head);
    const base = { path, compression, fileBytes, entry: null, zip: null };
    switch (compression) {
      case 'none':
        return { ...base, size: fileBytes };
      case 'xz':
        return { ...base, size: await xzSize(path, signal) };
      case 'zip': {
        const zip = await readZipEntry(handle, path, fileBytes);
        return { ...base, size: zip.size, entry: zip.name, zip };
      }
      default:
        return { ...base, size: null };
    }
  } finally {
    await handle.close();
  }
}

/** The decompressed bytes, piece by piece, and how far into the file the read has come. */
export interface ImageStream {
  readonly pieces: AsyncIterable<Buffer>;
  /** Compressed bytes read so far (of `fileBytes`, or of the zip entry's compressed size). */
  compressedRead(): number;
  readonly compressedTotal: number;
  /** Stops reading and any decompressor; safe to call twice. */
  close(): Promise<void>;
}

export function openImageStream(facts: ImageFacts): ImageStream {
  let read = 0;
  let start = 0;
  let end = facts.fileBytes - 1;
  if (facts.zip) {
    start = facts.zip.localHeaderOffset + facts.zip.dataOffset;
    end = start + facts.zip.compressedSize - 1;
  }
  const file: ReadStream = createReadStream(facts.path, { start, end: Math.max(start, end), highWaterMark: READ_PIECE });
  file.on('data', (piece) => (read += piece.length));
  const compressedTotal = end - start + 1;
  const closers: Array<() => Promise<void>> = [async () => void file.destroy()];
  const close = async () => {
    for (const c of closers.splice(0)) await c().catch(() => undefined);
  };
  let pieces: AsyncIterable<Buffer>;
  switch (facts.compression) {
    case 'none':
      pieces = file;
      break;
    case 'gzip':
      pieces = zlibPieces(file, createGunzip({ chunkSize: READ_PIECE }), facts.path);
      break;
    case 'zip': {
      const entry = facts.zip as ZipEntry;
      if (entry.method === 0 || entry.method === 8) {
        const raw = entry.method === 0 ? file : zlibPieces(file, createInflateRaw({ chunkSize: READ_PIECE }), facts.path);
        pieces = checkedCrc(raw, entry, facts.path);
        break;
      }
      // Deflate64 (Windows' own zip for large files), bzip2, LZMA…: `unzip -p` decompresses
      // the one entry (its name escaped: unzip takes wildcards) and checks its CRC itself.
      file.destroy();
      const escaped = entry.name.replace(/[[\]*?]/g, '[$&]');
      const child = spawnTool('unzip', ['-p', '-qq', resolve(facts.path), escaped], closers);
      pieces = toolPieces(null, child, 'unzip', 'unzip', facts.path);
      break;
    }
    default: {
      const tool = DECOMPRESSORS[facts.compression];
      if (!tool) throw new Error(`no decompressor for ${facts.compression}`);
      const child = spawnTool(tool.program, tool.args, closers);
      pieces = toolPieces(file, child, tool.program, tool.pkg, facts.path);
    }
  }
  return { pieces, compressedRead: () => read, compressedTotal, close };
}

/** A decompressor, argv only, stdout streamed, stderr kept for the message; stopped by close. */
function spawnTool(program: string, args: readonly string[], closers: Array<() => Promise<void>>): ResultPromise {
  const child = execa(program, [...args], {
        stdin: 'pipe',
        stdout: 'pipe',
        stderr: 'pipe',
        buffer: { stdout: false, stderr: true },
        maxBuffer: { stderr: 64 * 1024 },
        reject: false,
        env: TOOL_ENV,
    extendEnv: false,
  });
  closers.push(async () => {
    child.kill('SIGTERM');
    await child;
  });
  return child;
}

async function* zlibPieces(file: ReadStream, inflate: Transform, path: string): AsyncIterable<Buffer> {
  file.on('error', (error) => inflate.destroy(error));
  file.pipe(inflate);
  try {
    for await (const piece of inflate as AsyncIterable<Buffer>) yield piece;
  } catch (error) {
    throw decompressError(error, path);
  } finally {
    file.destroy();
    inflate.destroy();
  }
}

async function* checkedCrc(pieces: AsyncIterable<Buffer>, entry: ZipEntry, path: string): AsyncIterable<Buffer> {
  let crc = 0;
  let bytes = 0;
  for await (const piece of pieces) {
    crc = crc32(piece, crc);
    bytes += piece.length;
    yield piece;
  }
  if (bytes !== entry.size || crc >>> 0 !== entry.crc32 >>> 0) {
    throw new StickwrightError('SOURCE_CORRUPT', `${path}: the zip entry ${entry.name} decompressed to ${bytes} bytes with CRC ${(crc >>> 0).toString(16)}, not ${entry.size} bytes with CRC ${(entry.crc32 >>> 0).toString(16)}`, { path });
  }
}

async function* toolPieces(file: ReadStream | null, child: ResultPromise, program: string, pkg: string, path: string): AsyncIterable<Buffer> {
  const stdin = child.stdin as NodeJS.WritableStream;
  // The decompressor may stop reading (bad data, killed): its stdin then breaks; what it says
  // on exit is the error that counts.
  stdin.on('error', () => undefined);
  if (file) {
    file.on('error', () => child.kill('SIGTERM'));
    file.pipe(stdin);
  } else {
    stdin.end();
  }
  let failure: unknown = null;
  try {
    for await (const piece of child.stdout as unknown as Readable) yield piece as Buffer;
  } catch (error) {
    failure = error;
  } finally {
    file?.destroy();
  }
  const result = await child;
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new StickwrightError('TOOL_MISSING', `${program} (Debian package ${pkg}), needed to decompress ${path}`, { program, package: pkg });
  }
  if (result.failed || failure) {
    const said = String(result.stderr ?? '').trim().split('\n').slice(-2).join(' | ');
    const truncated = /unexpected end|truncated|premature end|compressed data is corrupt|file ends unexpectedly/i.test(said);
    throw new StickwrightError(truncated ? 'SOURCE_TRUNCATED' : 'SOURCE_CORRUPT', `${path}: ${program} -d exited with ${result.exitCode ?? result.signal}${said ? `: ${said}` : ''}`, { path, program });
  }
}

function decompressError(error: unknown, path: string): StickwrightError {
  if (error instanceof StickwrightError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const errno = (error as { errno?: number }).errno;
  if (code === 'Z_BUF_ERROR' || errno === zlibConstants.Z_BUF_ERROR || /unexpected end of file/i.test(String((error as Error).message))) {
    return new StickwrightError('SOURCE_TRUNCATED', `${path}: the compressed data ends early`, { path });
  }
  if (code && !code.startsWith('Z_')) return sourceError(error, path);
  return new StickwrightError('SOURCE_CORRUPT', `${path}: ${(error as Error).message}`, { path });
}

export function sourceError(error: unknown, path: string): StickwrightError {
  if (error instanceof StickwrightError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new StickwrightError('SOURCE_NOT_FOUND', path, { path });
  if (code === 'EISDIR') return new StickwrightError('SOURCE_IS_DIRECTORY', path, { path });
  if (code === 'EACCES' || code === 'EPERM') return new StickwrightError('SOURCE_PERMISSION_DENIED', path, { path });
  if (code === 'EIO') return new StickwrightError('SOURCE_READ_ERROR', path, { path });
  return new StickwrightError('SOURCE_READ_ERROR', `${path}: ${(error as Error).message}`, { path });
}

/** The uncompressed size from the xz index (exact; every stream and block is listed). */
async function xzSize(path: string, signal?: AbortSignal): Promise<number | null> {
  try {
    const { stdout } = await runTool('xz', ['--robot', '--list', '--', path], { signal, what: `reading the index of ${path}`, failCode: 'SOURCE_CORRUPT' });
    const totals = stdout.split('\n').find((line) => line.startsWith('totals\t'));
    const size = Number(totals?.split('\t')[4]);
    return Number.isSafeInteger(size) && size > 0 ? size : null;
  } catch (error) {
    if (error instanceof StickwrightError && error.code === 'TOOL_MISSING') throw new StickwrightError('TOOL_MISSING', `xz (Debian package xz-utils), needed to read ${path}`, { program: 'xz', package: 'xz-utils' });
    throw error;
  }
}

async function readZipEntry(handle: Awaited<ReturnType<typeof open>>, path: string, fileBytes: number): Promise<ZipEntry & { readonly dataOffset: number }> {
  const tailBytes = Math.min(fileBytes, ZIP_TAIL_BYTES);
  const tail = Buffer.alloc(tailBytes);
  await handle.read(tail, 0, tailBytes, fileBytes - tailBytes);
  const where = locateZipDirectory(tail, fileBytes - tailBytes);
  if (!where || where.offset + where.size > fileBytes) throw new StickwrightError('SOURCE_CORRUPT', `${path}: a zip without a readable central directory (cut short?)`, { path });
  const directory = Buffer.alloc(where.size);
  await handle.read(directory, 0, where.size, where.offset);
  let entries: ZipEntry[];
  try {
    entries = parseZipDirectory(directory, where.entries);
  } catch (error) {
    throw new StickwrightError('SOURCE_CORRUPT', `${path}: ${(error as Error).message}`, { path });
  }
  const { entry, files } = chooseZipEntry(entries);
  if (!entry) {
    throw new StickwrightError('SOURCE_NOT_A_FILE', `${path} is a zip with ${files.length ? `${files.length} files (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}) and no single image among them` : 'no files'}: unpack the image to write first`, { path });
  }
  if (entry.encrypted) throw new StickwrightError('SOURCE_NOT_A_FILE', `${path}: ${entry.name} is encrypted`, { path });
  const header = Buffer.alloc(30);
  await handle.read(header, 0, 30, entry.localHeaderOffset);
  const dataOffset = localHeaderLength(header);
  if (dataOffset === null) throw new StickwrightError('SOURCE_CORRUPT', `${path}: the local header of ${entry.name} is damaged`, { path });
  return { ...entry, dataOffset };
}

async function blockDeviceBytes(device: string): Promise<number> {
  const sectors = Number((await readFile(`/sys/dev/block/${device}/size`, 'utf8').catch(() => '0')).trim());
  return Number.isSafeInteger(sectors) ? sectors * 512 : 0;
}
