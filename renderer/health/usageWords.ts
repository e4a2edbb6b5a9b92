// What the health view says about a UsageReport, in words: the same facts `stickwright usage`
// prints (electron/cli/formatUsageReport.ts), as figures for bars and sentences for people. Pure
// functions, tested beside this file.
import { formatBytes } from '../../shared/units';
import { usageLevel } from '../../shared/usage/usageLevels';
import type { HomeUsage, OverlayState, OverlayUsage, UsageReport } from '../../shared/usage/usageReport';

export type Tone = 'ok' | 'warning' | 'critical' | 'neutral';

export interface StateWords {
  /** Short, as on a badge. */
  readonly label: string;
  /** One sentence saying what it means. */
  readonly meaning: string;
  readonly tone: Tone;
}

const STATES: Readonly<Record<OverlayState, StateWords>> = {
  fresh: { label: 'Fresh', meaning: 'no changes stored yet.', tone: 'ok' },
  'in-use': { label: 'In use', meaning: 'the live system keeps its changes here.', tone: 'ok' },
  overflowed: { label: 'FULL (overflowed)', meaning: "no room for one more changed block: the live system's writes fail.", tone: 'critical' },
  invalid: { label: 'INVALID', meaning: 'the kernel will not use it: the changes made on this stick are lost.', tone: 'critical' },
  unsupported: { label: 'Unsupported', meaning: 'Stickwright cannot read this overlay (a store version, chunk size or filesystem it does not know).', tone: 'warning' },
  'not-an-overlay': { label: 'Not an overlay', meaning: 'the file is neither a dm-snapshot store nor an OverlayFS image.', tone: 'warning' },
};

export function stateWords(state: OverlayState): StateWords {
  return STATES[state];
}

/** The overlay's kind as a person reads it. */
export function overlayKindWords(overlay: OverlayUsage): string {
  switch (overlay.kind) {
    case 'dm-snapshot':
      return 'dm-snapshot file';
    case 'overlayfs-dir':
      return 'OverlayFS directory';
    case 'overlayfs-image':
      return `OverlayFS image (${overlay.fs})`;
    case 'unsupported':
      return 'not read';
  }
}

/** One bar: what is used of what, the percentage as the report gives it, and its tone. */
export interface BarFigures {
  readonly used: number;
  readonly total: number;
  /** 0–100, as in the report (rounded down, one decimal). */
  readonly percent: number;
  readonly tone: Tone;
  /** "16 KiB of 256 MiB used (0%)". */
  readonly text: string;
}

/** ok below 80 %, warning from 80 %, critical from 95 % (the same exact comparison as the warnings). */
export function levelTone(used: number, total: number): Tone {
  const level = usageLevel(used, total);
  return level === 95 ? 'critical' : level === 80 ? 'warning' : 'ok';
}

function bar(used: number, total: number, percent: number, tone: Tone = levelTone(used, total)): BarFigures {
  return { used, total, percent, tone, text: `${formatBytes(used)} of ${formatBytes(total)} used (${percent}%)` };
}

/** The overlay's bar; null when nothing can be measured (unsupported, or a directory too big to walk). */
export function overlayBar(overlay: OverlayUsage): BarFigures | null {
  switch (overlay.kind) {
    case 'dm-snapshot': {
      if (overlay.state === 'unsupported' || overlay.state === 'not-an-overlay' || overlay.totalBytes === 0) return null;
      const broken = overlay.state === 'overflowed' || overlay.state === 'invalid';
      return bar(overlay.allocatedBytes, overlay.totalBytes, overlay.percent, broken ? 'critical' : undefined);
    }
    case 'overlayfs-image':
      if (overlay.capacityBytes === 0) return null;
      return bar(overlay.usedBytes, overlay.capacityBytes, overlay.percent);
    case 'overlayfs-dir': {
      if (overlay.usedBytes === null || overlay.percent === null) return null;
      const total = overlay.usedBytes + overlay.availableBytes;
      return { ...bar(overlay.usedBytes, total, overlay.percent), text: `${formatBytes(overlay.usedBytes)} used, ${formatBytes(overlay.availableBytes)} free on the stick to grow into (${overlay.percent}%)` };
    }
    case 'unsupported':
      return null;
  }
}

