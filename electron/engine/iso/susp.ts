// System Use Sharing Protocol 1.12 (IEEE P1281): the entry format Rock Ridge rides on.
import { corrupt } from './corrupt';
import { readBoth32 } from './isoFields';

export interface SuspEntry {
  /** Two-letter signature, e.g. "NM". */
  readonly signature: string;
  readonly version: number;
  /** The whole entry, header included, so offsets match the specifications' tables. */
  readonly bytes: Buffer;
}

/** Reads a continuation area: `length` bytes at `offset` within logical block `block`. */
export type ContinuationReader = (block: number, offset: number, length: number) => Promise<Buffer>;

const MAX_AREAS = 32; // the record's own area plus continuation areas
const MAX_AREA_BYTES = 64 * 1024;

/**
 * All entries of one directory record, following CE continuation areas (SUSP §5.1) and stopping
 * at ST (§5.4). `skip` is LEN_SKP from the SP entry (§5.3). Bounded in areas and bytes.
 */
export async function readSuspEntries(
  systemUse: Buffer,
  skip: number,
  readContinuation: ContinuationReader,
): Promise<SuspEntry[]> {
  const entries: SuspEntry[] = [];
  let area: Buffer | null = systemUse.subarray(Math.min(skip, systemUse.length));
  let total = 0;
  for (let hop = 0; area !== null; hop += 1) {
    if (hop >= MAX_AREAS) throw corrupt(`more than ${MAX_AREAS} SUSP continuation areas in one record`);
    total += area.length;
    if (total > MAX_AREA_BYTES) throw corrupt('SUSP continuation areas exceed 64 KiB for one record');
    let next: { block: number; offset: number; length: number } | null = null;
    let stop = false;
    for (const entry of splitArea(area)) {
      if (entry.signature === 'ST') {
        stop = true;
        break;
      }
      if (entry.signature === 'CE' && entry.bytes.length >= 28) {
        next = { block: readBoth32(entry.bytes, 4), offset: readBoth32(entry.bytes, 12), length: readBoth32(entry.bytes, 20) };
        continue;
      }
      if (entry.signature !== 'PD') entries.push(entry);
    }
    if (stop || next === null || next.length === 0) break;
    if (next.length > MAX_AREA_BYTES) throw corrupt(`SUSP continuation area of ${next.length} bytes`, { ...next });
    area = await readContinuation(next.block, next.offset, next.length);
  }
  return entries;
}

/**
 * The entries of one area. SUSP §4: signature, LEN, version, data. A LEN below 4 or past the area
 * ends the area: Linux does the same, and some writers pad the tail with zeros.
 */
export function splitArea(area: Buffer): SuspEntry[] {
  const entries: SuspEntry[] = [];
  let offset = 0;
  while (offset + 4 <= area.length) {
    const length = area.readUInt8(offset + 2);
    if (length < 4 || offset + length > area.length) break;
    entries.push({
      signature: area.toString('latin1', offset, offset + 2),
      version: area.readUInt8(offset + 3),
      bytes: area.subarray(offset, offset + length),
    });
    offset += length;
  }
  return entries;
}

/** SP (§5.3) in the first record of the root directory: check bytes BE EF, then LEN_SKP. */
export function parseSp(systemUse: Buffer): { skip: number } | null {
  if (systemUse.length < 7 || systemUse.toString('latin1', 0, 2) !== 'SP') return null;
  if (systemUse.readUInt8(4) !== 0xbe || systemUse.readUInt8(5) !== 0xef) return null;
  return { skip: systemUse.readUInt8(6) };
}

/** ER (§5.5): the identifier of an extension in use, e.g. "RRIP_1991A" or "IEEE_P1282". */
export function parseErIdentifier(entry: SuspEntry): string | null {
  const bytes = entry.bytes;
  if (bytes.length < 8) return null;
  const idLength = bytes.readUInt8(4);
  if (8 + idLength > bytes.length) return null;
  return bytes.toString('latin1', 8, 8 + idLength);
}
