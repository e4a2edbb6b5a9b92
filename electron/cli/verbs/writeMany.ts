// `stickwright write --iso X --target A --target B …` (persistent mode, several sticks): the
// same pipeline as one stick (engine/write/writeStick.ts through guardedWrite), run for each
// target ONE AFTER THE OTHER — not concurrently: the pipeline stages and builds filesystems
// through loop devices and external tools per stick, and two at once would only compete for
// the same source disk and CPU. Each stick gets its own ids (UUIDs, labels' suffixes), its own
// checks and its own outcome; a stick that fails does not stop the ones after it.
//
// Order: every target checked first (preflightWrite; one refusal refuses the run, nothing
// written anywhere) → one question for all (unless --yes) → per target: its identity compared
// again, unmounted if --unmount, written. --json: the events of each target carry `target`,
// and the run ends with ONE `result` event listing every target's outcome. The exit status is
// 0 only when every stick was written; otherwise the first failed target's.
import { createInterface } from 'node:readline/promises';
import { ERROR_CATALOG, StickwrightError, formatErrorLine, toErrorPayload, type ErrorPayload } from '../../../shared/errors';
import type { StickPlan } from '../../../shared/plan/stickPlan';
import { formatBytes } from '../../../shared/units';
import { asCancelled } from '../../engine/jobs/asCancelled';
import { guardedWrite } from '../../engine/jobs/guardedWrite';
import type { MountedPart, ResolvedTarget } from '../../engine/target/resolveTarget';
import { checkTargetIdentity, readTargetIdentity, type TargetIdentity } from '../../engine/target/targetIdentity';
import { unmountTarget } from '../../engine/target/unmountTarget';
import { newStickIds } from '../../engine/write/stickIds';
import type { WriteRequest } from '../../engine/write/writeStick';
import { formatStickPlan } from '../formatStickPlan';
import { preflightWrite } from '../preflightWrite';
import type { ProgressPrinter } from '../progressPrinter';
import type { CliStreams } from '../verb';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface ManyOptions {
  readonly allowMounted: boolean;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
}

interface Checked {
  readonly request: WriteRequest;
  readonly target: ResolvedTarget;
  readonly plan: StickPlan;
  readonly mounted: readonly MountedPart[];
  readonly identity: TargetIdentity | null;
}

type Outcome = { readonly target: string; readonly ok: true; readonly result: unknown } | { readonly target: string; readonly ok: false; readonly error: ErrorPayload };

