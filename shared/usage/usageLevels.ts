// Pure rules for how full is too full: percentages as shown, the 80 % and 95 % thresholds, and
// the warnings (with what to do) that `stickwright usage` and the GUI show. One small function
// per rule, each with its own tests.
import { formatBytes } from '../units';
import type { HomeUsage, ImageUsage, LiveFilesystemUsage, OverlayUsage, UsageWarning } from './usageReport';

export const WARN_PERCENT = 80;
export const CRITICAL_PERCENT = 95;

/** used/total × 100, rounded down to one decimal (99.96 % is shown as 99.9 %, never as 100 %). */
export function percentOf(used: number, total: number): number {
  if (!(total > 0) || used <= 0) return 0;
  if (used >= total) return 100;
  return Math.floor((used * 1000) / total) / 10;
}

/** Which threshold `used` of `total` has crossed, compared exactly (not on the rounded percent). */
export function usageLevel(used: number, total: number): 80 | 95 | null {
  if (!(total > 0)) return null;
  if (used * 100 >= total * CRITICAL_PERCENT) return 95;
  if (used * 100 >= total * WARN_PERCENT) return 80;
  return null;
}

/** `<allocated>/<total> <metadata>`, as `dmsetup status` prints a snapshot's usage. */
export function formatDmStatus(allocatedSectors: number, totalSectors: number, metadataSectors: number): string {
  return `${allocatedSectors}/${totalSectors} ${metadataSectors}`;
}

const RESET_HINT =
  'make it larger with `stickwright grow` (ext4 sticks), empty it with `stickwright reset-overlay` (or boot once with rd.live.overlay.reset on the kernel command line), or write the stick again with a larger --overlay';

/** The warnings for one image's overlay. */
export function overlayWarnings(dir: string, overlay: OverlayUsage | null): UsageWarning[] {
  if (!overlay) return [];
  const base = { subject: 'overlay' as const, dir };
  if (overlay.kind === 'dm-snapshot') {
    if (overlay.state === 'invalid') {
      return [{ ...base, severity: 'critical', threshold: null, percent: overlay.percent, message: `The overlay of /${dir} is invalid: the kernel will not use it, so changes made on this stick are lost.`, action: `Copy off anything you still need from /home, then ${RESET_HINT}.` }];
    }
    if (overlay.state === 'overflowed') {
      return [{ ...base, severity: 'critical', threshold: 95, percent: overlay.percent, message: `The overlay of /${dir} is full (${overlay.kernelStatus ?? 'no room left'}): writes to the live system's files fail.`, action: `Save your work to /home or another disk, then ${RESET_HINT}.` }];
    }
    // In bytes (sectors × 512): the same level, and the space left said in bytes.
    return levelWarning(base, overlay.allocatedBytes, overlay.totalBytes, overlay.percent, `The overlay of /${dir}`, `When it is full the live system can no longer change its files. Avoid installing or updating packages; save your work to /home, then ${RESET_HINT}.`);
  }
  if (overlay.kind === 'overlayfs-image') {
    return levelWarning(base, overlay.usedBytes, overlay.capacityBytes, overlay.percent, `The OverlayFS image of /${dir}`, `When it is full the live system can no longer change its files. Delete what you do not need from the live system, empty it with "stickwright reset-overlay" (or boot with rd.live.overlay.reset), or write the stick again with a larger --overlay.`);
  }
  if (overlay.kind === 'overlayfs-dir' && overlay.usedBytes !== null) {
    const total = overlay.usedBytes + overlay.availableBytes;
    return levelWarning(base, overlay.usedBytes, total, overlay.percent ?? percentOf(overlay.usedBytes, total), `The OverlayFS overlay of /${dir} (with the stick's free space)`, `It grows into the free space of the stick. Delete what you do not need from the live system or the stick, or boot with rd.live.overlay.reset to empty it.`);
  }
  return [];
}

export function homeWarnings(dir: string, home: HomeUsage | null): UsageWarning[] {
  if (!home || home.usedBytes === null || home.capacityBytes === null) return [];
  return levelWarning(
    { subject: 'home', dir },
    home.usedBytes,
    home.capacityBytes,
    home.percent ?? percentOf(home.usedBytes, home.capacityBytes),
    `/${dir}/home.img`,
    `Delete or move files out of /home on the live system; a larger home means writing the stick again with a larger --home (copy your files off first).`,
  );
}

/** The stick's own filesystem matters only where something grows into it (an OverlayFS directory). */
export function liveFilesystemWarnings(live: LiveFilesystemUsage, images: readonly ImageUsage[]): UsageWarning[] {
  const grows = images.some((image) => image.overlay?.kind === 'overlayfs-dir');
  if (!grows) return [];
  return levelWarning(
    { subject: 'live-filesystem', dir: null },
    live.usedBytes,
    live.capacityBytes,
    live.percent,
    `The stick's ${live.fs} filesystem`,
    `OverlayFS overlays grow into this space: delete files you do not need on the live system or the stick.`,
  );
}

export function usageWarnings(live: LiveFilesystemUsage, images: readonly ImageUsage[]): UsageWarning[] {
  return [...images.flatMap((image) => [...overlayWarnings(image.dir, image.overlay), ...homeWarnings(image.dir, image.home)]), ...liveFilesystemWarnings(live, images)];
}

function levelWarning(
  base: Pick<UsageWarning, 'subject' | 'dir'>,
  used: number,
  total: number,
  percent: number,
  what: string,
  action: string,
): UsageWarning[] {
  const level = usageLevel(used, total);
  if (level === null) return [];
  const free = Math.max(0, total - used);
  return [
    {
      ...base,
      severity: level === 95 ? 'critical' : 'warning',
      threshold: level,
      percent,
      message: `${what} is ${percent}% full (${formatBytes(free)} left).`,
      action,
    },
  ];
}
