// T1 in the worker: a forged write job naming the disk that holds `/` is refused by the worker's
// own check (TARGET_IS_SYSTEM), whatever the job says (also with consent to unmount). The pipeline
// and the unmount are replaced by traps here, so that nothing could ever be written or unmounted
// even if the check were broken: only the read-only check runs.
import { describe, expect, it, vi } from 'vitest';
import { execa } from 'execa';
import { statSync } from 'node:fs';
import { StickwrightError } from '../../../shared/errors';

const trap = vi.hoisted(() => ({ calls: [] as string[] }));
vi.mock('./guardedWrite', () => ({
  guardedWrite: () => {
    trap.calls.push('guardedWrite');
    throw new Error('the pipeline must not be reached');
  },
}));
vi.mock('../target/unmountTarget', () => ({
  unmountTarget: () => {
    trap.calls.push('unmountTarget');
    throw new Error('nothing may be unmounted');
  },
}));

const { runWriteJob } = await import('./writeJob');

async function rootDisk(): Promise<string | null> {
  const source = (await execa('findmnt', ['--noheadings', '--output', 'SOURCE', '--target', '/'], { reject: false })).stdout.trim();
  if (!source.startsWith('/dev/')) return null;
  const parent = (await execa('lsblk', ['--noheadings', '--nodeps', '--output', 'PKNAME', source], { reject: false })).stdout.trim();
  const disk = parent ? `/dev/${parent}` : source;
  return statSync(disk, { throwIfNoEntry: false })?.isBlockDevice() ? disk : null;
}

describe('a forged write job naming the system disk (T1, the worker)', () => {
  it('TARGET_IS_SYSTEM from the worker\'s own check; the pipeline and the unmount are never reached', async (context) => {
    const disk = await rootDisk();
    if (!disk) return context.skip();
    const size = Number((await execa('blockdev', ['--getsize64', disk], { reject: false })).stdout) || 2 ** 40;
    for (const unmount of [false, true]) {
      const job = {
        v: 1 as const,
        id: 'forged-1',
        kind: 'write' as const,
        isoPath: '/nonexistent/live.iso',
        target: disk,
        expectedSize: size,
        options: { fs: 'ext4' as const, overlaySize: 2 ** 30, overlayKind: 'auto' as const, homeSize: 0, encryptHome: false, label: 'LIVE' },
        verify: true,
        unmount,
      };
      const error = await runWriteJob(job, {}, new AbortController().signal, () => {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StickwrightError);
      expect((error as StickwrightError).code).toBe('TARGET_IS_SYSTEM');
    }
    expect(trap.calls).toEqual([]);
  });
});
