// A classic MBR partition table (sector 0): what BIOS and UEFI firmware both boot from, and the
// default of livecd-iso-to-disk. Pure: bytes in, bytes out. Boot code (bytes 0-439) is left to
// the GRUB installer.
export interface MbrPartition {
  readonly start: number; // bytes, multiple of 512
  readonly size: number; // bytes, multiple of 512
  readonly type: number;
  readonly bootable: boolean;
}

const SECTOR = 512;
const TABLE = 446;
const ENTRY = 16;
const MAX_LBA = 2 ** 32 - 1;

/** Sector 0 with `bootCode` (≤ 440 bytes) kept, the disk signature and up to four entries. */
export function encodeMbr(partitions: readonly MbrPartition[], diskSignature: number, bootCode?: Uint8Array): Buffer {
  if (partitions.length > 4) throw new RangeError('an MBR holds at most four primary partitions');
  const sector = Buffer.alloc(SECTOR);
  if (bootCode) Buffer.from(bootCode.subarray(0, 440)).copy(sector, 0);
  sector.writeUInt32LE(diskSignature >>> 0, 440);
  partitions.forEach((p, i) => {
    if (p.start % SECTOR || p.size % SECTOR) throw new RangeError('partitions must be whole sectors');
    const first = p.start / SECTOR;
    const count = p.size / SECTOR;
    if (first + count > MAX_LBA + 1) throw new RangeError('an MBR cannot address beyond 2 TiB');
    const at = TABLE + i * ENTRY;
    sector[at] = p.bootable ? 0x80 : 0x00;
    // CHS fields: the "use LBA" marker 1023/254/63, as parted and sfdisk write for large disks.
    sector.set([0xfe, 0xff, 0xff], at + 1);
    sector[at + 4] = p.type;
    sector.set([0xfe, 0xff, 0xff], at + 5);
    sector.writeUInt32LE(first, at + 8);
    sector.writeUInt32LE(count, at + 12);
  });
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}
