// 32-byte FAT directory entries (fatgen103 §6) preceded by their long-name entries (§7).
import { shortNameChecksum } from './directoryEntries';
import { encodeLongNameEntries, longNameEntryCount } from './longNameEntries';

export const DIRECTORY_ENTRY_BYTES = 32;

/** One name in a directory as the planner decided it; the writer only encodes it. */
export interface FatDirectoryEntryPlan {
  /** Written as LFN entries before the short entry when not null. */
  readonly longName: string | null;
  /** The 11-character on-disk short name ("SQUASHFSIMG", ".          "). */
  readonly shortName: string;
  readonly attributes: number;
  /** 0 for the volume label, empty files and ".." of a root child (§6). */
  readonly firstCluster: number;
  readonly size: number;
  readonly modified: Date;
}

export interface FatTimestamp {
  /** §6.3 date: bits 15–9 years since 1980, 8–5 month, 4–0 day. */
  readonly date: number;
  /** §6.3 time: bits 15–11 hours, 10–5 minutes, 4–0 seconds / 2. */
  readonly time: number;
  /** DIR_CrtTimeTenth: hundredths of a second past the 2-second time, 0–199. */
  readonly hundredths: number;
}

const EARLIEST = Date.UTC(1980, 0, 1);
const LATEST = Date.UTC(2107, 11, 31, 23, 59, 59, 990);

/**
 * §6.3 timestamps are local time with no zone; we store the UTC fields, as the reader decodes
 * them, so the same inputs give the same bytes on every machine. Out-of-range dates are clamped
 * to 1980–2107, the only years the format holds.
 */
export function encodeFatTimestamp(when: Date): FatTimestamp {
  const ms = Number.isNaN(when.getTime()) ? EARLIEST : Math.min(LATEST, Math.max(EARLIEST, when.getTime()));
  const at = new Date(ms);
  const date = ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate();
  const time = (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1);
  const hundredths = (at.getUTCSeconds() & 1) * 100 + Math.floor(at.getUTCMilliseconds() / 10);
  return { date, time, hundredths };
}

/** One §6 short entry. */
export function encodeShortEntry(entry: FatDirectoryEntryPlan): Buffer {
  const bytes = Buffer.alloc(DIRECTORY_ENTRY_BYTES);
  if (entry.shortName.length !== 11) throw new RangeError(`short name "${entry.shortName}" is not 11 characters`);
  bytes.write(entry.shortName, 0, 11, 'latin1');
  // §6.1: a real 0xE5 first byte is stored as 0x05 (0xE5 marks a free entry).
  if (bytes[0] === 0xe5) bytes[0] = 0x05;
  const stamp = encodeFatTimestamp(entry.modified);
  bytes.writeUInt8(entry.attributes, 11);
  bytes.writeUInt8(0, 12); // DIR_NTRes: no lower-case flags; names that need them get an LFN
  bytes.writeUInt8(stamp.hundredths, 13);
  bytes.writeUInt16LE(stamp.time, 14); // DIR_CrtTime
  bytes.writeUInt16LE(stamp.date, 16); // DIR_CrtDate
  bytes.writeUInt16LE(stamp.date, 18); // DIR_LstAccDate
  bytes.writeUInt16LE(entry.firstCluster >>> 16, 20); // DIR_FstClusHI (0 on FAT12/16)
  bytes.writeUInt16LE(stamp.time, 22); // DIR_WrtTime
  bytes.writeUInt16LE(stamp.date, 24); // DIR_WrtDate
  bytes.writeUInt16LE(entry.firstCluster & 0xffff, 26); // DIR_FstClusLO
  bytes.writeUInt32LE(entry.size, 28);
  return bytes;
}

/** Directory slots an entry takes: its LFN entries plus the short entry. */
export function entrySlotCount(entry: Pick<FatDirectoryEntryPlan, 'longName'>): number {
  return 1 + (entry.longName === null ? 0 : longNameEntryCount(entry.longName));
}

/** The entries one after the other, each short entry preceded by its LFN set. No end marker. */
export function encodeDirectoryEntries(entries: readonly FatDirectoryEntryPlan[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const short = encodeShortEntry(entry);
    if (entry.longName !== null) parts.push(...encodeLongNameEntries(entry.longName, shortNameChecksum(short.subarray(0, 11))));
    parts.push(short);
  }
  return Buffer.concat(parts);
}
