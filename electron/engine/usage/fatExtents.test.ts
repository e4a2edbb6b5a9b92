import { describe, expect, it } from 'vitest';
import type { FatGeometry } from '../fs/fat/bootSector';
import type { FatEntry, FatVolume } from '../fs/fat/fatVolume';
import { BufferByteSource } from '../io/bufferByteSource';
import { countFreeClusters, fatFileExtents } from './fatExtents';

const CLUSTER = 512;

/**
 * A FAT32 volume reduced to what the bulk reader uses: geometry and a source whose FAT (at
 * byte 0) spans several 1 MiB windows. Data clusters are never read, so the source holds the FAT only.
 */
function volumeWithFat(clusterCount: number, chains: number[][]): { volume: FatVolume; fat: Buffer } {
  const fat = Buffer.alloc((clusterCount + 2) * 4);
  fat.writeUInt32LE(0x0ffffff8, 0);
  fat.writeUInt32LE(0x0fffffff, 4);
  for (const chain of chains) {
    chain.forEach((cluster, i) => fat.writeUInt32LE(i === chain.length - 1 ? 0x0fffffff : (chain[i + 1] as number), cluster * 4));
  }
  const geometry = { type: 'FAT32', bytesPerSector: 512, sectorsPerFat: fat.length / 512, fatStart: 0, dataStart: 10 * 1024 * 1024, bytesPerCluster: CLUSTER, clusterCount } as unknown as FatGeometry;
  const volume = { type: 'FAT32', geometry, source: new BufferByteSource(fat) } as unknown as FatVolume;
  return { volume, fat };
}

function file(firstCluster: number, size: number): FatEntry {
  return { name: 'f', shortName: 'F', path: '/f', kind: 'file', size, firstCluster, modified: null, attributes: 0 };
}

describe('fatFileExtents', () => {
  it('follows a chain across FAT windows, merging contiguous clusters', async () => {
    // 700 000 clusters: the FAT is 2.8 MiB, three windows. The chain runs 10…19, jumps to the
    // third window, comes back to the first, and ends in the second.
    const chain = [...Array.from({ length: 10 }, (_, i) => 10 + i), 600_000, 600_001, 20, 300_000];
    const { volume } = volumeWithFat(700_000, [chain]);
    const extents = await fatFileExtents(volume, file(10, chain.length * CLUSTER - 100));
    const at = (c: number) => 10 * 1024 * 1024 + (c - 2) * CLUSTER;
    expect(extents).toEqual([
      { start: at(10), length: 10 * CLUSTER },
      { start: at(600_000), length: 2 * CLUSTER },
      { start: at(20), length: CLUSTER },
      { start: at(300_000), length: CLUSTER - 100 },
    ]);
  });

  it('refuses chains that end early, loop or leave the volume', async () => {
    const early = volumeWithFat(1000, [[5, 6, 7]]);
    await expect(fatFileExtents(early.volume, file(5, 4 * CLUSTER))).rejects.toThrow(/ends early/);
    expect(await fatFileExtents(early.volume, file(0, 0))).toEqual([]);
    const loop = volumeWithFat(1000, [[5, 6, 7]]);
    loop.fat.writeUInt32LE(5, 7 * 4); // 7 → 5
    await expect(fatFileExtents(loop.volume, file(5, 10_000 * CLUSTER))).rejects.toThrow(/loops/);
    const away = volumeWithFat(1000, [[5, 6, 7]]);
    away.fat.writeUInt32LE(5000, 7 * 4);
    await expect(fatFileExtents(away.volume, file(5, 10 * CLUSTER))).rejects.toThrow(/outside the volume/);
  });
});

describe('countFreeClusters', () => {
  it('counts zero entries in every window of the first FAT', async () => {
    const used = [[2, 3, 4], [262_143, 262_144, 262_145], [699_999, 700_001]];
    const { volume } = volumeWithFat(700_000, used);
    expect(await countFreeClusters(volume)).toBe(700_000 - 8);
  });
});
