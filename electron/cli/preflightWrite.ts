// Every check a write makes, made first and with no side effects (engine planRequest): `write`
// runs this before it asks "erase?" and before the engine starts, so a refusal leaves the target
// exactly as it was, and `--dry-run` is this and nothing else.
//
// With `--unmount` (allowMounted) the target's mounted filesystems are listed instead of refused:
// the write unmounts them after the question, and the engine's own preflight then checks the
// target again with nothing mounted.
import { StickwrightError } from '../../shared/errors';
import { planWrite } from '../../shared/plan/planWrite';
import type { StickPlan } from '../../shared/plan/stickPlan';
import { resolveTarget, type MountedPart, type ResolvedTarget } from '../engine/target/resolveTarget';
import { IsoImage } from '../engine/write/isoImage';
import { newStickIds } from '../engine/write/stickIds';
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
  if (options.allowMounted) {
    const target = await resolveTarget({ path: request.target, createSize: request.createSize, sourcePath: request.isoPath, mode: 'check', allowMounted: true });
    const mounted = target.mounted ?? [];
    // Nothing mounted: the engine's own checks, exactly as without --unmount.
    if (mounted.length) return { target, plan: await planMounted(request, target, signal), mounted };
  }
  const { iso, target, plan } = await planRequest(request, signal);
  await iso.close();
  return { target, plan, mounted: [] };
}

/** planRequest's plan for a target whose every other check has passed but which is mounted. */
async function planMounted(request: WriteRequest, target: ResolvedTarget, signal?: AbortSignal): Promise<StickPlan> {
  const iso = await IsoImage.open(request.isoPath, signal);
  try {
    const result = planWrite(iso.report, target.size, request.options, request.ids ?? newStickIds());
    if (!result.ok) {
      const [first, ...rest] = result.problems;
      if (!first) throw new Error('planner failed without a problem');
      const more = rest.length ? ` (also: ${rest.map((p) => p.code).join(', ')})` : '';
      throw new StickwrightError(first.code, `${first.message}${more}`, first.data);
    }
    if (result.plan.home?.encrypted && !request.homePassphrase?.length) {
      throw new StickwrightError('OPTIONS_CONFLICT', 'an encrypted home needs a passphrase (--passphrase-file)');
    }
    return result.plan;
  } finally {
    await iso.close();
  }
}
