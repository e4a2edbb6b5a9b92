// Restore: any stick (a written live stick, a raw-written hybrid ISO, anything) back to a plain
// drive — one MBR partition from 1 MiB to the end of the disk, FAT32 (type 0x0c) or exFAT
// (0x07), labelled, checked by fsck. The same target checks as a write (not the system disk,
// nothing mounted, the identity unchanged since the check), and the same order as a write:
//
//   partition  the first and last 8 MiB zeroed: every old partition table (a GPT's backup at
//              the end too), filesystem and ISO 9660 signature there is gone
//   format     mkfs.fat -F 32 / mkfs.exfat on a loop device over the partition's byte range
//   verify     fsck.fat -n / fsck.exfat -n of it, read-only
//   (commit)   the MBR last, flushed: an interrupted restore leaves a blank disk, never a
//              partition table pointing at a half-made filesystem
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { PhaseName } from '../../../shared/contract/events';
import { StickwrightError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/units';
import { DeviceFile } from '../disk/deviceFile';
import { withLoop } from '../disk/loopDevice';
import { encodeMbr } from '../disk/mbr';
import { runTool } from '../system/runTool';
import { resolveTarget, type ResolvedTarget } from '../target/resolveTarget';
import { checkOpenedTarget, checkTargetIdentity, type TargetIdentity } from '../target/targetIdentity';

export type RestoreFs = 'fat32' | 'exfat';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const SECTOR = 512;
const PARTITION_START = MiB;
const WIPE = 8 * MiB;
/** Below this a FAT32 volume has too few clusters; above it Windows' own tools choose exFAT. */
const FAT32_MIN = 64 * MiB;
const FAT32_DEFAULT_MAX = 32 * GiB;
const EXFAT_MIN = 8 * MiB;
const MBR_MAX_SECTORS = 2 ** 32 - 1;

const TYPE: Readonly<Record<RestoreFs, number>> = { fat32: 0x0c, exfat: 0x07 };
const LABEL_MAX: Readonly<Record<RestoreFs, number>> = { fat32: 11, exfat: 15 };

export interface RestoreRequest {
  readonly target: string;
  /** Default (absent or null): FAT32 up to 32 GiB, exFAT above. */
  readonly fs?: RestoreFs | null;
  /** Default (absent or null): STICK. */
  readonly label?: string | null;
}

export interface CheckedRestore {
  readonly target: ResolvedTarget;
  readonly fs: RestoreFs;
  /** As it will be written (upper case on FAT32). */
  readonly label: string;
  readonly partition: { readonly start: number; readonly size: number; readonly type: number };
}

export interface RestoreResult {
  readonly target: string;
  readonly targetKind: 'file' | 'block';
  readonly fs: RestoreFs;
  readonly label: string;
  readonly partition: { readonly start: number; readonly size: number; readonly type: number };
  /** What fsck said (its last line), read-only. */
  readonly fsck: string;
  readonly elapsedMs: number;
}

/** The label as it will be written, or LABEL_INVALID. Letters, digits, space, "-" and "_". */
export function restoreLabel(label: string, fs: RestoreFs): string {
  if (!label.length) throw new StickwrightError('LABEL_INVALID', 'the label is empty');
  if (!/^[A-Za-z0-9 _-]+$/.test(label) || label.startsWith(' ') || label.endsWith(' ')) {
    throw new StickwrightError('LABEL_INVALID', `"${label}" has characters other than letters, digits, spaces (inside), "-" and "_"`);
  }
  if (label.length > LABEL_MAX[fs]) throw new StickwrightError('LABEL_INVALID', `"${label}" is longer than ${LABEL_MAX[fs]} characters (the ${fs === 'fat32' ? 'FAT32' : 'exFAT'} limit)`);
  return fs === 'fat32' ? label.toUpperCase() : label;
}

/** The one partition: from 1 MiB to the end of the disk (what an MBR can address of it). */
export function restorePartition(diskBytes: number, fs: RestoreFs): { start: number; size: number; type: number } {
  const sectors = Math.min(Math.floor(diskBytes / SECTOR) - PARTITION_START / SECTOR, MBR_MAX_SECTORS - PARTITION_START / SECTOR);
  const size = Math.max(0, sectors) * SECTOR;
  const min = fs === 'fat32' ? FAT32_MIN : EXFAT_MIN;
  if (size < min) {
    throw new StickwrightError('TARGET_TOO_SMALL', `a ${fs === 'fat32' ? 'FAT32' : 'exFAT'} drive needs at least ${formatBytes(min + PARTITION_START)}; the target has ${formatBytes(diskBytes)}`, {
      targetBytes: diskBytes,
      neededBytes: min + PARTITION_START,
    });
  }
  return { start: PARTITION_START, size, type: TYPE[fs] };
}

/** Every check before anything is asked or written; no side effects. */
export async function checkRestore(request: RestoreRequest): Promise<CheckedRestore> {
  if (!(await stat(request.target).catch(() => null))) throw new StickwrightError('TARGET_NOT_FOUND', request.target, { path: request.target });
  // No source image: nothing can hold it ('' never resolves).
  const target = await resolveTarget({ path: request.target, sourcePath: '', mode: 'check' });
  const fs = request.fs ?? (target.size <= FAT32_DEFAULT_MAX ? 'fat32' : 'exfat');
  const label = restoreLabel(request.label ?? 'STICK', fs);
  return { target, fs, label, partition: restorePartition(target.size, fs) };
}

export interface RestoreOptions {
  readonly identity?: TargetIdentity | null;
  readonly signal?: AbortSignal;
  readonly onPhase?: (phase: PhaseName) => void;
}

export async function restoreStick(checked: CheckedRestore, options: RestoreOptions = {}): Promise<RestoreResult> {
  const started = performance.now();
  const { target, fs, label, partition } = checked;
  const signal = options.signal;
  let touched = false;
  const step = (phase: PhaseName) => {
    if (signal?.aborted) throw new StickwrightError('CANCELLED', `before ${phase}`);
    options.onPhase?.(phase);
  };
  if (options.identity) checkTargetIdentity(options.identity);
  const device = await DeviceFile.open(target.path, { block: target.kind === 'block', size: target.size });
  try {
    // What was opened is what was checked (not whatever the path names by now).
    if (options.identity) checkOpenedTarget(await device.stat(), options.identity);
    step('partition');
    touched = true;
    const zeros = Buffer.alloc(Math.min(WIPE, target.size));
    await device.write(zeros, 0);
    const endWipe = Math.max(WIPE, target.size - WIPE) - (Math.max(WIPE, target.size - WIPE) % SECTOR);
    if (endWipe < target.size) await device.write(zeros.subarray(0, target.size - endWipe), endWipe);
    await device.flush();

    step('format');
    let fsck = '';
    await withLoop(
      target.path,
      partition.start,
      partition.size,
      async (loop) => {
        if (fs === 'fat32') {
          // -h: the partition's offset (hidden sectors), as a partitioning tool's mkfs would see it;
          // --mbr=n: no fake partition table inside the volume.
          await runTool('mkfs.fat', ['-F', '32', '-n', label, '-h', String(partition.start / SECTOR), '--mbr=n', loop], { signal, what: 'making the FAT32 filesystem' });
        } else {
          await runTool('mkfs.exfat', ['-L', label, loop], { signal, what: 'making the exFAT filesystem' });
        }
        step('verify');
        const checkedFs = fs === 'fat32' ? await runTool('fsck.fat', ['-n', loop], { signal, what: 'checking the new FAT32 filesystem', failCode: 'VERIFY_FAILED' }) : await runTool('fsck.exfat', ['-n', loop], { signal, what: 'checking the new exFAT filesystem', failCode: 'VERIFY_FAILED' });
        fsck = `${checkedFs.stdout}\n${checkedFs.stderr}`.trim().split('\n').filter(Boolean).at(-1) ?? '';
      },
      signal,
    );

    step('flush');
    // The commit: the partition table last, then everything to the device.
    const mbr = encodeMbr([{ start: partition.start, size: partition.size, type: partition.type, bootable: false }], randomBytes(4).readUInt32LE(0));
    await device.write(mbr, 0);
    await device.flush();
    await device.close();
    // The kernel's view of a disk's partitions (a loop device without partition scanning says
    // no: that is fine, nothing to update).
    if (target.kind === 'block') await runTool('blockdev', ['--rereadpt', target.path], { what: 'telling the kernel about the new partition' }).catch(() => undefined);
    return { target: target.path, targetKind: target.kind, fs, label, partition, fsck, elapsedMs: Math.round(performance.now() - started) };
  } catch (error) {
    const where = touched ? `${target.path} was wiped and has no partition table: restore it again` : `nothing was written to ${target.path}`;
    if (error instanceof StickwrightError) {
      throw new StickwrightError(error.code, `${error.detail ? `${error.detail}; ` : ''}${where}`, { ...error.data, targetTouched: touched }, { cause: error });
    }
    throw error;
  } finally {
    await device.close();
  }
}
