// A `write` Job as the worker runs it: the same pipeline as `stickwright write`, with what the
// app asked for turned into an engine request. The worker trusts nothing main checked: the
// target is resolved and checked again by writeStick's preflight, and a target whose size is not
// the one the user chose (a swapped stick) is refused before anything is written. A job never
// creates an image file: the target must exist.
import { stat } from 'node:fs/promises';
import type { Job } from '../../../shared/contract/job';
import type { WriteJobResult } from '../../../shared/contract/writeRequest';
import { StickwrightError } from '../../../shared/errors';
import type { WriteHooks } from '../write/writeStick';
import { guardedWrite } from './guardedWrite';
import { resolveTarget } from '../target/resolveTarget';
import { readTargetIdentity } from '../target/targetIdentity';
import { unmountTarget } from '../target/unmountTarget';

export type WriteJob = Extract<Job, { kind: 'write' }>;

export async function runWriteJob(job: WriteJob, hooks: WriteHooks, signal: AbortSignal, warn: (message: string) => void): Promise<WriteJobResult> {
  const exists = await stat(job.target).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT' && error.code !== 'ENOTDIR',
  );
  if (!exists) {
    throw new StickwrightError('TARGET_NOT_FOUND', `${job.target} is gone; nothing was written`, { path: job.target, targetTouched: false });
  }
  // The target as the worker finds it (every target check; the mounted ones listed only when the
  // user agreed to unmount them): its identity is compared again right before the first write.
  const checked = await resolveTarget({ path: job.target, sourcePath: job.isoPath, mode: 'check', allowMounted: job.unmount === true });
  if (!checked.exists || checked.size !== job.expectedSize) {
    throw new StickwrightError('TARGET_CHANGED', `${checked.path} is ${checked.exists ? `${checked.size} bytes` : 'gone'}, not the ${job.expectedSize} bytes chosen; nothing was written`, {
      path: checked.path,
      expectedSize: job.expectedSize,
      size: checked.exists ? checked.size : null,
      targetTouched: false,
    });
  }
  const identity = readTargetIdentity(checked);
  if (checked.mounted?.length) {
    for (const m of checked.mounted) warn(`unmounting ${m.source} from ${m.mountPoint}`);
    await unmountTarget(checked.path, checked.mounted, signal);
  }
  const homePassphrase = job.passphrase === undefined ? undefined : Buffer.from(job.passphrase, 'utf8');
  try {
    const result = await guardedWrite(
      {
        isoPath: job.isoPath,
        // The device checked, not a path that could be pointed elsewhere meanwhile (a symlink).
        target: checked.path,
        options: job.options,
        expectedSize: job.expectedSize,
        skipVerify: !job.verify,
        homePassphrase,
      },
      hooks,
      signal,
      { warn, phase: 'preflight', expectedIdentity: identity },
    );
    return { target: result.target, targetKind: result.targetKind, elapsedMs: result.elapsedMs, plan: { ...result.plan }, verified: result.verified, sourceChecksum: result.sourceChecksum };
  } finally {
    homePassphrase?.fill(0);
  }
}
