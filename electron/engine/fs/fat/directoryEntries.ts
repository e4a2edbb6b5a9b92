// FAT directory entries (FAT spec 1.03 §6) and long file names (§7).

export const FatAttribute = {
  READ_ONLY: 0x01,
  HIDDEN: 0x02,
  SYSTEM: 0x04,
  VOLUME_ID: 0x08,
  DIRECTORY: 0x10,
  ARCHIVE: 0x20,
  LONG_NAME: 0x0f, // READ_ONLY | HIDDEN | SYSTEM | VOLUME_ID (§7)
} as const;

export interface RawFatEntry {
  /** The long name when a valid LFN run precedes the entry, else the 8.3 name. */
  readonly name: string;
  readonly shortName: string;
  readonly attributes: number;
  readonly firstCluster: number;
  readonly size: number;
  readonly modified: string | null;
}

export interface ParsedDirectory {
  readonly entries: RawFatEntry[];
  readonly volumeLabel: string | null;
  /** The 0x00 end-of-directory marker was seen (§6.1: no entries follow it). */
  readonly ended: boolean;
}

/** Entries of one run of directory bytes, skipping deleted ones, "." and "..". */
export function parseDirectoryEntries(bytes: Buffer): ParsedDirectory {
  const entries: RawFatEntry[] = [];
  let volumeLabel: string | null = null;
  let lfn: { parts: string[]; checksum: number; expected: number } | null = null;
  for (let offset = 0; offset + 32 <= bytes.length; offset += 32) {
    const first = bytes.readUInt8(offset);
    if (first === 0x00) return { entries, volumeLabel, ended: true };
    if (first === 0xe5) {
      lfn = null;
      continue;
    }
    const attributes = bytes.readUInt8(offset + 11);
    if ((attributes & 0x3f) === FatAttribute.LONG_NAME) {
      lfn = collectLongName(bytes.subarray(offset, offset + 32), lfn);
      continue;
    }
    const shortName = decodeShortName(bytes.subarray(offset, offset + 32));
    if (attributes & FatAttribute.VOLUME_ID) {
      if (!(attributes & FatAttribute.DIRECTORY)) volumeLabel ??= bytes.toString('latin1', offset, offset + 11).replace(/ +$/u, '');
      lfn = null;
      continue;
    }
    let name = shortName;
    // §7.2: the LFN run is valid only if complete and its checksum matches this short name.
    if (lfn && lfn.expected === 1 && lfn.checksum === shortNameChecksum(bytes.subarray(offset, offset + 11))) {
      name = lfn.parts.join('');
    }
    lfn = null;
    if (shortName === '.' || shortName === '..') continue;
    entries.push({
      name,
      shortName,
      attributes,
      firstCluster: (bytes.readUInt16LE(offset + 20) << 16) | bytes.readUInt16LE(offset + 26),
      size: bytes.readUInt32LE(offset + 28),
      modified: decodeTimestamp(bytes.readUInt16LE(offset + 24), bytes.readUInt16LE(offset + 22)),
    });
  }
  return { entries, volumeLabel, ended: false };
}

/** LFN entries come last-first: ordinal N|0x40 first, down to 1 (§7.1). */
function collectLongName(
  entry: Buffer,
  current: { parts: string[]; checksum: number; expected: number } | null,
): { parts: string[]; checksum: number; expected: number } | null {
  const ordinal = entry.readUInt8(0);
  const sequence = ordinal & 0x1f;
  const checksum = entry.readUInt8(13);
  const chars = Buffer.concat([entry.subarray(1, 11), entry.subarray(14, 26), entry.subarray(28, 32)]);
  let text = chars.toString('utf16le');
  const end = text.indexOf('\0');
  if (end >= 0) text = text.slice(0, end);
  text = text.replace(/\uffff+$/u, '');
  if (sequence === 0) return null;
  if (ordinal & 0x40) return { parts: [text], checksum, expected: sequence };
  if (!current || current.checksum !== checksum || sequence !== current.expected - 1) return null;
  return { parts: [text, ...current.parts], checksum, expected: sequence };
}

/** §7.2 ChkSum: rotate right and add over the 11 bytes of the short name. */
export function shortNameChecksum(name11: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 11; i += 1) sum = (((sum & 1) << 7) + (sum >> 1) + (name11[i] ?? 0)) & 0xff;
  return sum;
}

/** "KERNEL  EFI" → "KERNEL.EFI"; NT reserved bits 3/4 ask for lower-case base/extension. */
function decodeShortName(entry: Buffer): string {
  const raw = Buffer.from(entry.subarray(0, 11));
  if (raw[0] === 0x05) raw[0] = 0xe5; // §6.1: 0x05 stands for a real leading 0xE5
  const flags = entry.readUInt8(12);
  let base = raw.toString('latin1', 0, 8).replace(/ +$/u, '');
  let extension = raw.toString('latin1', 8, 11).replace(/ +$/u, '');
  if (flags & 0x08) base = base.toLowerCase();
  if (flags & 0x10) extension = extension.toLowerCase();
  return extension ? `${base}.${extension}` : base;
}

/** §6.3 date and time fields: local time, 2-second resolution, years from 1980. */
function decodeTimestamp(date: number, time: number): string | null {
  if (date === 0) return null;
  const year = 1980 + (date >> 9);
  const month = (date >> 5) & 0x0f;
  const day = date & 0x1f;
  if (month < 1 || month > 12 || day < 1) return null;
  const stamp = new Date(Date.UTC(year, month - 1, day, time >> 11, (time >> 5) & 0x3f, (time & 0x1f) * 2));
  return Number.isNaN(stamp.getTime()) ? null : stamp.toISOString().replace(/\.000Z$/u, '');
}
