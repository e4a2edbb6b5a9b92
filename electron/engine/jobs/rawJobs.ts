// The `write-raw` and `restore` jobs as the worker runs them: the same engine calls as
// `stickwright write --raw` and `stickwright restore`, for one target the person chose in the app.
// The worker trusts nothing main checked: the target is resolved and checked again here (system
// disk, holds the image, mounted, too small), a target of another size than the one chosen (a
// swapped stick) is refused before anything is written, and its identity is compared again
// right before the first write. A job never creates an image file: the target must exist.
import { stat } from 'node:fs/promises';
import type { PhaseName } from '../../../shared/contract/events';
import type { Job } from '../../../shared/contract/job';
import type { RawWriteJobResult, RestoreJobResult } from '../../../shared/contract/rawRequest';
import { StickwrightError } from '../../../shared/errors';
import { checkRawWrite, writeRaw } from '../raw/writeRaw';
import { checkRestore, restoreStick } from '../restore/restoreStick';
import type { ResolvedTarget } from '../target/resolveTarget';
import { checkTargetIdentity, readTargetIdentity } from '../target/targetIdentity';
import { unmountTarget } from '../target/unmountTarget';
import type { ProgressSnapshot } from '../write/progressMeter';

type WriteRawJob = Extract<Job, { kind: 'write-raw' }>;
type RestoreJob = Extract<Job, { kind: 'restore' }>;

export interface RawJobHooks {
  readonly onPhase: (phase: PhaseName) => void;
  readonly onProgress: (progress: ProgressSnapshot) => void;
  readonly onLog: (message: string) => void;
}

export async function writeRawJob(job: WriteRawJob, hooks: RawJobHooks, signal: AbortSignal): Promise<RawWriteJobResult> {
  await requireExisting(job.target);
  const checked = await checkRawWrite({ imagePath: job.imagePath, targets: [job.target], allowMounted: job.unmount === true }, signal);
  const target = checked.targets[0] as ResolvedTarget;
  requireSize(target, job.expectedSize);
  const identity = readTargetIdentity(target);
  if (target.mounted?.length) {
    if (identity) checkTargetIdentity(identity);
    for (const m of target.mounted) hooks.onLog(`unmounting ${m.source} from ${m.mountPoint}`);
    await unmountTarget(target.path, target.mounted, signal);
  }
  const result = await writeRaw(
    checked,
    { verify: job.verify, identities: [identity] },
    {
      onPhase: (_target, phase) => hooks.onPhase(phase),
      onProgress: (_target, progress) => hooks.onProgress(progress),
      onLog: hooks.onLog,
    },
    signal,
  );
  const outcome = result.targets[0];
  if (!outcome) throw new StickwrightError('INTERNAL', 'raw write reported no target');
  // One target: its failure is the job's error (with the engine's own code and data).
  if (!outcome.ok) throw new StickwrightError(outcome.error.code, outcome.error.detail ?? undefined, outcome.error.data);
  const { path, compression, entry, fileBytes, bytes } = result.image;
  return { target: outcome.target, image: { path, compression, entry, fileBytes, bytes }, bytesWritten: outcome.bytesWritten, verified: outcome.verified, elapsedMs: outcome.elapsedMs };
}

export async function restoreJob(job: RestoreJob, hooks: Pick<RawJobHooks, 'onPhase'>, signal: AbortSignal): Promise<RestoreJobResult> {
  await requireExisting(job.target);
  const checked = await checkRestore({ target: job.target, fs: job.fs, label: job.label });
  requireSize(checked.target, job.expectedSize);
  const result = await restoreStick(checked, { identity: readTargetIdentity(checked.target), signal, onPhase: hooks.onPhase });
  return { ...result, partition: { ...result.partition } };
}

async function requireExisting(path: string): Promise<void> {
  const exists = await stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT' && error.code !== 'ENOTDIR',
  );
  if (!exists) throw new StickwrightError('TARGET_NOT_FOUND', `${path} is gone; nothing was written`, { path, targetTouched: false });
}

/** A stick of another size than the one chosen is another stick (swapped in the same slot). */
function requireSize(target: ResolvedTarget, expectedSize: number): void {
  if (!target.exists || target.size !== expectedSize) {
    throw new StickwrightError('TARGET_CHANGED', `${target.path} is ${target.exists ? `${target.size} bytes` : 'gone'}, not the ${expectedSize} bytes chosen; nothing was written`, {
      path: target.path,
      expectedSize,
      size: target.exists ? target.size : null,
      targetTouched: false,
    });
  }
}
