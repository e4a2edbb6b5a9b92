// Unmounting the target's filesystems, only ever with the user's explicit consent (`write
// --unmount`, or the app's confirmation naming them): each mount point with plain umount(8), no
// lazy (-l) and no force (-f), so a filesystem something still uses (a shell's cwd, an open file)
// stays mounted and the write stops with UNMOUNT_FAILED before a byte is written.
import { readFile } from 'node:fs/promises';
import { StickwrightError } from '../../../shared/errors';
import { runTool } from '../system/runTool';
import { parseMountInfo } from './mountInfo';
import type { MountedPart } from './resolveTarget';

/** Unmounts `mounted` (innermost first); afterwards none of them may still be mounted. */
export async function unmountTarget(targetPath: string, mounted: readonly MountedPart[], signal?: AbortSignal): Promise<void> {
  // The same filesystem may be mounted more than once (bind mounts); mountinfo lists parents
  // before children, so the reverse order unmounts nested mounts first.
  for (const part of [...mounted].reverse()) {
    try {
      await runTool('umount', [part.mountPoint], { what: `unmounting ${part.source} from ${part.mountPoint}`, failCode: 'UNMOUNT_FAILED', signal });
    } catch (error) {
      if (!(error instanceof StickwrightError) || error.code !== 'UNMOUNT_FAILED') throw error;
      throw new StickwrightError('UNMOUNT_FAILED', `${part.source} on ${part.mountPoint} could not be unmounted (something still uses it); nothing was written to ${targetPath}`, {
        path: targetPath,
        mountPoint: part.mountPoint,
        targetTouched: false,
      }, { cause: error });
    }
  }
  const still = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8')).filter((m) => mounted.some((p) => p.mountPoint === m.mountPoint && p.source === m.source));
  const first = still[0];
  if (first) {
    throw new StickwrightError('UNMOUNT_FAILED', `${first.source} is still mounted on ${first.mountPoint}; nothing was written to ${targetPath}`, {
      path: targetPath,
      mountPoint: first.mountPoint,
      targetTouched: false,
    });
  }
}
