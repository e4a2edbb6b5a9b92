// writeStick() as every front end runs it (the CLI's `write`, the worker's write job): with the
// safety net for loop devices an interrupted step left attached to the target, and with a
// user's cancel reported as CANCELLED and the target's state, whatever the step failed with.
import type { PhaseName } from '../../../shared/contract/events';
import { detachLeftoverLoops, detachStaleWindows, loopDevicesOver } from '../target/leftoverLoops';
import { checkTargetIdentity, type TargetIdentity } from '../target/targetIdentity';
import { writeStick, type WriteHooks, type WriteRequest, type WriteResult } from '../write/writeStick';
import { asCancelled } from './asCancelled';
import { targetFailureMapper } from './targetFailure';

export interface GuardedWriteOptions {
  /** Something the user should know now (loop devices that had to be detached). */
  readonly warn?: (message: string) => void;
  /** The phase the caller had reached before the engine started (its own preflight). */
  readonly phase?: PhaseName | null;
  /**
   * The target as it was when it was checked and chosen (targetIdentity.ts): compared again now
   * and right before the first write (the pipeline's `partition` phase starts after the target
   * is opened and before anything is written to it). Another device there: TARGET_CHANGED.
   */
  readonly expectedIdentity?: TargetIdentity | null;
}

export async function guardedWrite(request: WriteRequest, hooks: WriteHooks, signal: AbortSignal, options: GuardedWriteOptions = {}): Promise<WriteResult> {
  let phase: PhaseName | null = options.phase ?? null;
  const identity = options.expectedIdentity ?? null;
  const tracked: WriteHooks = {
    ...hooks,
    onPhase: (next) => {
      // Thrown from here, TARGET_CHANGED ends the pipeline before the partition phase's first
      // write (writeStick: DeviceFile.open, then phase('partition'), then the wipe).
      if (next === 'partition' && identity) checkTargetIdentity(identity);
      phase = next;
      hooks.onPhase?.(next);
    },
  };
  if (identity) checkTargetIdentity(identity);
  const stale = await detachStaleWindows(request.target);
  if (stale.length) options.warn?.(`detached ${stale.join(', ')}: left attached to ${request.target} by a write that was killed`);
  const loopsBefore = new Set(await loopDevicesOver(request.target));
  // A step that failed because the stick was pulled out, or its image file's disk filled up, says
  // so in its own words: then the target itself is asked (DEVICE_GONE, TARGET_FULL).
  const asTargetFailure = await targetFailureMapper(request.target);
  try {
    try {
      return await writeStick(identity ? { ...request, expectedIdentity: identity } : request, tracked, signal);
    } finally {
      const leftovers = await detachLeftoverLoops(request.target, loopsBefore);
      if (leftovers.length) options.warn?.(`detached ${leftovers.join(', ')}, left attached to ${request.target} by an interrupted step`);
    }
  } catch (error) {
    if (signal.aborted) throw asCancelled(error, request.target, phase);
    throw await asTargetFailure(error);
  }
}
