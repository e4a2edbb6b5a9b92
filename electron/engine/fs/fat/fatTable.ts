// The file allocation table: cluster chains (FAT spec 1.03 §4).
import type { ByteSource } from '../../io/byteSource';
import { FilesystemError } from '../filesystemError';
import type { FatGeometry } from './bootSector';

const FAT_SECTOR_CACHE = 64;

export class FatTable {
  private readonly sectors = new Map<number, Buffer>();

  constructor(
    private readonly source: ByteSource,
    private readonly geometry: FatGeometry,
  ) {}

  /** The next cluster after `cluster`, or null at end of chain. */
  async next(cluster: number): Promise<number | null> {
    const { type } = this.geometry;
    let value: number;
    if (type === 'FAT12') {
      // §4.2: 12-bit entries packed in 1.5 bytes; odd clusters take the high 12 bits.
      const offset = cluster + (cluster >> 1);
      const pair = (await this.byte(offset)) | ((await this.byte(offset + 1)) << 8);
      value = cluster & 1 ? pair >> 4 : pair & 0xfff;
      if (value >= 0xff8) return null;
      if (value === 0xff7) throw new FilesystemError('FAT', `cluster chain runs into bad cluster at ${cluster}`);
    } else if (type === 'FAT16') {
      value = (await this.byte(cluster * 2)) | ((await this.byte(cluster * 2 + 1)) << 8);
      if (value >= 0xfff8) return null;
      if (value === 0xfff7) throw new FilesystemError('FAT', `cluster chain runs into bad cluster at ${cluster}`);
    } else {
      const offset = cluster * 4;
      const bytes = [0, 1, 2, 3].map((i) => this.byte(offset + i));
      const [a, b, c, d] = await Promise.all(bytes);
      // §4.1: the high 4 bits of a FAT32 entry are reserved.
      value = ((a ?? 0) | ((b ?? 0) << 8) | ((c ?? 0) << 16) | ((d ?? 0) << 24)) & 0x0fffffff;
      if (value >= 0x0ffffff8) return null;
      if (value === 0x0ffffff7) throw new FilesystemError('FAT', `cluster chain runs into bad cluster at ${cluster}`);
    }
    return value;
  }

  /** The whole chain from `first`; bounded by the cluster count, so a loop cannot run forever. */
  async chain(first: number): Promise<number[]> {
    const clusters: number[] = [];
    const maxCluster = this.geometry.clusterCount + 1;
    let cluster: number | null = first;
    while (cluster !== null) {
      if (cluster < 2 || cluster > maxCluster) {
        throw new FilesystemError('FAT', `cluster ${cluster} is outside the volume (2…${maxCluster})`);
      }
      if (clusters.length > this.geometry.clusterCount) throw new FilesystemError('FAT', `cluster chain from ${first} loops`);
      clusters.push(cluster);
      cluster = await this.next(cluster);
    }
    return clusters;
  }

  private async byte(offset: number): Promise<number> {
    const { bytesPerSector, sectorsPerFat, fatStart } = this.geometry;
    const sectorIndex = Math.floor(offset / bytesPerSector);
    if (sectorIndex >= sectorsPerFat) throw new FilesystemError('FAT', `FAT entry at byte ${offset} is past the FAT`);
    let sector = this.sectors.get(sectorIndex);
    if (!sector) {
      sector = await this.source.read(fatStart + sectorIndex * bytesPerSector, bytesPerSector);
      if (this.sectors.size >= FAT_SECTOR_CACHE) {
        const oldest = this.sectors.keys().next();
        if (!oldest.done) this.sectors.delete(oldest.value);
      }
      this.sectors.set(sectorIndex, sector);
    }
    return sector[offset % bytesPerSector] ?? 0;
  }
}
