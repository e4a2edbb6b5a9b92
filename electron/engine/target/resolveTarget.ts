// What the user named as the target, resolved and checked before anything is written: symlinks
// and /dev/disk/by-* followed, partitions refused (the whole disk is named instead), read-only,
// mounted, system and source-holding disks refused. An image file that does not exist is a new
// virtual stick, created sparse at the size asked for — but only by prepareTarget (or the
// default 'write' mode), never by a check: a dry run or a refused write leaves no file behind.
import { open, readFile, readdir, readlink, realpath, stat, truncate } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { StickwrightError } from '../../../shared/errors';
import { listLoopDevices, type LoopDeviceInfo } from './loopBackingFiles';
import { parseMountInfo, type MountEntry } from './mountInfo';

export interface ResolvedTarget {
  readonly kind: 'file' | 'block';
  /** The real path after symlinks (for an image file still to be made: its absolute path). */
  readonly path: string;
  /** Bytes the stick has (or will have, once prepareTarget has made or grown the image file). */
  readonly size: number;
  /** True when this run created the image file. */
  readonly created: boolean;
  /** False for an image file that does not exist yet (only in 'check' mode). */
  readonly exists: boolean;
  /** major:minor of a block device. */
  readonly device: string | null;
  /** Filesystems of this disk that are mounted: only ever non-empty when the request allowed it
   *  (allowMounted), for a caller that has the user's consent to unmount them first. */
  readonly mounted?: readonly MountedPart[];
}

/** A mounted filesystem of the target (a partition or the whole disk), as mountinfo names it. */
export interface MountedPart {
  readonly source: string;
  readonly mountPoint: string;
}

export interface TargetRequest {
  readonly path: string;
  /** Size for a new image file; required when the file does not exist. */
  readonly createSize?: number;
  /** The ISO being written: the target must not hold it. */
  readonly sourcePath: string;
  /**
   * 'write' (the default) creates a missing image file and grows a smaller one to createSize.
   * 'check' runs every check and changes nothing: what a dry run and a preflight need.
   */
  readonly mode?: 'write' | 'check';
  /**
   * The user agreed to have the target's mounted filesystems unmounted (`write --unmount`): they
   * are listed in `mounted` instead of refused. Swap, the system disk and everything else is
   * still refused.
   */
  readonly allowMounted?: boolean;
}

const sysBlock = (device: string, leaf = '') => `/sys/dev/block/${device}${leaf ? `/${leaf}` : ''}`;

export async function resolveTarget(request: TargetRequest): Promise<ResolvedTarget> {
  const target = await checkTarget(request);
  return request.mode === 'check' ? target : prepareTarget(target);
}

/** Makes a checked image-file target real: creates it sparse, or grows it to the planned size. */
export async function prepareTarget(target: ResolvedTarget): Promise<ResolvedTarget> {
  if (target.kind !== 'file') return target;
  if (!target.exists) return { ...target, path: await createImageFile(target.path, target.size), created: true, exists: true };
  const info = await stat(target.path);
  if (info.size < target.size) await truncate(target.path, target.size).catch((error: unknown) => Promise.reject(systemError(error, target.path)));
  return target;
}

