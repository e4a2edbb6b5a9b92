import { describe, expect, it } from 'vitest';
import { BufferByteSource } from '../../io/bufferByteSource';
import type { FatGeometry, FatType } from './bootSector';
import { encodeFatBytes, type ClusterRun } from './encodeFatTable';
import { FatTable } from './fatTable';

const runs: ClusterRun[] = [
  { firstCluster: 2, clusterCount: 1 },
  { firstCluster: 3, clusterCount: 5 },
  { firstCluster: 20, clusterCount: 300 },
];

function geometryFor(type: FatType, sectorsPerFat: number): FatGeometry {
  return {
    type,
    bytesPerSector: 512,
    sectorsPerCluster: 1,
    bytesPerCluster: 512,
    reservedSectors: 0,
    fatCount: 1,
    sectorsPerFat,
    rootEntryCount: 0,
    totalSectors: 0,
    fatStart: 0,
    rootDirStart: 0,
    rootDirBytes: 0,
    dataStart: 0,
    clusterCount: 1000,
    rootCluster: 2,
    volumeLabel: null,
    volumeId: 0,
  };
}

describe('encodeFatBytes', () => {
  it.each(['FAT12', 'FAT16', 'FAT32'] as const)('%s chains read back through the FAT reader', async (type) => {
    const shape = { type, media: 0xf8, sectorsPerFat: 8 };
    const fat = encodeFatBytes(shape, runs, 0, 8 * 512);
    const table = new FatTable(new BufferByteSource(fat), geometryFor(type, 8));
    expect(await table.chain(2)).toEqual([2]);
    expect(await table.chain(3)).toEqual([3, 4, 5, 6, 7]);
    expect(await table.chain(20)).toHaveLength(300);
    expect(await table.next(8)).toBe(0); // free
  });

  it('starts with the media byte and the clean-shutdown end mark (fatgen103 §4)', () => {
    expect(encodeFatBytes({ type: 'FAT32', media: 0xf8, sectorsPerFat: 1 }, [], 0, 8).toString('hex')).toBe('f8ffff0fffffff0f');
    expect(encodeFatBytes({ type: 'FAT16', media: 0xf8, sectorsPerFat: 1 }, [], 0, 4).toString('hex')).toBe('f8ffffff');
    expect(encodeFatBytes({ type: 'FAT12', media: 0xf8, sectorsPerFat: 1 }, [], 0, 3).toString('hex')).toBe('f8ffff');
  });

  it.each(['FAT12', 'FAT16', 'FAT32'] as const)('%s gives the same bytes in pieces as whole', (type) => {
    const shape = { type, media: 0xf8, sectorsPerFat: 8 };
    const whole = encodeFatBytes(shape, runs, 0, 8 * 512);
    const pieces = [0, 512, 1024, 2048].map((start, i, starts) => encodeFatBytes(shape, runs, start, (starts[i + 1] ?? 4096) - start));
    expect(Buffer.concat(pieces).equals(whole)).toBe(true);
  });
});
