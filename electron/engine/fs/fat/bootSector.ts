// The FAT boot sector and BIOS Parameter Block (Microsoft "FAT32 File System Specification"
// 1.03, §3 "Boot Sector and BPB"), and the FAT type rule of §3.5 (count of clusters).
import { FilesystemError } from '../filesystemError';

export type FatType = 'FAT12' | 'FAT16' | 'FAT32';

export interface FatGeometry {
  readonly type: FatType;
  readonly bytesPerSector: number;
  readonly sectorsPerCluster: number;
  readonly bytesPerCluster: number;
  readonly reservedSectors: number;
  readonly fatCount: number;
  readonly sectorsPerFat: number;
  /** FAT12/16: entries in the fixed root directory; FAT32: 0. */
  readonly rootEntryCount: number;
  readonly totalSectors: number;
  /** Byte offsets inside the volume. */
  readonly fatStart: number;
  readonly rootDirStart: number;
  readonly rootDirBytes: number;
  readonly dataStart: number;
  /** Number of data clusters; valid cluster numbers are 2 … clusterCount + 1. */
  readonly clusterCount: number;
  /** FAT32: first cluster of the root directory. */
  readonly rootCluster: number;
  readonly volumeLabel: string | null;
  readonly volumeId: number;
}

const fail = (message: string): FilesystemError => new FilesystemError('FAT', message);

export function parseBootSector(sector: Buffer): FatGeometry {
  if (sector.length < 512) throw fail('the boot sector is shorter than 512 bytes');
  const bytesPerSector = sector.readUInt16LE(0x0b);
  const sectorsPerCluster = sector.readUInt8(0x0d);
  const reservedSectors = sector.readUInt16LE(0x0e);
  const fatCount = sector.readUInt8(0x10);
  const rootEntryCount = sector.readUInt16LE(0x11);
  const totalSectors16 = sector.readUInt16LE(0x13);
  const sectorsPerFat16 = sector.readUInt16LE(0x16);
  const totalSectors32 = sector.readUInt32LE(0x20);
  if (![512, 1024, 2048, 4096].includes(bytesPerSector)) throw fail(`bytes per sector is ${bytesPerSector}`);
  if (sectorsPerCluster === 0 || (sectorsPerCluster & (sectorsPerCluster - 1)) !== 0) {
    throw fail(`sectors per cluster is ${sectorsPerCluster}`);
  }
  if (reservedSectors === 0 || fatCount === 0) throw fail('no reserved sectors or no FAT');
  const sectorsPerFat = sectorsPerFat16 !== 0 ? sectorsPerFat16 : sector.readUInt32LE(0x24);
  const totalSectors = totalSectors16 !== 0 ? totalSectors16 : totalSectors32;
  if (sectorsPerFat === 0 || totalSectors === 0) throw fail('the BPB gives a zero FAT size or sector count');
  // §3.5: the root directory region size, then the data region and the cluster count.
  const rootDirSectors = Math.ceil((rootEntryCount * 32) / bytesPerSector);
  const firstDataSector = reservedSectors + fatCount * sectorsPerFat + rootDirSectors;
  if (firstDataSector >= totalSectors) throw fail('the BPB leaves no data region');
  const clusterCount = Math.floor((totalSectors - firstDataSector) / sectorsPerCluster);
  const type: FatType = clusterCount < 4085 ? 'FAT12' : clusterCount < 65525 ? 'FAT16' : 'FAT32';
  const fat32 = type === 'FAT32';
  const labelOffset = fat32 ? 0x47 : 0x2b;
  // Extended boot signature 0x29 (§3.2/§3.3) says the volume id and label fields are present.
  const extended = sector.readUInt8(fat32 ? 0x42 : 0x26) === 0x29;
  const label = extended ? sector.toString('latin1', labelOffset, labelOffset + 11).replace(/ +$/u, '') : '';
  return {
    type,
    bytesPerSector,
    sectorsPerCluster,
    bytesPerCluster: bytesPerSector * sectorsPerCluster,
    reservedSectors,
    fatCount,
    sectorsPerFat,
    rootEntryCount,
    totalSectors,
    fatStart: reservedSectors * bytesPerSector,
    rootDirStart: (reservedSectors + fatCount * sectorsPerFat) * bytesPerSector,
    rootDirBytes: rootDirSectors * bytesPerSector,
    dataStart: firstDataSector * bytesPerSector,
    clusterCount,
    rootCluster: fat32 ? sector.readUInt32LE(0x2c) : 0,
    volumeLabel: label === '' || label === 'NO NAME' ? null : label,
    volumeId: extended ? sector.readUInt32LE(fat32 ? 0x43 : 0x27) : 0,
  };
}