async function checkTarget(request: TargetRequest): Promise<ResolvedTarget> {
  let real: string;
  try {
    real = await realpath(request.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw systemError(error, request.path);
    return newImageFile(request);
  }
  const info = await stat(real);
  const source = await stat(request.sourcePath).catch(() => null);

  if (info.isFile()) {
    if (source && source.dev === info.dev && source.ino === info.ino) {
      throw new StickwrightError('TARGET_HOLDS_SOURCE', `${real} is the ISO itself`, { path: real });
    }
    await checkImageFileNotMounted(real, info);
    const size = Math.max(info.size, request.createSize ?? 0);
    if (size === 0) throw new StickwrightError('TARGET_SIZE_REQUIRED', `${real} is empty`, { path: real });
    return { kind: 'file', path: real, size, created: false, exists: true, device: null };
  }
  if (!info.isBlockDevice()) {
    throw new StickwrightError('TARGET_NOT_USABLE', `${real} is a ${info.isDirectory() ? 'directory' : 'special file'}`, { path: real });
  }
  const { size, mounted } = await checkBlockDevice(real, info, source, request.allowMounted ?? false);
  return { kind: 'block', path: real, size, created: false, exists: true, device: majorMinor(info), mounted };
}

/** A path with nothing at it: a new virtual stick, if it is not under /dev and a size was given. */
async function newImageFile(request: TargetRequest): Promise<ResolvedTarget> {
  if (request.path.startsWith('/dev/')) throw new StickwrightError('TARGET_NOT_FOUND', request.path, { path: request.path });
  const link = await readlink(request.path).catch(() => null);
  if (link !== null) throw new StickwrightError('TARGET_NOT_FOUND', `${request.path} is a symbolic link to ${link}, which does not exist`, { path: request.path });
  if (request.createSize === undefined) throw new StickwrightError('TARGET_SIZE_REQUIRED', request.path, { path: request.path });
  if (request.createSize <= 0) throw new StickwrightError('TARGET_SIZE_REQUIRED', `${request.path}: a new image file needs a size above zero`, { path: request.path });
  const dir = path.dirname(path.resolve(request.path));
  const dirInfo = await stat(dir).catch(() => null);
  if (!dirInfo?.isDirectory()) throw new StickwrightError('TARGET_NOT_FOUND', `no directory ${dir} for the new image file`, { path: request.path });
  const file = path.join(await realpath(dir), path.basename(request.path));
  return { kind: 'file', path: file, size: request.createSize, created: false, exists: false, device: null };
}

async function checkBlockDevice(real: string, info: Stats, source: Stats | null, allowMounted: boolean): Promise<{ size: number; mounted: MountedPart[] }> {
  const device = majorMinor(info);
  if (await exists(sysBlock(device, 'partition'))) {
    const whole = path.basename(path.dirname(await realpath(sysBlock(device))));
    throw new StickwrightError('TARGET_NOT_WHOLE_DISK', `${real} is a partition of /dev/${whole}`, { path: real, disk: `/dev/${whole}` });
  }
  if ((await readSys(sysBlock(device, 'ro'))) === '1') throw new StickwrightError('TARGET_READ_ONLY', real, { path: real });
  const members = new Set([device, ...(await partitionDevices(device))]);
  const mounts = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
  const rootDevice = mounts.find((m) => m.mountPoint === '/')?.device;
  if (rootDevice && (members.has(rootDevice) || (await holdersReach(rootDevice, members)))) {
    throw new StickwrightError('TARGET_IS_SYSTEM', `${real} holds the root filesystem`, { path: real });
  }
  if (source) {
    const sourceDevice = devNumber(source.dev);
    if (members.has(sourceDevice) || (await holdersReach(sourceDevice, members))) {
      throw new StickwrightError('TARGET_HOLDS_SOURCE', `the ISO lies on ${real}`, { path: real });
    }
  }
  const backing = await loopBackingFile(device);
  if (source && backing && backing.dev === source.dev && backing.ino === source.ino) {
    throw new StickwrightError('TARGET_HOLDS_SOURCE', `${real} is a loop device over the ISO itself`, { path: real });
  }
  const mounted: MountedPart[] = mounts.filter((m: MountEntry) => members.has(m.device)).map((m) => ({ source: m.source, mountPoint: m.mountPoint }));
  const first = mounted[0];
  if (first && !allowMounted) {
    const named = mounted.map((m) => `${m.source} is mounted on ${m.mountPoint}`).join(', ');
    throw new StickwrightError('TARGET_MOUNTED', `${named}; nothing was written`, {
      path: real,
      mountPoint: first.mountPoint,
      /** Every mounted filesystem of the disk, "source on mountPoint", one per line. */
      mounted: mounted.map((m) => `${m.source} on ${m.mountPoint}`).join('\n'),
    });
  }
  const swaps = await readFile('/proc/swaps', 'utf8').catch(() => '');
  for (const line of swaps.split('\n').slice(1)) {
    const swapPath = line.split(/\s+/)[0];
    if (!swapPath) continue;
    const swapInfo = await stat(swapPath).catch(() => null);
    if (swapInfo?.isBlockDevice() && members.has(majorMinor(swapInfo))) {
      throw new StickwrightError('TARGET_MOUNTED', `${swapPath} is in use as swap`, { path: real, mountPoint: 'swap' });
    }
  }
  return { size: Number(await readSys(sysBlock(device, 'size'))) * 512, mounted };
}

/** An image file seen through a loop device that is mounted (e.g. a stick image someone is
 *  looking into): writing the file would change a mounted filesystem under the kernel's feet. */
async function checkImageFileNotMounted(real: string, info: Stats): Promise<void> {
  const loops = await loopsBackedBy(info);
  if (!loops.length) return;
  const mounts = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
  for (const loop of loops) {
    const members = new Set([loop.device, ...(await partitionDevices(loop.device))]);
    const mounted = mounts.find((m) => members.has(m.device));
    if (mounted) {
      throw new StickwrightError('TARGET_MOUNTED', `${mounted.source}, a loop device over ${real}, is mounted on ${mounted.mountPoint}`, { path: real, mountPoint: mounted.mountPoint });
    }
  }
}

/** Loop devices whose backing file (or device) is `info`. */
async function loopsBackedBy(info: Stats): Promise<LoopDeviceInfo[]> {
  const found: LoopDeviceInfo[] = [];
  for (const loop of await listLoopDevices()) {
    // A deleted backing file cannot be the ISO or the target we were just given.
    const backing = loop.deleted ? null : await stat(loop.backingFile).catch(() => null);
    if (backing && backing.dev === info.dev && backing.ino === info.ino) found.push(loop);
  }
  return found;
}

/** The file behind a loop device (sysfs loop/backing_file), or null for other devices. */
async function loopBackingFile(device: string): Promise<Stats | null> {
  const file = await readSys(sysBlock(device, 'loop/backing_file'));
  if (!file || file.endsWith(' (deleted)')) return null;
  return stat(file).catch(() => null);
}

/** major:minor of the disk's partitions, from sysfs. */
async function partitionDevices(device: string): Promise<string[]> {
  const dir = await realpath(sysBlock(device));
  const found: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const dev = await readSys(path.join(dir, name, 'dev'));
    if (dev && (await exists(path.join(dir, name, 'partition')))) found.push(dev);
  }
  return found;
}

