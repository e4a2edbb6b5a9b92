// Live mode of `stickwright usage`: run on a system booted from the very stick it is asked about,
// the stick's bytes are a moving target (the kernel holds them mounted and caches their
// metadata), so the figures of the running image come from the kernel itself — `dmsetup status
// live-rw` for a dm-snapshot overlay, statfs of /run/initramfs/live and /home — and the report
// says so. The stick's layout (images, boot menus, other images' overlays) is still read from
// the device, as dracut's own tools would see it.
import { readFile, realpath, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { percentOf, usageWarnings } from '../../../shared/usage/usageLevels';
import type { DmSnapshotOverlay, HomeUsage, UsageReport } from '../../../shared/usage/usageReport';
import { runTool } from '../system/runTool';
import { devNumber } from '../target/resolveTarget';
import { parseMountInfo, type MountEntry } from '../target/mountInfo';

const SECTOR = 512;
export const LIVE_MOUNT = '/run/initramfs/live';

/** What `dmsetup status live-rw` said: a snapshot target's figures, or its failure word. */
export type DmSnapshotStatus =
  | { readonly kind: 'figures'; readonly allocated: number; readonly total: number; readonly metadata: number; readonly text: string }
  | { readonly kind: 'Invalid' | 'Overflow' | 'Merge failed'; readonly text: string };

/** `0 2097152 snapshot 4208/524280 24` → the figures (drivers/md/dm-snap.c snapshot_status). */
export function parseDmSnapshotStatus(line: string): DmSnapshotStatus | null {
  const match = /^\s*\d+\s+\d+\s+snapshot\s+(.*?)\s*$/.exec(line);
  if (!match?.[1]) return null;
  const text = match[1];
  const figures = /^(\d+)\/(\d+)\s+(\d+)$/.exec(text);
  if (figures) return { kind: 'figures', allocated: Number(figures[1]), total: Number(figures[2]), metadata: Number(figures[3]), text };
  if (text === 'Invalid' || text === 'Overflow' || text === 'Merge failed') return { kind: text, text };
  return null;
}

export interface LiveBoot {
  /** The image the system runs (rd.live.dir, default LiveOS). */
  readonly dir: string;
  readonly dmStatus: DmSnapshotStatus | null;
  /** statfs of the mounted live filesystem. */
  readonly live: { readonly capacityBytes: number; readonly freeBytes: number };
  /** statfs of /home when it is this image's home.img. */
  readonly home: { readonly capacityBytes: number; readonly freeBytes: number } | null;
}

/** The whole disk ("major:minor") a block device belongs to: itself, or the disk of a partition. */
async function wholeDisk(device: string): Promise<string> {
  const sys = `/sys/dev/block/${device}`;
  const isPartition = await stat(`${sys}/partition`).then(() => true, () => false);
  if (!isPartition) return device;
  return (await readFile(path.join(path.dirname(await realpath(sys)), 'dev'), 'utf8')).trim();
}

/** Is this system running from `stickPath`? Then what the kernel says about it; else null. */
export async function detectLiveBoot(stickPath: string): Promise<LiveBoot | null> {
  const info = await stat(stickPath).catch(() => null);
  if (!info?.isBlockDevice()) return null;
  const mounts = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''));
  const liveMount = mounts.find((m) => m.mountPoint === LIVE_MOUNT);
  if (!liveMount || (await wholeDisk(liveMount.device).catch(() => '')) !== devNumber(info.rdev)) return null;

  const cmdline = await readFile('/proc/cmdline', 'utf8').catch(() => '');
  const dir = /(?:^|\s)rd\.live\.dir=(\S+)/.exec(cmdline)?.[1]?.replace(/^\/+|\/+$/g, '') ?? 'LiveOS';
  const dm = await runTool('dmsetup', ['status', 'live-rw'], { what: 'asking the kernel for the overlay figures', failCode: 'STICK_UNREADABLE' }).catch(() => null);
  const fsStat = async (at: string) => {
    const s = await statfs(at);
    return { capacityBytes: s.blocks * s.bsize, freeBytes: s.bfree * s.bsize };
  };
  return {
    dir,
    dmStatus: dm ? parseDmSnapshotStatus(dm.stdout.trim()) : null,
    live: await fsStat(LIVE_MOUNT),
    home: (await isHomeOf(mounts, dir)) ? await fsStat('/home') : null,
  };
}

/** /home mounted from a loop device over <live>/<dir>/home.img (livesys's way). */
async function isHomeOf(mounts: readonly MountEntry[], dir: string): Promise<boolean> {
  const home = mounts.find((m) => m.mountPoint === '/home');
  if (!home) return false;
  const backing = await readFile(`/sys/dev/block/${home.device}/loop/backing_file`, 'utf8').catch(() => '');
  return backing.trim() === `${LIVE_MOUNT}/${dir}/home.img`;
}

/** The offline report with the running image's figures replaced by the kernel's. */
export function applyLiveBoot(report: UsageReport, boot: LiveBoot): UsageReport {
  const used = Math.max(0, boot.live.capacityBytes - boot.live.freeBytes);
  const live = { ...report.live, capacityBytes: boot.live.capacityBytes, freeBytes: boot.live.freeBytes, usedBytes: used, percent: percentOf(used, boot.live.capacityBytes) };
  const images = report.images.map((image) => {
    if (image.dir !== boot.dir) return image;
    let overlay = image.overlay;
    if (overlay?.kind === 'dm-snapshot' && boot.dmStatus) overlay = liveOverlay(overlay, boot.dmStatus);
    let home: HomeUsage | null = image.home;
    if (home && boot.home) {
      const homeUsed = Math.max(0, boot.home.capacityBytes - boot.home.freeBytes);
      home = { ...home, capacityBytes: boot.home.capacityBytes, usedBytes: homeUsed, freeBytes: boot.home.freeBytes, percent: percentOf(homeUsed, boot.home.capacityBytes), note: 'As the running system sees it (statfs of /home).' };
    }
    return { ...image, overlay, home };
  });
  const note = `This system is running from this stick (/${boot.dir}): ${boot.dmStatus ? 'its overlay figures are what `dmsetup status live-rw` says now' : 'its overlay is not a dm-snapshot'}, and free space is what the mounted filesystems say; the rest is read from the stick.`;
  return { ...report, source: 'live', live, images, warnings: usageWarnings(live, images), notes: [note, ...report.notes] };
}

function liveOverlay(offline: DmSnapshotOverlay, status: DmSnapshotStatus): DmSnapshotOverlay {
  if (status.kind !== 'figures') {
    return { ...offline, state: status.kind === 'Overflow' ? 'overflowed' : 'invalid', kernelStatus: status.text, note: `The kernel reports the overlay as ${status.text}.` };
  }
  const { allocated, total, metadata } = status;
  return {
    ...offline,
    state: 'in-use',
    kernelStatus: status.text,
    allocatedSectors: allocated,
    totalSectors: total,
    metadataSectors: metadata,
    allocatedBytes: allocated * SECTOR,
    totalBytes: total * SECTOR,
    metadataBytes: metadata * SECTOR,
    exceptions: offline.chunkSectors > 0 ? Math.max(0, (allocated - metadata) / offline.chunkSectors) : offline.exceptions,
    percent: percentOf(allocated, total),
    note: 'Live figures from the running kernel.',
  };
}