/** The kernel's own figure for a dm-snapshot overlay, exactly as `dmsetup status live-rw` prints it. */
export function kernelFigure(overlay: OverlayUsage): string | null {
  if (overlay.kind !== 'dm-snapshot') return null;
  return overlay.kernelStatus;
}

/** Allocated/total/metadata in sectors, with the chunk size: the detail line under the kernel figure. */
export function sectorDetail(overlay: OverlayUsage): string | null {
  if (overlay.kind !== 'dm-snapshot' || overlay.chunkSectors === 0) return null;
  const blocks = `${overlay.exceptions} changed ${overlay.exceptions === 1 ? 'block' : 'blocks'} of ${overlay.chunkSectors} sectors (${formatBytes(overlay.chunkSectors * 512)})`;
  return `In 512-byte sectors: ${overlay.allocatedSectors} of ${overlay.totalSectors} allocated, ${overlay.metadataSectors} of them metadata; ${blocks}.`;
}

/** home.img in one line: "128 MiB, ext4 “HOME”" or "encrypted (luks2), 2 GiB". */
export function homeSummary(home: HomeUsage): string {
  if (home.encrypted) return `encrypted (${home.fs}), ${formatBytes(home.fileBytes)}`;
  return `${formatBytes(home.fileBytes)}, ${home.fs}${home.label ? ` “${home.label}”` : ''}`;
}

export function homeBar(home: HomeUsage): BarFigures | null {
  if (home.usedBytes === null || home.capacityBytes === null || home.capacityBytes === 0) return null;
  const figures = bar(home.usedBytes, home.capacityBytes, home.percent ?? 0);
  return { ...figures, text: `${formatBytes(home.usedBytes)} of ${formatBytes(home.capacityBytes)} used, ${formatBytes(home.freeBytes ?? 0)} free (${home.percent ?? 0}%)` };
}

/** The stick's own filesystem: how much is free. A warning tone only where an overlay grows into it. */
export function freeSpaceBar(report: UsageReport): BarFigures {
  const { live } = report;
  const grows = report.images.some((image) => image.overlay?.kind === 'overlayfs-dir');
  const figures = bar(live.usedBytes, live.capacityBytes, live.percent, grows ? undefined : 'neutral');
  return { ...figures, text: `${formatBytes(live.freeBytes)} free of ${formatBytes(live.capacityBytes)} (${live.percent}% used)` };
}

/** The command that resets an overlay today (the app cannot yet); root only for a device. */
export function resetCommand(report: UsageReport, dir: string): string {
  const sudo = report.stick.kind === 'block-device' ? 'sudo ' : '';
  return `${sudo}stickwright reset-overlay ${shellWord(report.stick.path)} --dir ${shellWord(dir)}`;
}

/** A path as a shell reads it: plain when it is safe, else in single quotes. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Whether the CLI's reset-overlay can reset this overlay offline (it refuses directories and unknown kinds). */
export function canResetOffline(overlay: OverlayUsage | null): boolean {
  return overlay !== null && (overlay.kind === 'dm-snapshot' || overlay.kind === 'overlayfs-image');
}

const MiB = 1024 * 1024;
/** What `stickwright grow` keeps free on the stick besides the new size (growOverlay.ts). */
const GROW_MARGIN = 4 * MiB;

/** How to make an image's overlay bigger today: the command when `stickwright grow` can do it, else why not and what to do. */
export interface GrowAdvice {
  readonly command: string | null;
  readonly text: string;
}

