// Field encodings of ECMA-119 §7: numbers recorded in both byte orders, padded character fields.

/** §7.2.3 16-bit both-byte orders: little-endian copy first. We trust the LE half, as Linux does. */
export function readBoth16(bytes: Buffer, offset: number): number {
  return bytes.readUInt16LE(offset);
}

/** §7.3.3 32-bit both-byte orders. */
export function readBoth32(bytes: Buffer, offset: number): number {
  return bytes.readUInt32LE(offset);
}

/** §7.4 a-/d-character fields are space padded; some writers pad with NUL instead. */
export function readPaddedText(bytes: Buffer, offset: number, length: number): string {
  return bytes
    .toString('latin1', offset, offset + length)
    .replace(/[\0 ]+$/u, '')
    .replace(/\0/gu, '');
}

/** The same field in a Joliet descriptor: UCS-2 big-endian (Joliet spec §5). */
export function readUcs2Text(bytes: Buffer, offset: number, length: number): string {
  return decodeUtf16BE(bytes.subarray(offset, offset + length))
    .replace(/[\0 ]+$/u, '')
    .replace(/\0/gu, '');
}

/** UTF-16BE (a superset of Joliet's UCS-2); an odd trailing byte is ignored. */
export function decodeUtf16BE(bytes: Uint8Array): string {
  const even = bytes.length & ~1;
  const swapped = Buffer.alloc(even);
  for (let i = 0; i < even; i += 2) {
    swapped[i] = bytes[i + 1] ?? 0;
    swapped[i + 1] = bytes[i] ?? 0;
  }
  return swapped.toString('utf16le');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Rock Ridge names carry the writer's locale bytes; nearly always UTF-8, else Latin-1. */
export function decodeLocaleName(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}
