// Every check a write makes, made first and with no side effects (engine planRequest): `write`
// runs this before it asks "erase?" and before the engine starts, so a refusal leaves the target
// exactly as it was, and `--dry-run` is this and nothing else.
import type { StickPlan } from '../../shared/plan/stickPlan';
import type { ResolvedTarget } from '../engine/target/resolveTarget';
import { planRequest, type WriteRequest } from '../engine/write/writeStick';

export interface CheckedWrite {
  readonly target: ResolvedTarget;
  readonly plan: StickPlan;
}

export async function preflightWrite(request: WriteRequest, signal?: AbortSignal): Promise<CheckedWrite> {
  const { iso, target, plan } = await planRequest(request, signal);
  await iso.close();
  return { target, plan };
}