export function growAdvice(report: UsageReport, dir: string, overlay: OverlayUsage): GrowAdvice {
  const rewrite = 'copy your files off the stick, then write it again with a larger overlay (--overlay).';
  if (overlay.kind === 'overlayfs-dir') return { command: null, text: 'Nothing to do: an OverlayFS directory already grows into the free space of the stick.' };
  if (overlay.kind !== 'dm-snapshot') return { command: null, text: `Growing this overlay in place is not supported yet: ${rewrite}` };
  if (report.live.fs !== 'ext4') return { command: null, text: `Growing in place works on ext4 sticks only for now; this one is ${report.live.fs}: ${rewrite}` };
  if (overlay.state === 'invalid' || overlay.state === 'overflowed') return { command: null, text: 'A full or invalid overlay cannot be grown: the kernel will not use it again whatever its size. Reset it first, then grow it.' };
  if (overlay.state === 'unsupported' || overlay.state === 'not-an-overlay') return { command: null, text: `Stickwright cannot grow this file: ${rewrite}` };
  const bounds = growBounds(overlay.fileBytes, report.live.freeBytes);
  const free = formatBytes(report.live.freeBytes);
  if (bounds === null) return { command: null, text: `The stick has only ${free} free, too little to grow the overlay: delete files on the stick, or ${rewrite}` };
  return {
    command: growCommand(report, dir, bounds.suggestedMiB),
    text: `Every change is kept; the stick’s free space (${free}) shrinks by the difference.`,
  };
}

/** The sizes an overlay can grow to now, in whole MiB, and the one to offer first. */
export interface GrowBounds {
  readonly minMiB: number;
  readonly maxMiB: number;
  readonly suggestedMiB: number;
}

/** From just above the overlay's size to what the free space allows (less grow's margin); the
 *  suggestion twice the size, or half the free space; null when that is no real gain. */
export function growBounds(fileBytes: number, freeBytes: number): GrowBounds | null {
  const current = Math.ceil(fileBytes / MiB);
  const maxMiB = Math.floor((fileBytes + freeBytes - GROW_MARGIN) / MiB);
  const room = Math.floor((freeBytes - GROW_MARGIN) / 2 / MiB);
  const suggestedMiB = Math.min(current * 2, current + room);
  if (suggestedMiB < current + 16 || maxMiB < suggestedMiB) return null;
  return { minMiB: current + 1, maxMiB, suggestedMiB };
}

/** "512M", "1G": a size as the CLI's --overlay takes it. */
export function sizeArgument(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}G` : `${mib}M`;
}

/** Twice the overlay, or what half the free space allows ("512M", "1G"); null when that is no real gain. */
export function suggestedGrowSize(fileBytes: number, freeBytes: number): string | null {
  const bounds = growBounds(fileBytes, freeBytes);
  return bounds ? sizeArgument(bounds.suggestedMiB) : null;
}

/** The grow command for a size in MiB. */
export function growCommand(report: UsageReport, dir: string, mib: number): string {
  const sudo = report.stick.kind === 'block-device' ? 'sudo ' : '';
  return `${sudo}stickwright grow ${shellWord(report.stick.path)} --overlay ${sizeArgument(mib)} --dir ${shellWord(dir)}`;
}

/** "ext4 “LIVE”, partition 1" for the stick's live filesystem. */
export function liveFilesystemSummary(report: UsageReport): string {
  const { live } = report;
  const where = live.partition === null ? 'the whole device' : `partition ${live.partition}`;
  return `${live.fs}${live.label ? ` “${live.label}”` : ''} on ${where}`;
}

/** "image file, 1 GiB, MBR" for the stick itself. */
export function stickSummary(report: UsageReport): string {
  const { stick } = report;
  const table = stick.partitionTable === 'none' ? 'no partition table' : `${stick.partitionTable.toUpperCase()} partition table`;
  return `${stick.kind === 'block-device' ? 'Device' : 'Image file'}, ${formatBytes(stick.size)}, ${table}`;
}
