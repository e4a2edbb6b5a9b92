// A safety net around a write: loop devices over the target that appeared while it ran and are
// still attached when it ends. The engine detaches every loop device it knows of; one it does
// not know of is one whose `losetup --find --show` was interrupted after the kernel had attached
// it but before losetup printed its name (a cancel at that moment). Left alone, it would pin the
// target (and, for an image file the failed run removed, its disk space) until reboot.
import { realpath } from 'node:fs/promises';
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
