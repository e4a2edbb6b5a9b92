// A safety net around a write: loop devices over the target that appeared while it ran and are
// still attached when it ends. The engine detaches every loop device it knows of; one it does
// not know of is one whose `losetup --find --show` was interrupted after the kernel had attached
// it but before losetup printed its name (a cancel at that moment). Left alone, it would pin the
// target (and, for an image file the failed run removed, its disk space) until reboot.
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { runTool } from '../system/runTool';
import { listLoopDevices } from './loopBackingFiles';

/** /dev/loopN devices whose backing file (or device) is the target path, now. The path is
 *  compared as the kernel shows it, so a loop over an image file deleted since still counts. */
export async function loopDevicesOver(target: string): Promise<string[]> {
  const real = await realpath(target).catch(() => path.resolve(target));
  return (await listLoopDevices()).filter((loop) => loop.backingFile === real).map((loop) => loop.path);
}

/** Detaches loop devices over `target` that were not there before (`before`); returns them. */
export async function detachLeftoverLoops(target: string, before: ReadonlySet<string>): Promise<string[]> {
  const leftovers = (await loopDevicesOver(target)).filter((device) => !before.has(device));
  for (const device of leftovers) {
    await runTool('losetup', ['--detach', device], { what: `detaching ${device}, left attached to ${target}` }).catch(() => undefined);
  }
  return leftovers;
}

/**
 * Loop devices over `target` at an offset — a window onto one partition, as the engine's
 * withLoop makes — that nothing mounts or holds: left by a writer that was killed (kill -9
 * while mke2fs ran). The new write erases the target anyway; detached first, they no longer
 * pin it. Windows at offset 0, mounted or held ones are someone's own and left alone.
 */
export async function detachStaleWindows(target: string): Promise<string[]> {
  const mounts = await readFile('/proc/mounts', 'utf8').catch(() => '');
  const mounted = new Set(mounts.split('\n').map((line) => line.split(' ')[0]));
  const stale: string[] = [];
  for (const device of await loopDevicesOver(target)) {
    const name = path.basename(device);
    const offset = Number((await readFile(`/sys/block/${name}/loop/offset`, 'utf8').catch(() => '0')).trim());
    const holders = await readdir(`/sys/block/${name}/holders`).catch(() => [] as string[]);
    const partsMounted = [...mounted].some((source) => source === device || source?.startsWith(`${device}p`));
    if (offset > 0 && holders.length === 0 && !partsMounted) stale.push(device);
  }
  for (const device of stale) {
    await runTool('losetup', ['--detach', device], { what: `detaching ${device}, a stale window onto ${target}` }).catch(() => undefined);
  }
  return stale;
}
