// VFAT long file name entries (fatgen103 §7 "FAT Long Directory Entries"): 13 UTF-16 code units
// per 32-byte entry, stored last part first, each carrying the checksum of the short name that
// follows them (computed by shortNameChecksum, §7.2).
import { FatAttribute } from './directoryEntries';

export const LONG_NAME_CHARS_PER_ENTRY = 13;
/** §7: a long name holds at most 255 characters (UTF-16 code units). */
export const MAX_LONG_NAME_LENGTH = 255;
/** §7 LDIR_Ord: the last (first on disk) entry of a set has this bit. */
const LAST_LONG_ENTRY = 0x40;
/** Byte offsets of the 13 characters inside an entry: LDIR_Name1 (5), LDIR_Name2 (6), LDIR_Name3 (2). */
const CHAR_OFFSETS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30] as const;

/** §7: characters a long name may not hold, besides controls below 0x20. */
const FORBIDDEN_IN_LONG_NAME = new Set([...'"*/:<>?\\|']);

/**
 * Why `name` cannot be a long file name, or null when it can. Trailing dots and spaces are
 * refused because Windows strips them, so the file could not be opened by that name.
 */
export function longNameProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name === '.' || name === '..') return `"${name}" is reserved`;
  if (name.length > MAX_LONG_NAME_LENGTH) return `the name is ${name.length} UTF-16 units long, over ${MAX_LONG_NAME_LENGTH}`;
  if (/[. ]$/u.test(name)) return 'the name ends with a dot or a space';
  if (hasUnpairedSurrogate(name)) return 'the name holds an unpaired UTF-16 surrogate';
  for (const char of name) {
    if (char.charCodeAt(0) < 0x20 || FORBIDDEN_IN_LONG_NAME.has(char)) {
      return `the name holds the forbidden character ${JSON.stringify(char)}`;
    }
  }
  return null;
}

function hasUnpairedSurrogate(name: string): boolean {
  for (let i = 0; i < name.length; i += 1) {
    const unit = name.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = name.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/** Directory slots the LFN entries of `name` take. */
export function longNameEntryCount(name: string): number {
  return Math.ceil(name.length / LONG_NAME_CHARS_PER_ENTRY);
}

/**
 * The LFN entries for `name` in on-disk order (highest ordinal first), to be followed directly by
 * the short entry whose 11-byte name has checksum `checksum`. A name that does not fill its last
 * entry is terminated by 0x0000 and padded with 0xFFFF (§7).
 */
export function encodeLongNameEntries(name: string, checksum: number): Buffer[] {
  const count = longNameEntryCount(name);
  const entries: Buffer[] = [];
  for (let index = 0; index < count; index += 1) {
    const entry = Buffer.alloc(32);
    entry.writeUInt8((index + 1) | (index === count - 1 ? LAST_LONG_ENTRY : 0), 0);
    entry.writeUInt8(FatAttribute.LONG_NAME, 11);
    entry.writeUInt8(0, 12); // LDIR_Type: 0 for a name component
    entry.writeUInt8(checksum, 13);
    entry.writeUInt16LE(0, 26); // LDIR_FstClusLO must be 0
    const start = index * LONG_NAME_CHARS_PER_ENTRY;
    CHAR_OFFSETS.forEach((offset, position) => {
      const at = start + position;
      const unit = at < name.length ? name.charCodeAt(at) : at === name.length ? 0x0000 : 0xffff;
      entry.writeUInt16LE(unit, offset);
    });
    entries.push(entry);
  }
  return entries.reverse();
}
