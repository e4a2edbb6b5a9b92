// Every check a write makes, made first and with no side effects (engine planRequest): `write`
// runs this before it asks "erase?" and before the engine starts, so a refusal leaves the target
// exactly as it was, and `--dry-run` is this and nothing else.
//
// With `--unmount` (allowMounted) the target's mounted filesystems are listed instead of refused:
// the write unmounts them after the question, and the engine's own preflight then checks the
// target again with nothing mounted.
import type { StickPlan } from '../../shared/plan/stickPlan';
import type { MountedPart, ResolvedTarget } from '../engine/target/resolveTarget';
import { planRequest, type WriteRequest } from '../engine/write/writeStick';

export interface CheckedWrite {
  readonly target: ResolvedTarget;
  readonly plan: StickPlan;
  /** What must be unmounted first (only ever non-empty with allowMounted). */
  readonly mounted: readonly MountedPart[];
}

export interface PreflightOptions {
  /** The user agreed to unmount the target's filesystems (`--unmount`). */
  readonly allowMounted?: boolean;
}

export async function preflightWrite(request: WriteRequest, signal?: AbortSignal, options: PreflightOptions = {}): Promise<CheckedWrite> {
  const { iso, target, plan } = await planRequest({ ...request, allowMounted: options.allowMounted ?? false }, signal);
  await iso.close();
  return { target, plan, mounted: target.mounted ?? [] };
}
