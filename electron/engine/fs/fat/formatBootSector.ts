// The reserved region of a new volume: boot sector with BPB (fatgen103 §3), and on FAT32 the
// FSInfo sector and the backup boot sector with its FSInfo copy (§5), laid out as mkfs.fat 4.2
// lays them (FSInfo at sector 1, backups at 6 and 7).
import { SECTOR_BYTES } from './chooseFatGeometry';
import type { FatLayout } from './fatLayout';

/** §3.1 BS_OEMName: "MSWIN4.1" is the value the specification says every driver accepts. */
const OEM_NAME = 'MSWIN4.1';
/** §3.2/§3.3 BS_BootSig: the volume id, label and type string follow. */
const EXTENDED_BOOT_SIGNATURE = 0x29;
/** BS_DrvNum for a fixed disk (media 0xF8), as mkfs.fat writes it. */
const DRIVE_NUMBER_FIXED = 0x80;
const NO_NAME = 'NO NAME    ';
/**
 * Boot code of a volume that does not boot: INT 18h hands control back to the BIOS ("boot
 * failed, try the next device"), then halt in a loop should it return.
 */
const NOT_BOOTABLE_CODE = Buffer.from([0xcd, 0x18, 0xeb, 0xfe]);

// §5 FSInfo signatures and field offsets.
const FSINFO_LEAD_SIGNATURE = 0x41615252;
const FSINFO_STRUCT_SIGNATURE = 0x61417272;
const FSINFO_TRAIL_SIGNATURE = 0xaa550000;

export function encodeBootSector(layout: FatLayout): Buffer {
  const sector = Buffer.alloc(SECTOR_BYTES);
  const fat32 = layout.type === 'FAT32';
  // §3.1 BS_jmpBoot: a short jump over the BPB to the boot code, then NOP.
  const codeOffset = fat32 ? 0x5a : 0x3e;
  sector.writeUInt8(0xeb, 0);
  sector.writeUInt8(codeOffset - 2, 1);
  sector.writeUInt8(0x90, 2);
  sector.write(OEM_NAME, 3, 8, 'latin1');
  sector.writeUInt16LE(layout.bytesPerSector, 0x0b);
  sector.writeUInt8(layout.sectorsPerCluster, 0x0d);
  sector.writeUInt16LE(layout.reservedSectors, 0x0e);
  sector.writeUInt8(layout.fatCount, 0x10);
  sector.writeUInt16LE(layout.rootEntryCount, 0x11);
  // §3.1: BPB_TotSec16 when the count fits in 16 bits (never on FAT32), else BPB_TotSec32.
  const small = !fat32 && layout.totalSectors < 0x10000;
  sector.writeUInt16LE(small ? layout.totalSectors : 0, 0x13);
  sector.writeUInt8(layout.media, 0x15);
  sector.writeUInt16LE(fat32 ? 0 : layout.sectorsPerFat, 0x16);
  sector.writeUInt16LE(layout.sectorsPerTrack, 0x18);
  sector.writeUInt16LE(layout.heads, 0x1a);
  sector.writeUInt32LE(layout.hiddenSectors, 0x1c);
  sector.writeUInt32LE(small ? 0 : layout.totalSectors, 0x20);
  let extended = 0x24;
  if (fat32) {
    // §3.3: FAT32 BPB fields before the common extended ones.
    sector.writeUInt32LE(layout.sectorsPerFat, 0x24); // BPB_FATSz32
    sector.writeUInt16LE(0, 0x28); // BPB_ExtFlags: FATs mirrored at run time
    sector.writeUInt16LE(0, 0x2a); // BPB_FSVer 0.0
    sector.writeUInt32LE(layout.rootCluster, 0x2c);
    sector.writeUInt16LE(layout.fsInfoSector, 0x30);
    sector.writeUInt16LE(layout.backupBootSector, 0x32);
    extended = 0x40;
  }
  sector.writeUInt8(DRIVE_NUMBER_FIXED, extended);
  sector.writeUInt8(0, extended + 1); // BS_Reserved1: clean, no surface test pending
  sector.writeUInt8(EXTENDED_BOOT_SIGNATURE, extended + 2);
  sector.writeUInt32LE(layout.volumeId, extended + 3);
  sector.write(layout.volumeLabel === null ? NO_NAME : layout.volumeLabel.padEnd(11, ' '), extended + 7, 11, 'latin1');
  // §3.2/§3.3 BS_FilSysType: informational only; drivers go by the cluster count (§3.5).
  sector.write(`${layout.type}   `, extended + 18, 8, 'latin1');
  NOT_BOOTABLE_CODE.copy(sector, codeOffset);
  sector.writeUInt16LE(0xaa55, 510);
  return sector;
}

/** §5 FSInfo: how many clusters are free and where to start looking for one. */
export function encodeFsInfo(layout: FatLayout): Buffer {
  const sector = Buffer.alloc(SECTOR_BYTES);
  sector.writeUInt32LE(FSINFO_LEAD_SIGNATURE, 0);
  sector.writeUInt32LE(FSINFO_STRUCT_SIGNATURE, 484);
  sector.writeUInt32LE(layout.freeClusters, 488);
  sector.writeUInt32LE(layout.nextFreeCluster, 492);
  sector.writeUInt32LE(FSINFO_TRAIL_SIGNATURE, 508);
  return sector;
}

/** All reserved sectors: zeros except the boot sector and, on FAT32, FSInfo and the backups. */
export function encodeReservedRegion(layout: FatLayout): Buffer {
  const region = Buffer.alloc(layout.reservedSectors * SECTOR_BYTES);
  const boot = encodeBootSector(layout);
  boot.copy(region, 0);
  if (layout.type === 'FAT32') {
    const fsInfo = encodeFsInfo(layout);
    fsInfo.copy(region, layout.fsInfoSector * SECTOR_BYTES);
    boot.copy(region, layout.backupBootSector * SECTOR_BYTES);
    fsInfo.copy(region, (layout.backupBootSector + layout.fsInfoSector) * SECTOR_BYTES);
  }
  return region;
}
