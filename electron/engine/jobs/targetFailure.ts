// A step that failed because the target went away (a stick pulled out mid-write) or ran out of
// room fails in many voices: our own writes say EIO or ENOSPC (deviceError maps those), but
// mke2fs, sload.f2fs and fsck report "Input/output error" in their own words (a loop device turns
// its backing file's ENOSPC into EIO), and a loop device over a vanished disk fails to attach.
// So after a write failure we look at the target itself, once:
//   - a direct read of its first 4 KiB, bounded in time: a target that no longer answers turns
//     the failure into DEVICE_GONE (style-security.md B.4 (e): a specific code within seconds);
//   - an image file whose filesystem has no room left: TARGET_FULL, with the sizes.
// Either keeps what the step said and the target's state; otherwise the failure stays as it was.
import { constants } from 'node:fs';
import { open, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { StickwrightError, type ErrorCode } from '../../../shared/errors';
import { formatBytes } from '../../../shared/units';
import { AlignedBufferPool } from '../disk/alignedBuffers';

/** Failures that may hide a vanished or full target. Anything more specific is left alone. */
const MAYBE_GONE: ReadonlySet<ErrorCode> = new Set(['WRITE_FAILED', 'VERIFY_FAILED', 'INTERNAL']);
const PROBE_BYTES = 4096;
/** A device that does not answer a 4 KiB read within this is as good as gone. */
const PROBE_TIMEOUT_MS = 3000;

let pool: AlignedBufferPool | null = null;

export type TargetProbe = { readonly answers: true } | { readonly answers: false; readonly why: string };

/** Reads the target's first 4 KiB around the page cache (O_DIRECT where the system allows it). */
export async function probeTarget(target: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<TargetProbe> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<TargetProbe>((resolve) => {
    timer = setTimeout(() => resolve({ answers: false, why: `it did not answer a read within ${timeoutMs / 1000} s` }), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([readFirstBlock(target), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readFirstBlock(target: string): Promise<TargetProbe> {
  pool ??= new AlignedBufferPool(65536, 2);
  const slot = pool.acquire();
  const handle = await open(target, constants.O_RDONLY | constants.O_DIRECT)
    .catch((error: NodeJS.ErrnoException) => (error.code === 'EINVAL' ? open(target, constants.O_RDONLY) : Promise.reject(error)))
    .catch((error: NodeJS.ErrnoException) => error);
  try {
    if (handle instanceof Error) return gone(handle);
    try {
      const buffer = slot ?? Buffer.alloc(PROBE_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, 0);
      // A detached loop device (or a disk node left without its medium) reads as empty.
      if (bytesRead === 0) return { answers: false, why: 'it reads as empty (0 bytes): detached or unplugged' };
      return { answers: true };
    } catch (error) {
      return gone(error as NodeJS.ErrnoException);
    }
  } finally {
    if (!(handle instanceof Error)) await handle.close().catch(() => undefined);
    if (slot) pool.release(slot);
  }
}

function gone(error: NodeJS.ErrnoException): TargetProbe {
  // EINVAL (an odd alignment) or EACCES say nothing about the device being there.
  if (error.code === 'EINVAL' || error.code === 'EACCES' || error.code === 'EPERM') return { answers: true };
  return { answers: false, why: error.code === 'ENOENT' ? 'it is no longer there' : `it no longer answers (${error.code ?? error.message})` };
}

/**
 * Called before a write starts: a mapper of its failures. Only a target that exists now can
 * vanish (an image file the write creates, and removes again on failure, is not probed).
 */
export async function targetFailureMapper(target: string): Promise<(error: unknown) => Promise<unknown>> {
  const info = await stat(target).catch(() => null);
  if (!info) return async (error) => error;
  return async (error) => (await asTargetFull(error, target, info.isFile())) ?? (await asDeviceGone(error, target));
}

/** The failure as DEVICE_GONE when the target no longer answers; otherwise unchanged. */
export async function asDeviceGone(error: unknown, target: string): Promise<unknown> {
  if (error instanceof StickwrightError && !MAYBE_GONE.has(error.code)) return error;
  const probe = await probeTarget(target);
  if (probe.answers) return error;
  return new StickwrightError('DEVICE_GONE', `${target}: ${probe.why}${saidBy(error)}`, { ...dataOf(error), path: target, failedAs: codeOf(error) }, { cause: error });
}

/** Less than this left on the filesystem holding an image file, after a failure: it was full. */
const FULL_BELOW = 2 ** 20;

/** An image file on a filesystem with no room left: TARGET_FULL with the sizes; else null. */
async function asTargetFull(error: unknown, target: string, isFile: boolean): Promise<StickwrightError | null> {
  if (!isFile || (error instanceof StickwrightError && !MAYBE_GONE.has(error.code))) return null;
  const [fs, info] = await Promise.all([statfs(path.dirname(target)).catch(() => null), stat(target).catch(() => null)]);
  if (!fs || !info) return null;
  const freeBytes = fs.bavail * fs.bsize;
  if (freeBytes >= FULL_BELOW) return null;
  const allocatedBytes = info.blocks * 512;
  return new StickwrightError(
    'TARGET_FULL',
    `${target}: the filesystem holding the ${formatBytes(info.size)} image file is full: ${formatBytes(freeBytes)} free, ${formatBytes(allocatedBytes)} of the image written so far${saidBy(error)}`,
    { ...dataOf(error), path: target, targetBytes: info.size, allocatedBytes, freeBytes, failedAs: codeOf(error) },
    { cause: error },
  );
}

function saidBy(error: unknown): string {
  const said = error instanceof StickwrightError ? error.detail : error instanceof Error ? error.message : String(error);
  return said ? `; the step said: ${said}` : '';
}

function dataOf(error: unknown) {
  return error instanceof StickwrightError ? error.data : {};
}

function codeOf(error: unknown): string {
  return error instanceof StickwrightError ? error.code : 'INTERNAL';
}
