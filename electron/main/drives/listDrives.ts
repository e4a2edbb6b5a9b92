// The drives the app offers. drivelist does the OS part (on Linux its lsblk reader, which needs no
// native addon; elsewhere its addon); development builds may add loop devices and image files
// named in STICKWRIGHT_DEV_DRIVES, which a packaged build never reads (main passes none).
import { stat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Drive } from '../../../shared/contract/drive';
import { devNumber } from '../../engine/target/resolveTarget';

/** The parts of drivelist's Drive we use. */
interface DrivelistDrive {
  device: string;
  description: string;
  size: number | null;
  isSystem: boolean;
  isRemovable: boolean;
  isVirtual: boolean;
  busType: string;
  mountpoints: Array<{ path: string }>;
}

const require = createRequire(import.meta.url);

/** drivelist's own list. On Linux only its lsblk module: the package's index loads the native
 *  addon first, which is not built here (install scripts are off) and not needed on Linux. */
async function osDrives(platform: NodeJS.Platform): Promise<DrivelistDrive[]> {
  if (platform === 'linux') {
    const { lsblk } = require('drivelist/js/lsblk') as { lsblk: () => Promise<DrivelistDrive[]> };
    return lsblk();
  }
  const { list } = require('drivelist') as { list: () => Promise<DrivelistDrive[]> };
  return list();
}

function fromDrivelist(d: DrivelistDrive): Drive | null {
  // Drives without media (an empty card reader, zram without a size) cannot be written.
  if (!d.size) return null;
  return {
    device: d.device,
    description: d.description.trim() || path.basename(d.device),
    size: d.size,
    isSystem: d.isSystem,
    isRemovable: d.isRemovable,
    busType: (d.busType || 'UNKNOWN').slice(0, 32),
    mountpoints: d.mountpoints.map((m) => m.path),
    isDevelopment: false,
  };
}

/** A loop device or an image file named for development and tests. */
async function developmentDrive(device: string): Promise<Drive | null> {
  const info = await stat(device).catch(() => null);
  if (!info) return null;
  let size = info.size;
  let description = 'Disk image file';
  if (info.isBlockDevice()) {
    const sectors = await readFile(`/sys/dev/block/${devNumber(info.rdev)}/size`, 'utf8').catch(() => '0');
    size = Number(sectors.trim()) * 512;
    description = path.basename(device).startsWith('loop') ? 'Loop device' : 'Block device';
  } else if (!info.isFile()) {
    return null;
  }
  if (!size) return null;
  const mountpoints = info.isBlockDevice() ? await mountpointsOf(device) : [];
  return { device, description: `${description} (development)`, size, isSystem: false, isRemovable: true, busType: 'VIRTUAL', mountpoints, isDevelopment: true };
}

/** Where a block device or its partitions (/dev/loop3p1) are mounted, as drivelist reports it. */
async function mountpointsOf(device: string): Promise<string[]> {
  const mounts = await readFile('/proc/mounts', 'utf8').catch(() => '');
  return mounts
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([source]) => source === device || (source ?? '').startsWith(`${device}p`))
    // /proc/mounts escapes blanks in paths as octal.
    .map(([, mountPoint]) => (mountPoint ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
}

export interface ListDrivesDeps {
  readonly platform: NodeJS.Platform;
  /** Paths to add as drives; always empty in a packaged build. */
  readonly developmentDrives: () => readonly string[];
}

/** Every drive, system drives included, in a stable order (the UI hides system drives). */
export async function listDrives(deps: ListDrivesDeps): Promise<Drive[]> {
  const found = (await osDrives(deps.platform)).map(fromDrivelist).filter((d): d is Drive => d !== null);
  for (const device of deps.developmentDrives()) {
    if (found.some((d) => d.device === device)) continue;
    const drive = await developmentDrive(device);
    if (drive) found.push(drive);
  }
  return found.sort((a, b) => Number(a.isSystem) - Number(b.isSystem) || a.device.localeCompare(b.device));
}

/** STICKWRIGHT_DEV_DRIVES=/dev/loop3:/tmp/stick.img — read in development builds only. */
export function developmentDrivesFromEnv(env: NodeJS.ProcessEnv, packaged: boolean): string[] {
  if (packaged) return [];
  return (env.STICKWRIGHT_DEV_DRIVES ?? '').split(':').filter((p) => p.startsWith('/'));
}
