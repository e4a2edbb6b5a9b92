// How much of a partition each filesystem keeps for itself, measured on this machine's mkfs
// (e2fsprogs 1.47, f2fs-tools 1.15) and rounded up so the planner never promises too much.
//   ext4 -m 0:  1 GiB → 973 MiB free, 32 GiB → 31 949 MiB (journal + inode tables, ~2.5 %)
//   F2FS:       1 GiB → 868 MiB, 4 GiB → 3 794 MiB, 32 GiB → 31 818 MiB (overprovisioning shrinks with size)
//   FAT32:      two FATs of 4 bytes per cluster; well under 0.5 %
import type { StickFilesystem } from './writeOptions';

const MiB = 2 ** 20;

/** Overhead = size × ratio + fixed. */
const OVERHEAD: Readonly<Record<StickFilesystem, { ratio: number; fixed: number }>> = {
  ext4: { ratio: 0.026, fixed: 64 * MiB },
  f2fs: { ratio: 0.05, fixed: 120 * MiB },
  vfat: { ratio: 0.004, fixed: 4 * MiB },
};

export function usableBytes(fs: StickFilesystem, partitionSize: number): number {
  const { ratio, fixed } = OVERHEAD[fs];
  return Math.max(0, Math.floor(partitionSize * (1 - ratio) - fixed));
}

/** The smallest partition whose usable space is at least `usable` (the inverse of usableBytes). */
export function partitionSizeFor(fs: StickFilesystem, usable: number): number {
  const { ratio, fixed } = OVERHEAD[fs];
  return Math.ceil((usable + fixed + 1) / (1 - ratio));
}

/** Space a file takes on the filesystem: whole blocks (4 KiB on all three, as we make them). */
export function allocatedBytes(size: number): number {
  return Math.ceil(size / 4096) * 4096;
}
