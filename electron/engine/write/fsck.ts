// After writing: each filesystem checked read-only by its own fsck (e2fsck -fn, fsck.fat -n,
// fsck.f2fs --dry-run) through a read-only loop device. A stick that fails is reported as failed.
import type { StickFilesystem } from '../../../shared/plan/writeOptions';
import { StickwrightError } from '../../../shared/errors';
import { withLoopReadOnly } from '../disk/loopDevice';
import { runTool } from '../system/runTool';

const CHECK: Readonly<Record<StickFilesystem, { program: string; args: readonly string[] }>> = {
  ext4: { program: 'e2fsck', args: ['-f', '-n'] },
  vfat: { program: 'fsck.fat', args: ['-n'] },
  f2fs: { program: 'fsck.f2fs', args: ['--dry-run'] },
};

export async function checkFilesystem(backing: string, offset: number, size: number, fs: StickFilesystem, what: string, signal?: AbortSignal): Promise<void> {
  await withLoopReadOnly(backing, offset, size, async (device) => {
    const check = CHECK[fs];
    const result = await runTool(check.program, [...check.args, device], { what: `checking the ${what} filesystem`, failCode: 'WRITE_FAILED', signal }).catch(
      (error: unknown) => {
        if (error instanceof StickwrightError && error.code === 'WRITE_FAILED') {
          throw new StickwrightError('WRITE_FAILED', `the ${what} filesystem (${fs}) did not pass ${check.program}: ${error.detail ?? ''}`);
        }
        throw error;
      },
    );
    // fsck.f2fs exits 0 even when it found problems in --dry-run; it says so in its output.
    if (fs === 'f2fs' && /\[Fail\]/.test(result.stdout)) {
      throw new StickwrightError('WRITE_FAILED', `the ${what} filesystem (f2fs) did not pass fsck.f2fs`);
    }
  });
}
