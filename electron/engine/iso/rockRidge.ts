// Rock Ridge Interchange Protocol 1.12 (IEEE P1282): POSIX names, modes, symlinks and deep
// directory relocation, carried in SUSP entries.
import { parseRecordingDate, parseDecDateTime } from './isoDate';
import { decodeLocaleName, readBoth32 } from './isoFields';
import { parseErIdentifier, type SuspEntry } from './susp';

/** Extension identifiers that mean Rock Ridge (RRIP 1.10, 1.12 and its draft). */
export const ROCK_RIDGE_IDS = ['RRIP_1991A', 'IEEE_P1282', 'IEEE_1282'];

const RRIP_SIGNATURES = new Set(['PX', 'PN', 'SL', 'NM', 'CL', 'PL', 'RE', 'TF', 'SF', 'RR']);

export interface RockRidgeInfo {
  /** NM, continued entries joined (§4.1.4); null when absent or only "."/"..". */
  readonly name: string | null;
  /** PX file mode (§4.1.1), with the S_IFMT bits. */
  readonly mode: number | null;
  /** SL target (§4.1.3); null when not a symlink. */
  readonly symlink: string | null;
  /** CL (§4.1.5.1): this placeholder stands for the directory at that logical block. */
  readonly childLink: number | null;
  /** PL (§4.1.5.2): in a relocated directory's "..", the real parent's block. */
  readonly parentLink: number | null;
  /** RE (§4.1.5.3): this directory was relocated here; hide it from the tree. */
  readonly relocated: boolean;
  /** TF modify time (§4.1.6), ISO 8601. */
  readonly modified: string | null;
  /** Any Rock Ridge entry at all was seen in this record. */
  readonly present: boolean;
}

export function isRockRidgeExtension(entries: readonly SuspEntry[]): boolean {
  return entries.some((entry) => entry.signature === 'ER' && ROCK_RIDGE_IDS.includes(parseErIdentifier(entry) ?? ''));
}

export function parseRockRidge(entries: readonly SuspEntry[]): RockRidgeInfo {
  const nameParts: Buffer[] = [];
  let nameSpecial = false;
  let mode: number | null = null;
  let symlink: string[] | null = null;
  let pendingComponent: string | null = null;
  let childLink: number | null = null;
  let parentLink: number | null = null;
  let relocated = false;
  let modified: string | null = null;
  let present = false;

  for (const entry of entries) {
    const bytes = entry.bytes;
    if (RRIP_SIGNATURES.has(entry.signature)) present = true;
    switch (entry.signature) {
      case 'NM': {
        if (bytes.length < 5) break;
        const flags = bytes.readUInt8(4);
        // CURRENT (0x02) / PARENT (0x04): the name is "." or ".."; nothing to record.
        if (flags & 0x06) nameSpecial = true;
        else nameParts.push(bytes.subarray(5));
        break;
      }
      case 'PX':
        if (bytes.length >= 12) mode = readBoth32(bytes, 4);
        break;
      case 'SL': {
        if (bytes.length < 5) break;
        symlink ??= [];
        let offset = 5;
        while (offset + 2 <= bytes.length) {
          const flags = bytes.readUInt8(offset);
          const length = bytes.readUInt8(offset + 1);
          const content = bytes.subarray(offset + 2, Math.min(bytes.length, offset + 2 + length));
          offset += 2 + length;
          let text: string;
          if (flags & 0x02) text = '.';
          else if (flags & 0x04) text = '..';
          else if (flags & 0x08) text = '';
          else text = decodeLocaleName(content);
          // Component CONTINUE (0x01): the next component record continues this one's text.
          const joined: string = (pendingComponent ?? '') + text;
          if (flags & 0x01) pendingComponent = joined;
          else {
            pendingComponent = null;
            symlink.push(flags & 0x08 ? '' : joined);
          }
        }
        break;
      }
      case 'CL':
        if (bytes.length >= 12) childLink = readBoth32(bytes, 4);
        break;
      case 'PL':
        if (bytes.length >= 12) parentLink = readBoth32(bytes, 4);
        break;
      case 'RE':
        relocated = true;
        break;
      case 'TF':
        modified ??= parseTfModify(bytes);
        break;
      default:
        break;
    }
  }
  if (pendingComponent !== null && symlink) symlink.push(pendingComponent);
  return {
    name: nameParts.length > 0 && !nameSpecial ? decodeLocaleName(Buffer.concat(nameParts)) : null,
    mode,
    symlink: symlink === null ? null : joinSymlink(symlink),
    childLink,
    parentLink,
    relocated,
    modified,
    present,
  };
}

/** A ROOT component is recorded as an empty first component, so joining gives "/usr/lib". */
function joinSymlink(components: string[]): string {
  if (components.length === 1 && components[0] === '') return '/';
  return components.join('/');
}

/** TF (§4.1.6): flags, then the present stamps in order; LONG_FORM (0x80) uses 17-byte stamps. */
function parseTfModify(bytes: Buffer): string | null {
  if (bytes.length < 5) return null;
  const flags = bytes.readUInt8(4);
  const long = (flags & 0x80) !== 0;
  const size = long ? 17 : 7;
  let offset = 5;
  for (const bit of [0x01, 0x02]) {
    if (!(flags & bit)) continue;
    if (offset + size > bytes.length) return null;
    if (bit === 0x02) return long ? parseDecDateTime(bytes, offset) : parseRecordingDate(bytes, offset);
    offset += size;
  }
  return null;
}
