// Which loop devices are attached, and to what (sysfs /sys/block/loopN/loop/backing_file): the
// target checks use it to see a mounted image file or a loop device over the ISO, and the CLI to
// find loop devices an interrupted write left over its target.
import { readdir, readFile } from 'node:fs/promises';

export interface LoopDeviceInfo {
  /** /dev/loopN */
  readonly path: string;
  /** major:minor */
  readonly device: string;
  /** The backing file's path as the kernel shows it, without a " (deleted)" mark. */
  readonly backingFile: string;
  readonly deleted: boolean;
}

/** Every attached loop device, from sysfs (loop/backing_file). */
export async function listLoopDevices(): Promise<LoopDeviceInfo[]> {
  const found: LoopDeviceInfo[] = [];
  for (const name of await readdir('/sys/block').catch(() => [] as string[])) {
    if (!/^loop\d+$/.test(name)) continue;
    const device = await readSys(`/sys/block/${name}/dev`);
    const file = await readSys(`/sys/block/${name}/loop/backing_file`);
    if (!device || !file) continue;
    const deleted = file.endsWith(' (deleted)');
    found.push({ path: `/dev/${name}`, device, backingFile: deleted ? file.slice(0, -' (deleted)'.length) : file, deleted });
  }
  return found;
}

async function readSys(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return null;
  }
}
