// The partition tables a hybrid ISO carries in its system area (ECMA-119 §6.2.1 leaves sectors
// 0–15 to the system): an MBR at byte 0 and/or a GPT at 512-byte LBA 1 (UEFI 2.10 §5.2, §5.3).
import { crc32 } from 'node:zlib';
import type { PartitionEntry } from '../../../shared/contract/isoReport';
import type { ByteSource } from '../io/byteSource';
import { gptTypeName, mbrTypeName } from './partitionTypes';

export interface PartitionTables {
  readonly mbr: boolean;
  readonly gpt: boolean;
  readonly partitions: PartitionEntry[];
  readonly problems: string[];
}

const LBA = 512;
const MAX_GPT_ENTRY_BYTES = 256 * 1024;

export async function readPartitionTables(source: ByteSource): Promise<PartitionTables> {
  if (source.size < 2 * LBA) return { mbr: false, gpt: false, partitions: [], problems: [] };
  const head = await source.read(0, 2 * LBA);
  const mbr = parseMbr(head.subarray(0, LBA));
  const problems: string[] = [];
  let gpt: PartitionEntry[] | null = null;
  const header = parseGptHeader(head.subarray(LBA, 2 * LBA));
  if (header.kind === 'bad') problems.push(header.problem);
  if (header.kind === 'ok') {
    const { entriesLba, count, entrySize } = header;
    const length = count * entrySize;
    const start = entriesLba * LBA;
    if (start + length > source.size) problems.push('The GPT partition entries lie past the end of the image.');
    else {
      const entries = await source.read(start, length);
      if ((crc32(entries) >>> 0) !== header.entriesCrc) problems.push('The GPT partition entry array checksum is wrong.');
      gpt = parseGptEntries(entries, count, entrySize);
    }
  }
  return {
    mbr: mbr !== null,
    gpt: gpt !== null,
    partitions: [...(mbr ?? []), ...(gpt ?? [])],
    problems,
  };
}

/**
 * The classic MBR: boot signature 55 AA at 510, four 16-byte entries at 446. A sector that has
 * the signature but boot indicators other than 00/80 is boot code, not a table.
 */
export function parseMbr(sector: Buffer): PartitionEntry[] | null {
  if (sector.length < 512 || sector.readUInt8(510) !== 0x55 || sector.readUInt8(511) !== 0xaa) return null;
  const partitions: PartitionEntry[] = [];
  for (let i = 0; i < 4; i += 1) {
    const offset = 446 + i * 16;
    const status = sector.readUInt8(offset);
    if (status !== 0x00 && status !== 0x80) return null;
    const type = sector.readUInt8(offset + 4);
    const firstLba = sector.readUInt32LE(offset + 8);
    const sectors = sector.readUInt32LE(offset + 12);
    if (type === 0x00 || sectors === 0) continue;
    partitions.push({
      scheme: 'mbr',
      index: i + 1,
      type: `0x${type.toString(16).padStart(2, '0')}`,
      typeName: mbrTypeName(type),
      start: firstLba * LBA,
      size: sectors * LBA,
      bootable: status === 0x80,
      name: null,
    });
  }
  return partitions.length > 0 ? partitions : null;
}

type GptHeader =
  | { kind: 'none' }
  | { kind: 'bad'; problem: string }
  | { kind: 'ok'; entriesLba: number; count: number; entrySize: number; entriesCrc: number };

/** UEFI 2.10 §5.3.2 GPT header: signature, size, CRC32 over the header with its CRC zeroed. */
export function parseGptHeader(sector: Buffer): GptHeader {
  if (sector.length < 92 || sector.toString('latin1', 0, 8) !== 'EFI PART') return { kind: 'none' };
  const headerSize = sector.readUInt32LE(12);
  if (headerSize < 92 || headerSize > sector.length) return { kind: 'bad', problem: `The GPT header size ${headerSize} is invalid.` };
  const copy = Buffer.from(sector.subarray(0, headerSize));
  const stored = copy.readUInt32LE(16);
  copy.writeUInt32LE(0, 16);
  if ((crc32(copy) >>> 0) !== stored) return { kind: 'bad', problem: 'The GPT header checksum is wrong; the GPT was ignored.' };
  const entriesLba = Number(sector.readBigUInt64LE(72));
  const count = sector.readUInt32LE(80);
  const entrySize = sector.readUInt32LE(84);
  if (entrySize < 128 || entrySize % 8 !== 0 || count * entrySize > MAX_GPT_ENTRY_BYTES || !Number.isSafeInteger(entriesLba * LBA)) {
    return { kind: 'bad', problem: `The GPT describes ${count} entries of ${entrySize} bytes; it was ignored.` };
  }
  return { kind: 'ok', entriesLba, count, entrySize, entriesCrc: sector.readUInt32LE(88) };
}

/** §5.3.3 partition entries: type GUID, unique GUID, first/last LBA (inclusive), attributes, name. */
export function parseGptEntries(bytes: Buffer, count: number, entrySize: number): PartitionEntry[] {
  const partitions: PartitionEntry[] = [];
  for (let i = 0; i < count && (i + 1) * entrySize <= bytes.length; i += 1) {
    const entry = bytes.subarray(i * entrySize, (i + 1) * entrySize);
    const type = formatGuid(entry.subarray(0, 16));
    if (type === '00000000-0000-0000-0000-000000000000') continue;
    const first = Number(entry.readBigUInt64LE(32));
    const last = Number(entry.readBigUInt64LE(40));
    const attributes = entry.readBigUInt64LE(48);
    const name = entry.toString('utf16le', 56, 128).replace(/\0.*$/su, '');
    partitions.push({
      scheme: 'gpt',
      index: i + 1,
      type,
      typeName: gptTypeName(type),
      start: first * LBA,
      size: last >= first ? (last - first + 1) * LBA : 0,
      // Attribute bit 2: legacy BIOS bootable (UEFI 2.10 table 5.8).
      bootable: (attributes & 4n) !== 0n,
      name: name === '' ? null : name,
    });
  }
  return partitions;
}

/** GUIDs are stored mixed-endian: the first three fields little-endian (UEFI 2.10 appendix A). */
export function formatGuid(bytes: Buffer): string {
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = Array.from(bytes.subarray(from, to));
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}
