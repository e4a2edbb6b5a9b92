import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BufferByteSource } from '../io/bufferByteSource';
import { formatGuid, parseMbr, readPartitionTables } from './partitionTables';

function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/gu, '');
  const bytes = Buffer.from(hex, 'hex');
  bytes.subarray(0, 4).reverse();
  bytes.subarray(4, 6).reverse();
  bytes.subarray(6, 8).reverse();
  return bytes;
}

function mbrEntry(image: Buffer, index: number, status: number, type: number, first: number, sectors: number): void {
  const offset = 446 + index * 16;
  image.writeUInt8(status, offset);
  image.writeUInt8(type, offset + 4);
  image.writeUInt32LE(first, offset + 8);
  image.writeUInt32LE(sectors, offset + 12);
}

describe('partition tables', () => {
  it('reads an MBR with an active partition and names the types', () => {
    const sector = Buffer.alloc(512);
    mbrEntry(sector, 0, 0x80, 0x17, 0, 1000);
    mbrEntry(sector, 1, 0x00, 0xef, 1000, 200);
    sector.writeUInt16LE(0xaa55, 510);
    expect(parseMbr(sector)).toEqual([
      { scheme: 'mbr', index: 1, type: '0x17', typeName: 'Hidden HPFS/NTFS', start: 0, size: 512000, bootable: true, name: null },
      { scheme: 'mbr', index: 2, type: '0xef', typeName: 'EFI System', start: 512000, size: 102400, bootable: false, name: null },
    ]);
    sector.writeUInt8(0x12, 446); // a boot indicator that is neither 00 nor 80: boot code, not a table
    expect(parseMbr(sector)).toBeNull();
  });

  it('reads a GPT (header CRC, entry CRC, mixed-endian GUIDs, UTF-16LE names) next to a protective MBR', async () => {
    const image = Buffer.alloc(64 * 512);
    mbrEntry(image, 0, 0, 0xee, 1, 63);
    image.writeUInt16LE(0xaa55, 510);
    const entries = Buffer.alloc(128 * 128);
    guidBytes('c12a7328-f81f-11d2-ba4b-00a0c93ec93b').copy(entries, 0);
    entries.writeBigUInt64LE(34n, 32);
    entries.writeBigUInt64LE(43n, 40);
    entries.writeBigUInt64LE(4n, 48);
    entries.write('EFI boot', 56, 'utf16le');
    guidBytes('0fc63daf-8483-4772-8e79-3d69d8477de4').copy(entries, 256);
    entries.writeBigUInt64LE(44n, 256 + 32);
    entries.writeBigUInt64LE(63n, 256 + 40);
    entries.copy(image, 2 * 512, 0, 32 * 512 > entries.length ? entries.length : 32 * 512);
    const header = Buffer.alloc(92);
    header.write('EFI PART', 0, 'latin1');
    header.writeUInt32LE(0x00010000, 8);
    header.writeUInt32LE(92, 12);
    header.writeBigUInt64LE(1n, 24);
    header.writeBigUInt64LE(2n, 72);
    header.writeUInt32LE(128, 80);
    header.writeUInt32LE(128, 84);
    header.writeUInt32LE(crc32(entries) >>> 0, 88);
    header.writeUInt32LE(crc32(header) >>> 0, 16);
    header.copy(image, 512);
    const tables = await readPartitionTables(new BufferByteSource(image));
    expect(tables.mbr).toBe(true);
    expect(tables.gpt).toBe(true);
    expect(tables.problems).toEqual([]);
    expect(tables.partitions.filter((part) => part.scheme === 'gpt')).toEqual([
      { scheme: 'gpt', index: 1, type: 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b', typeName: 'EFI System', start: 34 * 512, size: 10 * 512, bootable: true, name: 'EFI boot' },
      { scheme: 'gpt', index: 3, type: '0fc63daf-8483-4772-8e79-3d69d8477de4', typeName: 'Linux filesystem', start: 44 * 512, size: 20 * 512, bootable: false, name: null },
    ]);

    image.writeUInt8(0xff, 512 + 40); // damage the header: its CRC no longer matches
    const damaged = await readPartitionTables(new BufferByteSource(image));
    expect(damaged.gpt).toBe(false);
    expect(damaged.problems[0]).toMatch(/checksum/u);
  });

  it('formats GUIDs with the first three fields little-endian', () => {
    expect(formatGuid(guidBytes('21686148-6449-6e6f-744e-656564454649'))).toBe('21686148-6449-6e6f-744e-656564454649');
  });
});