/** Does `device` sit on top of one of `members` (a loop file, LVM, dm)? Follows sysfs "slaves". */
async function holdersReach(device: string, members: ReadonlySet<string>, depth = 0): Promise<boolean> {
  if (depth > 8) return false;
  const slavesDir = sysBlock(device, 'slaves');
  const slaves = await readdir(slavesDir).catch(() => [] as string[]);
  for (const slave of slaves) {
    const dev = await readSys(path.join(slavesDir, slave, 'dev'));
    if (!dev) continue;
    if (members.has(dev)) return true;
    const parent = await readSys(path.join(path.dirname(await realpath(path.join(slavesDir, slave))), 'dev'));
    if (parent && members.has(parent)) return true;
    if (await holdersReach(dev, members, depth + 1)) return true;
  }
  return false;
}

async function createImageFile(file: string, size: number): Promise<string> {
  const dir = path.dirname(path.resolve(file));
  const dirInfo = await stat(dir).catch(() => null);
  if (!dirInfo?.isDirectory()) throw new StickwrightError('TARGET_NOT_FOUND', `no directory ${dir} for the new image file`, { path: file });
  try {
    const handle = await open(file, 'wx', 0o644);
    await handle.truncate(size);
    await handle.close();
  } catch (error) {
    throw systemError(error, file);
  }
  return realpath(file);
}

function majorMinor(info: Stats): string {
  return devNumber(info.rdev);
}

/** Linux dev_t → "major:minor" (glibc gnu_dev_major/minor: major bits 8-19 and 32-43, minor 0-7 and 20-31). */
export function devNumber(dev: number): string {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

async function readSys(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function systemError(error: unknown, file: string): StickwrightError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return new StickwrightError('TARGET_NOT_USABLE', `permission denied: ${file}`, { path: file });
  if (code === 'EROFS') return new StickwrightError('TARGET_READ_ONLY', file, { path: file });
  if (code === 'ENOSPC') return new StickwrightError('TARGET_FULL', file, { path: file });
  return new StickwrightError('TARGET_NOT_USABLE', `${file}: ${(error as Error).message}`, { path: file });
}
