// ECMA-119 §9.1: one directory record, the unit of every ISO 9660 directory.
import { corrupt } from './corrupt';
import { readBoth32 } from './isoFields';
import { parseRecordingDate } from './isoDate';

/** §9.1.6 file flags. */
export const RecordFlag = {
  HIDDEN: 0x01, // "existence": hide from the user
  DIRECTORY: 0x02,
  ASSOCIATED: 0x04, // an associated file (Mac resource fork style), not a name of its own
  MULTI_EXTENT: 0x80, // not the final record of this file: the next record continues it
} as const;

export interface DirectoryRecord {
  /** Bytes this record occupies (LEN_DR). */
  readonly length: number;
  /** First logical block of the data, after any extended attribute record (§9.1.2, §9.5). */
  readonly dataBlock: number;
  readonly dataLength: number;
  readonly flags: number;
  readonly recorded: string | null;
  /** Raw file identifier: 0x00 is ".", 0x01 is "..". */
  readonly identifier: Buffer;
  /** System Use field, where SUSP/Rock Ridge entries live (§9.1.13). */
  readonly systemUse: Buffer;
}

export const MIN_RECORD_LENGTH = 34;

/** Parses the record at `offset`; the caller has checked LEN_DR is not 0 (padding). */
export function parseDirectoryRecord(bytes: Buffer, offset: number): DirectoryRecord {
  const length = bytes.readUInt8(offset);
  if (length < MIN_RECORD_LENGTH || offset + length > bytes.length) {
    throw corrupt(`directory record of length ${length} at byte ${offset} does not fit`, { offset, length });
  }
  const idLength = bytes.readUInt8(offset + 32);
  if (idLength === 0 || 33 + idLength > length) {
    throw corrupt(`directory record identifier of length ${idLength} does not fit its record of ${length}`, {
      offset,
      length,
      idLength,
    });
  }
  // §9.1.12: a padding byte follows an identifier of even length.
  const systemUseStart = 33 + idLength + (idLength % 2 === 0 ? 1 : 0);
  const earLength = bytes.readUInt8(offset + 1);
  return {
    length,
    dataBlock: readBoth32(bytes, offset + 2) + earLength,
    dataLength: readBoth32(bytes, offset + 10),
    recorded: parseRecordingDate(bytes, offset + 18),
    flags: bytes.readUInt8(offset + 25),
    identifier: Buffer.from(bytes.subarray(offset + 33, offset + 33 + idLength)),
    systemUse: Buffer.from(bytes.subarray(offset + Math.min(systemUseStart, length), offset + length)),
  };
}

export function isDotRecord(record: DirectoryRecord): boolean {
  return record.identifier.length === 1 && (record.identifier[0] === 0 || record.identifier[0] === 1);
}

export function isDirectory(record: DirectoryRecord): boolean {
  return (record.flags & RecordFlag.DIRECTORY) !== 0;
}

export const SECTOR_SIZE = 2048;

/**
 * Splits a directory's bytes into records. §6.8.1.1: a record never crosses a logical sector;
 * a zero LEN_DR means the rest of the sector is padding. Bounded by the directory's size.
 */
export function parseDirectoryRecords(bytes: Buffer): DirectoryRecord[] {
  const records: DirectoryRecord[] = [];
  for (let sector = 0; sector < bytes.length; sector += SECTOR_SIZE) {
    const end = Math.min(bytes.length, sector + SECTOR_SIZE);
    let offset = sector;
    while (offset < end) {
      const length = bytes.readUInt8(offset);
      if (length === 0) break;
      if (offset + length > end) {
        throw corrupt(`directory record of length ${length} at byte ${offset} crosses a sector boundary`, {
          offset,
          length,
        });
      }
      records.push(parseDirectoryRecord(bytes.subarray(0, end), offset));
      offset += length;
    }
  }
  return records;
}
