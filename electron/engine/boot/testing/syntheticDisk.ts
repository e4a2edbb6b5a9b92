// Small stand-ins for the unit tests: a boot.img and a core.img with GRUB's layout at the
// offsets we patch (but no real code), and disks in memory with MBR or GPT tables.
import { crc32 } from 'node:zlib';
import type { DiskSink } from '../diskSink';

/** boot.img-shaped: jmp at 0, kernel_sector = 1 at 0x5c, boot_drive 0xff, `jmp 3f` at 0x66, 55 AA. */
export function syntheticBootImg(): Buffer {
  const img = Buffer.alloc(512);
  for (let i = 0; i < 512; i++) img[i] = (i * 7 + 3) & 0xff; // recognisable "code" everywhere
  img.set([0xeb, 0x63, 0x90], 0);
  img.fill(0, 0x03, 0x5a);
  img.writeUInt16LE(0x8000, 0x5a);
  img.writeBigUInt64LE(1n, 0x5c);
  img[0x64] = 0xff;
  img.set([0xeb, 0x05], 0x66);
  img.fill(0, 0x1b8, 0x1fe);
  img.set([0x55, 0xaa], 0x1fe);
  return img;
}

/**
 * core.img-shaped: diskboot sector whose first block list entry is {2, sectors-1, 0x820}, then a
 * kernel sector with no_rs_length at 0x14, then pseudo-random payload; `tail` bytes of a last,
 * partial sector.
 */
export function syntheticCoreImg(sectors: number, tail = 0, noRsLength = 0x100, seed = 1): Buffer {
  const core = Buffer.alloc(sectors * 512 + tail);
  let x = seed;
  for (let i = 512; i < core.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    core[i] = x >>> 24;
  }
  core.fill(0, 0, 512);
  core.set([0x52, 0xbf, 0xf4, 0x81], 0); // diskboot.S: push %dx; mov $firstlist, %di
  core.writeBigUInt64LE(2n, 0x1f4);
  core.writeUInt16LE(Math.ceil(core.length / 512) - 1, 0x1fc);
  core.writeUInt16LE(0x820, 0x1fe);
  core.writeUInt32LE(0, 512 + 0x10);
  core.writeUInt16LE(noRsLength, 512 + 0x14);
  return core;
}

export interface MbrPartitionSpec {
  type: number;
  startLba: number;
  sectors: number;
  bootable?: boolean;
}

/** A disk in memory with an MBR (disk signature 0xdeadbeef) and these partitions; old boot code in 0–439. */
export function mbrDisk(bytes: number, partitions: MbrPartitionSpec[]): Buffer {
  const disk = Buffer.alloc(bytes);
  for (let i = 0; i < 440; i++) disk[i] = (i * 13 + 1) & 0xff;
  disk.writeUInt32LE(0xdeadbeef, 0x1b8);
  partitions.forEach((p, i) => {
    const offset = 0x1be + i * 16;
    disk[offset] = p.bootable ? 0x80 : 0;
    disk[offset + 4] = p.type;
    disk.writeUInt32LE(p.startLba, offset + 8);
    disk.writeUInt32LE(p.sectors, offset + 12);
  });
  disk.set([0x55, 0xaa], 0x1fe);
  return disk;
}

function guidBytes(guid: string): Buffer {
  const bytes = Buffer.from(guid.replace(/-/g, ''), 'hex');
  bytes.subarray(0, 4).reverse();
  bytes.subarray(4, 6).reverse();
  bytes.subarray(6, 8).reverse();
  return bytes;
}

export interface GptPartitionSpec {
  typeGuid: string;
  firstLba: number;
  lastLba: number;
}

/** A disk with a protective MBR and a primary GPT (header at LBA 1, 128 entries of 128 bytes at LBA 2). */
export function gptDisk(bytes: number, partitions: GptPartitionSpec[]): Buffer {
  const sectors = bytes / 512;
  const disk = mbrDisk(bytes, [{ type: 0xee, startLba: 1, sectors: Math.min(sectors - 1, 0xffffffff) }]);
  const entries = Buffer.alloc(128 * 128);
  partitions.forEach((p, i) => {
    const e = entries.subarray(i * 128, (i + 1) * 128);
    e.set(guidBytes(p.typeGuid), 0);
    e.set(guidBytes(`0000000${i + 1}-1111-2222-3333-444444444444`), 16);
    e.writeBigUInt64LE(BigInt(p.firstLba), 32);
    e.writeBigUInt64LE(BigInt(p.lastLba), 40);
  });
  disk.set(entries, 2 * 512);
  const header = Buffer.alloc(92);
  header.write('EFI PART', 0, 'latin1');
  header.writeUInt32LE(0x00010000, 8);
  header.writeUInt32LE(92, 12);
  header.writeBigUInt64LE(1n, 24);
  header.writeBigUInt64LE(BigInt(sectors - 1), 32);
  header.writeBigUInt64LE(34n, 40);
  header.writeBigUInt64LE(BigInt(sectors - 34), 48);
  header.writeBigUInt64LE(2n, 72);
  header.writeUInt32LE(128, 80);
  header.writeUInt32LE(128, 84);
  header.writeUInt32LE(crc32(entries) >>> 0, 88);
  header.writeUInt32LE(crc32(header) >>> 0, 16);
  disk.set(header, 512);
  return disk;
}

/** A sink over a Buffer; `dropWrites` makes writes vanish (a lying device). */
export function bufferSink(disk: Buffer, options: { dropWrites?: boolean } = {}): DiskSink & { writes: { offset: number; length: number }[] } {
  const writes: { offset: number; length: number }[] = [];
  return {
    writes,
    async read(length, offset) {
      if (offset + length > disk.length) throw new RangeError('read past the end');
      return Buffer.from(disk.subarray(offset, offset + length));
    },
    async write(buffer, offset) {
      if (offset + buffer.length > disk.length) throw new RangeError('write past the end');
      writes.push({ offset, length: buffer.length });
      if (!options.dropWrites) buffer.copy(disk, offset);
    },
  };
}
