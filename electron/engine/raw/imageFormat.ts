// What kind of image a raw write reads: told by its first bytes (magic numbers), never by its
// name alone — a ".img" that is really gzip, or an ".iso.xz" renamed, is read for what it is.
// Pure: bytes in, facts out.

export type ImageCompression = 'none' | 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'zip';

/** How many leading bytes `detectCompression` looks at. */
export const MAGIC_BYTES = 8;

const startsWith = (head: Uint8Array, magic: readonly number[]): boolean => head.length >= magic.length && magic.every((byte, i) => head[i] === byte);

/**
 * The compression of an image from its first bytes:
 *   gzip  1f 8b 08 (deflate, RFC 1952)        xz     fd 37 7a 58 5a 00
 *   zstd  28 b5 2f fd (a zstd frame)           bzip2  "BZh" and a block size digit 1-9
 *   zip   "PK" 03 04 (a local file header)     otherwise: a plain image, written as it is.
 */
export function detectCompression(head: Uint8Array): ImageCompression {
  if (startsWith(head, [0x1f, 0x8b, 0x08])) return 'gzip';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(head, [0x42, 0x5a, 0x68]) && head.length >= 4 && (head[3] as number) >= 0x31 && (head[3] as number) <= 0x39) return 'bzip2';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  return 'none';
}

/** What the name suggests, for a hint when it disagrees with the bytes (never to decide). */
export function compressionFromName(name: string): ImageCompression {
  const lower = name.toLowerCase();
  if (lower.endsWith('.gz') || lower.endsWith('.tgz')) return 'gzip';
  if (lower.endsWith('.xz')) return 'xz';
  if (lower.endsWith('.zst') || lower.endsWith('.zstd')) return 'zstd';
  if (lower.endsWith('.bz2')) return 'bzip2';
  if (lower.endsWith('.zip')) return 'zip';
  return 'none';
}

// ---------------------------------------------------------------------------------------------
// ZIP: the central directory (APPNOTE.TXT 4.3.12-4.3.16, ZIP64 4.3.14/4.5.3), read from the
// file's tail, so the entry to write and its size are known before a byte is decompressed.

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate; anything else is left to `unzip`. */
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Offset of the entry's local file header. */
  readonly localHeaderOffset: number;
  readonly encrypted: boolean;
  readonly directory: boolean;
}

/** How much of the tail holds the end-of-central-directory record: 22 bytes + a comment ≤ 64 KiB. */
export const ZIP_TAIL_BYTES = 22 + 0xffff + 20;

export interface ZipDirectoryLocation {
  readonly offset: number;
  readonly size: number;
  readonly entries: number;
}

/**
 * Finds the central directory from the file's tail (`tail` = its last bytes, `tailOffset` where
 * they start in the file). Null when there is no end-of-central-directory record. A ZIP64
 * record is followed through its locator (which lies just before the classic record).
 */
export function locateZipDirectory(tail: Buffer, tailOffset: number): ZipDirectoryLocation | null {
  for (let at = tail.length - 22; at >= 0; at -= 1) {
    if (tail.readUInt32LE(at) !== 0x06054b50) continue;
    const commentLength = tail.readUInt16LE(at + 20);
    if (at + 22 + commentLength !== tail.length) continue;
    let entries = tail.readUInt16LE(at + 10);
    let size = tail.readUInt32LE(at + 12);
    let offset = tail.readUInt32LE(at + 16);
    if ((entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) && at >= 20 && tail.readUInt32LE(at - 20) === 0x07064b50) {
      const zip64At = Number(tail.readBigUInt64LE(at - 20 + 8)) - tailOffset;
      if (zip64At < 0 || zip64At + 56 > tail.length || tail.readUInt32LE(zip64At) !== 0x06064b50) return null;
      entries = Number(tail.readBigUInt64LE(zip64At + 32));
      size = Number(tail.readBigUInt64LE(zip64At + 40));
      offset = Number(tail.readBigUInt64LE(zip64At + 48));
    }
    return { offset, size, entries };
  }
  return null;
}

/** The entries of a central directory (its bytes). Throws a RangeError on a damaged one. */
export function parseZipDirectory(directory: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== 0x02014b50) throw new RangeError(`central directory entry ${i} is damaged`);
    const flags = directory.readUInt16LE(at + 8);
    const method = directory.readUInt16LE(at + 10);
    const crc32 = directory.readUInt32LE(at + 16);
    let compressedSize = directory.readUInt32LE(at + 20);
    let size = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    let localHeaderOffset = directory.readUInt32LE(at + 42);
    const name = directory.subarray(at + 46, at + 46 + nameLength).toString(flags & 0x800 ? 'utf8' : 'latin1');
    // ZIP64 extended information (header 0x0001): the 64-bit values, in this order, for each
    // 32-bit field that is 0xffffffff.
    const extra = directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    for (let e = 0; e + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(e);
      const length = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        const next = (): number => {
          const value = Number(extra.readBigUInt64LE(f));
          f += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      e += 4 + length;
    }
    entries.push({ name, method, crc32, compressedSize, size, localHeaderOffset, encrypted: (flags & 1) !== 0, directory: name.endsWith('/') });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const IMAGE_NAME = /\.(iso|img|raw|bin|dd|hddimg|wic|sdcard|image)$/i;

/**
 * The entry a raw write takes from a zip: its only file, or else its only image-looking file
 * (.iso, .img, …). Anything else is ambiguous: null, with the candidates for the message.
 */
export function chooseZipEntry(entries: readonly ZipEntry[]): { readonly entry: ZipEntry | null; readonly files: readonly string[] } {
  const files = entries.filter((e) => !e.directory);
  if (files.length === 1) return { entry: files[0] as ZipEntry, files: files.map((f) => f.name) };
  const images = files.filter((e) => IMAGE_NAME.test(e.name));
  return { entry: images.length === 1 ? (images[0] as ZipEntry) : null, files: files.map((f) => f.name) };
}

/** The local file header's length: where an entry's data starts, after its name and extra field. */
export function localHeaderLength(header: Buffer): number | null {
  if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) return null;
  return 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}
