// A user's cancel is always reported as CANCELLED, whatever the interrupted step failed with (a
// child program killed by the same Ctrl-C, a read cut short), and always with the state the
// target is left in. Shared by the CLI's `write` and the worker's write job.
import type { PhaseName } from '../../../shared/contract/events';
import { StickwrightError, type ErrorData } from '../../../shared/errors';

/**
 * Keeps what the engine said about the target's state (`targetTouched` in the error's data) —
 * or, if it said nothing, tells it from the phase reached (only the partition phase and later
 * write to the target).
 */
export function asCancelled(error: unknown, target: string, phase: PhaseName | null): StickwrightError {
  if (error instanceof StickwrightError && error.code === 'CANCELLED' && 'targetTouched' in error.data) return error;
  if (error instanceof StickwrightError && 'targetTouched' in error.data) return new StickwrightError('CANCELLED', error.detail, error.data, { cause: error });
  const detail = error instanceof StickwrightError && error.detail ? `${error.detail}; ` : '';
  const touched = phase !== null && phase !== 'preflight' && phase !== 'inspect';
  const where = touched ? `${target} is incomplete (no partition table) and must be written again` : `nothing was written to ${target}`;
  const data: ErrorData = { ...(error instanceof StickwrightError ? error.data : {}), targetTouched: touched };
  return new StickwrightError('CANCELLED', `${detail}${where}`, data, { cause: error });
}
