import { describe, expect, it } from 'vitest';
import type { FatType } from './bootSector';
import { chooseFatGeometry } from './chooseFatGeometry';
import { FatLayoutError } from './fatLayoutError';

const KIB = 1024;
const MIB = 1024 * KIB;

// What `mkfs.fat 4.2 -C img <KiB> [-F n]` wrote, read back from its boot sectors (the e2e test
// compares against the real tool on more sizes).
const MKFS_FAT_4_2: readonly [number, FatType | undefined, FatType, number, number, number, number, number, number][] = [
  // bytes, asked, type, sectors/cluster, reserved, sectors/FAT, root entries, total sectors, clusters
  [4096 * KIB, undefined, 'FAT12', 4, 1, 6, 512, 8192, 2036], // ≤ 8192 sectors: no alignment
  [8192 * KIB, undefined, 'FAT12', 4, 4, 12, 512, 16384, 4081],
  [16384 * KIB, undefined, 'FAT16', 4, 4, 32, 512, 32768, 8167],
  [32768 * KIB, undefined, 'FAT16', 4, 4, 64, 512, 65536, 16343],
  [65536 * KIB, undefined, 'FAT16', 4, 4, 128, 512, 131072, 32695],
  [102400 * KIB, undefined, 'FAT16', 4, 4, 200, 512, 204800, 51091],
  [131072 * KIB, undefined, 'FAT16', 4, 4, 256, 512, 262144, 65399],
  [204800 * KIB, undefined, 'FAT16', 8, 8, 200, 512, 409600, 51145],
  [262144 * KIB, undefined, 'FAT16', 8, 8, 256, 512, 524288, 65467],
  [266240 * KIB, undefined, 'FAT16', 16, 16, 144, 512, 532476, 33258],
  [523264 * KIB, undefined, 'FAT16', 16, 16, 256, 512, 1046493, 65370],
  [524288 * KIB, undefined, 'FAT32', 8, 32, 1024, 0, 1048572, 130811],
  [2097152 * KIB, undefined, 'FAT32', 8, 32, 4088, 0, 4194288, 523260],
  [8389632 * KIB, undefined, 'FAT32', 16, 32, 8192, 0, 16779231, 1047675],
  [16778240 * KIB, undefined, 'FAT32', 32, 32, 8192, 0, 33556446, 1048125],
  [33555456 * KIB, undefined, 'FAT32', 64, 64, 8192, 0, 67110876, 1048350],
  [65536 * KIB, 'FAT32', 'FAT32', 1, 32, 1009, 0, 131072, 129022],
  [2097152 * KIB, 'FAT16', 'FAT16', 128, 128, 128, 2048, 4194288, 32763],
  [102400 * KIB, 'FAT12', 'FAT12', 64, 64, 64, 1024, 204800, 3196],
];

describe('chooseFatGeometry', () => {
  it.each(MKFS_FAT_4_2)('%d bytes (asked %s) → %s as mkfs.fat 4.2', (volumeBytes, fatType, type, spc, reserved, spf, rootEntries, total, clusters) => {
    expect(chooseFatGeometry({ volumeBytes, fatType })).toMatchObject({
      type,
      sectorsPerCluster: spc,
      reservedSectors: reserved,
      sectorsPerFat: spf,
      rootEntryCount: rootEntries,
      totalSectors: total,
      clusterCount: clusters,
    });
  });

  it('switches to FAT32 at 512 MiB, as mkfs.fat and fatgen103 do', () => {
    expect(chooseFatGeometry({ volumeBytes: 512 * MIB - 512 }).type).toBe('FAT16');
    expect(chooseFatGeometry({ volumeBytes: 512 * MIB }).type).toBe('FAT32');
  });

  it('keeps the cluster count clear of the FAT type boundaries of fatgen103 §3.5', () => {
    for (let mib = 1; mib < 600; mib += 7) {
      const { type, clusterCount } = chooseFatGeometry({ volumeBytes: mib * MIB + 12345 });
      if (type === 'FAT12') expect(clusterCount).toBeLessThanOrEqual(4084);
      if (type === 'FAT16') expect(clusterCount).toBeGreaterThanOrEqual(4087);
      if (type === 'FAT16') expect(clusterCount).toBeLessThanOrEqual(65524);
      if (type === 'FAT32') expect(clusterCount).toBeGreaterThanOrEqual(65525);
    }
  });

  it('uses the FAT32 cluster sizes of fatgen103 DskTableFAT32', () => {
    const spc = (bytes: number): number => chooseFatGeometry({ volumeBytes: bytes, fatType: 'FAT32' }).sectorsPerCluster;
    expect(spc(260 * MIB)).toBe(1);
    expect(spc(261 * MIB)).toBe(8);
    expect(spc(8 * 1024 * MIB)).toBe(8);
    expect(spc(8 * 1024 * MIB + MIB)).toBe(16);
    expect(spc(32 * 1024 * MIB + MIB)).toBe(64);
  });

  it('grows the FAT16 root directory when more entries are needed (mkfs.fat -r)', () => {
    const geometry = chooseFatGeometry({ volumeBytes: 64 * MIB, rootEntries: 1000 });
    expect(geometry.rootEntryCount).toBe(1024);
  });

  it('refuses a FAT32 below 65525 clusters, tiny volumes and FAT12 on a large one', () => {
    const reasonOf = (request: Parameters<typeof chooseFatGeometry>[0]): string => {
      try {
        chooseFatGeometry(request);
      } catch (error) {
        if (error instanceof FatLayoutError) return error.reason;
        throw error;
      }
      return 'accepted';
    };
    expect(reasonOf({ volumeBytes: 32 * MIB, fatType: 'FAT32' })).toBe('volume-too-small');
    expect(reasonOf({ volumeBytes: 8 * 1024 * MIB, fatType: 'FAT12' })).toBe('volume-too-large');
    expect(reasonOf({ volumeBytes: 8000 * KIB, fatType: 'FAT16' })).toBe('volume-too-small');
    expect(reasonOf({ volumeBytes: 20 * KIB })).toBe('volume-too-small');
    expect(reasonOf({ volumeBytes: 0 })).toBe('volume-too-small');
  });
});
