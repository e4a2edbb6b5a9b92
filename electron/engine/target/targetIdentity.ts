// Which device the user chose, in more than its size: recorded when the target is checked and
// compared again right before the first write, so a stick swapped meanwhile (another stick of the
// same size in the same /dev/sdX, a loop device detached and attached to another file) is refused
// with TARGET_CHANGED before a byte is written (style-security.md B.5 T3/T4).
//
// What is compared, where the system has it:
//   every block device   major:minor, size, diskseq (the kernel's per-media sequence number: it
//                        changes whenever a disk or a loop device gets new media)
//   disks                model, vendor, serial and WWID (sysfs, and udev's ID_SERIAL/ID_MODEL)
//   loop devices         the backing file's path and its dev:inode
//   image files          dev:inode and size
// The synchronous variant exists for the pipeline's phase hook (engine/jobs/guardedWrite.ts),
// which runs between opening the target and writing to it.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { StickwrightError } from '../../../shared/errors';
import { devNumber, type ResolvedTarget } from './resolveTarget';

export interface TargetIdentity {
  readonly path: string;
  readonly kind: 'file' | 'block';
  /** major:minor of a block device; "dev:ino" of an image file. */
  readonly node: string;
  readonly size: number;
  /** Block devices: what sysfs and udev say about the media (absent facts are left out). */
  readonly facts: Readonly<Record<string, string>>;
}

/** The identity of a checked target as it is now; null for an image file not made yet. */
export function readTargetIdentity(target: Pick<ResolvedTarget, 'path' | 'kind' | 'exists'>): TargetIdentity | null {
  if (!target.exists) return null;
  return identityOf(target.path, target.kind);
}

/** Refuses with TARGET_CHANGED (nothing written) when the target is no longer the one recorded. */
export function checkTargetIdentity(expected: TargetIdentity): void {
  let now: TargetIdentity | null;
  try {
    now = identityOf(expected.path, expected.kind);
  } catch {
    now = null;
  }
  if (!now) {
    throw new StickwrightError('TARGET_CHANGED', `${expected.path} is gone or is no longer a ${expected.kind === 'block' ? 'block device' : 'file'}; nothing was written`, {
      path: expected.path,
      targetTouched: false,
    });
  }
  const differences: string[] = [];
  if (now.node !== expected.node) differences.push(`device ${expected.node} → ${now.node}`);
  // An image file is grown to the planned size before it is opened: only its inode counts.
  if (expected.kind === 'block' && now.size !== expected.size) differences.push(`size ${expected.size} → ${now.size} bytes`);
  for (const key of new Set([...Object.keys(expected.facts), ...Object.keys(now.facts)])) {
    const before = expected.facts[key];
    const after = now.facts[key];
    // udev writes its database after the kernel's event: a fact it only just added is no change.
    if (key.startsWith('udev') && (before === undefined || after === undefined)) continue;
    if (before !== after) differences.push(`${key} ${before ?? '(none)'} → ${after ?? '(none)'}`);
  }
  if (differences.length) {
    throw new StickwrightError('TARGET_CHANGED', `${expected.path} is not the device that was chosen (${differences.join('; ')}); nothing was written`, {
      path: expected.path,
      expectedSize: expected.size,
      size: now.size,
      changed: differences.join('; '),
      targetTouched: false,
    });
  }
}

/**
 * The check against the target as opened (fstat of its handle), for the pipeline right after it
 * opens the target: what was opened must be the device (or file) recorded — not whatever a path
 * or link named by then — and the device must still be the one chosen. TARGET_CHANGED otherwise.
 */
export function checkOpenedTarget(opened: Pick<Stats, 'dev' | 'ino' | 'rdev' | 'isBlockDevice' | 'isFile'>, expected: TargetIdentity): void {
  const node = expected.kind === 'block' ? (opened.isBlockDevice() ? devNumber(opened.rdev) : null) : opened.isFile() ? `${opened.dev}:${opened.ino}` : null;
  if (node !== expected.node) {
    throw new StickwrightError('TARGET_CHANGED', `what was opened as ${expected.path} is ${node ?? 'another kind of file'}, not ${expected.node} as checked; nothing was written`, {
      path: expected.path,
      changed: `opened ${node ?? '?'} → checked ${expected.node}`,
      targetTouched: false,
    });
  }
  checkTargetIdentity(expected);
}

function identityOf(file: string, kind: 'file' | 'block'): TargetIdentity | null {
  const info: Stats = statSync(file);
  if (kind === 'file') {
    if (!info.isFile()) return null;
    return { path: file, kind, node: `${info.dev}:${info.ino}`, size: info.size, facts: {} };
  }
  if (!info.isBlockDevice()) return null;
  const device = devNumber(info.rdev);
  const sys = (leaf: string) => readSys(`/sys/dev/block/${device}/${leaf}`);
  const facts: Record<string, string> = {};
  const put = (key: string, value: string | null | undefined) => {
    if (value) facts[key] = value;
  };
  put('diskseq', sys('diskseq'));
  put('model', sys('device/model'));
  put('vendor', sys('device/vendor'));
  put('serial', sys('serial') ?? sys('device/serial'));
  put('wwid', sys('wwid') ?? sys('device/wwid'));
  const udev = readUdev(device);
  put('udevSerial', udev.ID_SERIAL_SHORT ?? udev.ID_SERIAL);
  put('udevModel', udev.ID_MODEL);
  put('udevWwn', udev.ID_WWN);
  const backing = sys('loop/backing_file');
  if (backing) {
    put('loopBackingFile', backing);
    const deleted = backing.endsWith(' (deleted)');
    const backingInfo = deleted ? null : statOrNull(backing);
    put('loopBackingInode', backingInfo ? `${backingInfo.dev}:${backingInfo.ino}` : '(deleted or unreadable)');
    put('loopOffset', sys('loop/offset'));
  }
  const sectors = Number(sys('size'));
  return { path: file, kind, node: device, size: Number.isFinite(sectors) ? sectors * 512 : -1, facts };
}

/** udev's database entry of a block device: its E:KEY=VALUE properties. */
function readUdev(device: string): Readonly<Record<string, string>> {
  const text = readSys(`/run/udev/data/b${device}`);
  const found: Record<string, string> = {};
  for (const line of (text ?? '').split('\n')) {
    const match = /^E:([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) found[match[1]] = match[2];
  }
  return found;
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function readSys(file: string): string | null {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text.length ? text : null;
  } catch {
    return null;
  }
}