export async function writeMany(base: WriteRequest, targets: readonly string[], options: ManyOptions, { out, err }: CliStreams, printer: ProgressPrinter): Promise<number> {
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) return printer.warn(`${signal}: still stopping; the target is being left in a known state`);
    printer.warn(`${signal}: stopping at the next safe point`);
    abort.abort(new StickwrightError('CANCELLED', `${signal} received`));
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  printer.whenClosed(() => abort.abort(new StickwrightError('CANCELLED', 'the output was closed')));
  let current: string = targets.join(', ');
  try {
    if (!options.dryRun) printer.hooks.onPhase?.('preflight');
    // Every stick checked before anything is asked or written; each with its own ids.
    const checked: Checked[] = [];
    for (const path of targets) {
      const request: WriteRequest = { ...base, target: path, ids: newStickIds() };
      const { target, plan, mounted } = await preflightWrite(request, abort.signal, { allowMounted: options.allowMounted });
      const twin = checked.find((c) => c.target.path === target.path || (c.target.device !== null && c.target.device === target.device));
      if (twin) throw new StickwrightError('OPTIONS_CONFLICT', `${path} names the same target as ${twin.target.path}`, { path: target.path });
      checked.push({ request, target, plan, mounted, identity: readTargetIdentity(target) });
    }
    if (options.dryRun) {
      if (options.json) {
        out.write(`${JSON.stringify({ ok: true, targets: checked.map((c) => ({ target: { path: c.target.path, kind: c.target.kind, size: c.target.size, exists: c.target.exists, unmount: c.mounted }, plan: c.plan })) }, null, 2)}\n`);
      } else {
        for (const c of checked) out.write(`${c.target.path}:\n${formatStickPlan(c.plan, c.target)}${c.mounted.map((m) => `Would unmount ${m.source} from ${m.mountPoint} first (--unmount).\n`).join('')}\n`);
      }
      return 0;
    }
    const existing = checked.filter((c) => c.target.exists);
    if (existing.length && !options.yes) await confirmErase(existing, err, abort);

    const outcomes: Outcome[] = [];
    for (const c of checked) {
      if (abort.signal.aborted) break;
      current = c.target.path;
      printer.forTarget(c.target.path);
      try {
        if (c.mounted.length) {
          if (c.identity) checkTargetIdentity(c.identity);
          for (const m of c.mounted) printer.warn(`unmounting ${m.source} from ${m.mountPoint}`);
          await unmountTarget(c.target.path, c.mounted, abort.signal);
        }
        const request: WriteRequest = !c.target.exists ? c.request : { ...c.request, target: c.target.path, ...(c.target.kind === 'block' ? { expectedSize: c.target.size } : {}) };
        printer.hooks.onPhase?.('preflight');
        const result = await guardedWrite(request, printer.hooks, abort.signal, { warn: (message) => printer.warn(message), phase: printer.phase, expectedIdentity: c.identity });
        printer.result(result, { emit: false });
        outcomes.push({ target: c.target.path, ok: true, result: printer.resultValue(result) });
      } catch (error) {
        if (abort.signal.aborted) throw asCancelled(error, c.target.path, printer.phase);
        const payload = toErrorPayload(error);
        printer.warn(`${c.target.path} failed (the next stick is written all the same): ${formatErrorLine(payload.code, payload.detail ?? undefined)}`);
        outcomes.push({ target: c.target.path, ok: false, error: payload });
      }
    }
    printer.forTarget(null);
    const failed = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    if (options.json) printer.emitResult({ mode: 'persistent', ok: failed.length === 0, targets: outcomes });
    else {
      err.write(`${failed.length ? 'Done with failures' : 'Done'}: ${outcomes.length} stick${outcomes.length === 1 ? '' : 's'}, one after the other:\n`);
      for (const o of outcomes) err.write(o.ok ? `  ${o.target}: ok\n` : `  ${o.target}: FAILED ${formatErrorLine(o.error.code, o.error.detail ?? undefined)}\n`);
    }
    const first = failed[0];
    return first ? ERROR_CATALOG[first.error.code].exitCode : 0;
  } catch (error) {
    printer.forTarget(null);
    if (abort.signal.aborted) throw asCancelled(error, current, printer.phase);
    throw error;
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  }
}

/** Without --yes: one question for every stick on a terminal; refused in scripts. */
async function confirmErase(checked: readonly Checked[], err: NodeJS.WritableStream, abort: AbortController): Promise<void> {
  const names = checked.map((c) => c.target.path).join(', ');
  if (!process.stdin.isTTY) throw new StickwrightError('CONFIRMATION_REQUIRED', `${names} would be erased; nothing was written`, { target: names });
  const rl = createInterface({ input: process.stdin, output: err as NodeJS.WritableStream & { isTTY?: boolean } });
  rl.on('SIGINT', () => abort.abort(new StickwrightError('CANCELLED', 'at the question')));
  try {
    for (const c of checked) {
      err.write(`  ${c.target.path} (${c.target.kind === 'block' ? 'disk' : 'image file'}, ${formatBytes(c.target.size)})\n`);
      for (const m of c.mounted) err.write(`    ${m.source} is mounted on ${m.mountPoint}: it will be unmounted first (--unmount).\n`);
    }
    const answer = await rl.question(`Everything on these ${checked.length} sticks will be erased; they are written one after the other. Type "yes" to go on: `, { signal: abort.signal });
    if (answer.trim().toLowerCase() !== 'yes') throw new StickwrightError('CONFIRMATION_REQUIRED', `not confirmed; ${names} untouched`, { target: names });
  } catch (error) {
    if (abort.signal.aborted) throw new StickwrightError('CANCELLED', `not confirmed; nothing was written to ${names}`, { target: names, targetTouched: false }, { cause: error });
    throw error;
  } finally {
    rl.close();
  }
}
