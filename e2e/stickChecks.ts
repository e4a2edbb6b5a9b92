// Checks on a written virtual stick from outside: the partition table as sfdisk reads it, and
// each filesystem through its own fsck (read-only loop devices, always detached).
import { execFileSync, spawnSync } from 'node:child_process';

export interface StickPartition {
  readonly start: number; // bytes
  readonly size: number;
  readonly type: string;
  readonly bootable: boolean;
}

export function readPartitions(image: string): StickPartition[] {
  const dump = JSON.parse(execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' })) as {
    partitiontable: { label: string; partitions: Array<{ start: number; size: number; type: string; bootable?: boolean }> };
  };
  if (dump.partitiontable.label !== 'dos') throw new Error(`expected an MBR, got ${dump.partitiontable.label}`);
  return dump.partitiontable.partitions.map((p) => ({ start: p.start * 512, size: p.size * 512, type: p.type, bootable: p.bootable === true }));
}

/** Runs `body` with a read-only loop device over one partition. */
export function withPartition<T>(image: string, part: StickPartition, body: (device: string) => T): T {
  const device = execFileSync('losetup', ['--find', '--show', '--read-only', '--offset', String(part.start), '--sizelimit', String(part.size), image], { encoding: 'utf8' }).trim();
  try {
    return body(device);
  } finally {
    spawnSync('losetup', ['--detach', device]);
  }
}

const FSCK: Record<string, string[]> = { ext4: ['e2fsck', '-f', '-n'], vfat: ['fsck.fat', '-n'], f2fs: ['fsck.f2fs', '--dry-run'] };

/**
 * A FAT the live system had mounted read-write and that was powered off without unmounting it
 * (the fixture's init ends with `poweroff -f`; a real shutdown unmounts from the initramfs) has
 * the kernel's dirty flag set: FAT[1] and byte 0x41 of the FAT32 boot sector, which then differs
 * from its backup. Those two findings, and only those, are allowed after a boot.
 */
function onlyUncleanUnmount(output: string): boolean {
  const findings = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^fsck\.fat \d/.test(l) && !/^\/dev\/loop\d+: \d+ files/.test(l) && l !== 'Leaving filesystem unchanged.');
  const allowed = [
    /^There are differences between boot sector and its backup\.$/,
    /^This is mostly harmless\. Differences: \(offset:original\/backup\)$/,
    /^65:01\/00$/,
    /^Not automatically fixing this\.$/,
    /^Dirty bit is set\. Fs was not properly unmounted and some data may be corrupt\.$/,
    /^Automatically removing dirty bit\.$/,
  ];
  return findings.every((l) => allowed.some((a) => a.test(l)));
}

/** fsck of the live partition (its fs) and the ESP (FAT); throws with the tool's output on failure. */
export async function fsckStick(image: string, liveFs: 'ext4' | 'vfat' | 'f2fs', options: { afterBoot?: boolean; withoutEsp?: boolean } = {}): Promise<void> {
  const [live, esp] = readPartitions(image);
  if (!live || (!esp && !options.withoutEsp)) throw new Error('expected two partitions');
  const parts: Array<readonly [StickPartition, string]> = [[live, liveFs]];
  if (esp) parts.push([esp, 'vfat']);
  for (const [part, fs] of parts) {
    withPartition(image, part, (device) => {
      const [cmd, ...args] = FSCK[fs] ?? [];
      const run = spawnSync(cmd ?? 'false', [...args, device], { encoding: 'utf8' });
      const output = `${run.stdout}${run.stderr}`;
      const tolerated = options.afterBoot === true && fs === 'vfat' && part === live && onlyUncleanUnmount(output);
      if ((run.status !== 0 && !tolerated) || /\[Fail\]/.test(output)) throw new Error(`${cmd} on the ${fs} partition failed (${run.status}):\n${output}`);
    });
  }
}
