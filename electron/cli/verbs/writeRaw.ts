// stickwright write --raw --image FILE --target T [--target T2 …] [--size SIZE] [--no-verify]
//                   [--unmount] [--dry-run] [--yes] [--json]
//
// Raw mode (engine/raw/writeRaw.ts): the image byte for byte — hybrid ISOs, .img, FreeBSD
// memsticks — also .gz/.xz/.zst/.bz2/.zip, streamed (told by magic bytes). Several --target:
// one read of the image fanned out to all of them; a target that fails is dropped with its own
// error and the others finish. Order as in persistent mode: parse → every check (image, each
// target: system disk, holds the image, mounted, too small when the size is known) → ask once
// for all targets (unless --yes; refused without a terminal) → write. Each target's identity
// is compared again right before the first write.
//
// --json: NDJSON events (phase/progress/log carry `target`), ending with one `result` whose
// value lists every target's outcome — or one `error` when the write as a whole failed (a bad
// command line, a refused check, the image unreadable, a cancel). The exit status is 0 only
// when every target was written (and verified); otherwise the first failed target's.
import { createInterface } from 'node:readline/promises';
import type { PhaseName, WorkerEventBody } from '../../../shared/contract/events';
import { ERROR_CATALOG, StickwrightError, formatErrorLine, toErrorPayload, type ErrorPayload } from '../../../shared/errors';
import { formatBytes, parseSize } from '../../../shared/units';
import { asCancelled } from '../../engine/jobs/asCancelled';
import { checkRawWrite, writeRaw, type RawWriteResult } from '../../engine/raw/writeRaw';
import type { ResolvedTarget } from '../../engine/target/resolveTarget';
import { checkTargetIdentity, readTargetIdentity } from '../../engine/target/targetIdentity';
import { unmountTarget } from '../../engine/target/unmountTarget';
import type { ProgressSnapshot } from '../../engine/write/progressMeter';
import { parseVerbArgs } from '../parseVerbArgs';
import type { CliStreams } from '../verb';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

const PHASE_WORDS: Partial<Record<PhaseName, string>> = {
  preflight: 'Checking the image and the targets',
  partition: 'Clearing old partition tables',
  copy: 'Writing the image',
  flush: 'Flushing to the device',
  verify: 'Reading back and comparing',
};

export async function runWriteRaw(args: readonly string[], streams: CliStreams): Promise<number> {
  // --dry-run --json prints one document (main.ts prints a refusal as {ok:false,…}), as in persistent mode.
  const printer = new RawPrinter(streams.out, streams.err, args.includes('--json') && !args.includes('--dry-run'));
  try {
    return await writeRawCli(args, streams, printer);
  } catch (error) {
    if (!printer.json) throw error; // main.ts prints the one-line error
    return printer.fail(error);
  } finally {
    printer.stop();
  }
}

async function writeRawCli(args: readonly string[], { out, err }: CliStreams, printer: RawPrinter): Promise<number> {
  const { values, positionals } = parseVerbArgs('write --raw', args, {
    raw: { type: 'boolean', default: false },
    image: { type: 'string' },
    target: { type: 'string', multiple: true },
    size: { type: 'string' },
    yes: { type: 'boolean', default: false },
    unmount: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    'no-verify': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length) throw new StickwrightError('USAGE', `write --raw takes no positional arguments (got ${positionals.join(' ')})`);
  const targets = (values.target as string[] | undefined) ?? [];
  if (!values.image || !targets.length) throw new StickwrightError('USAGE', 'write --raw needs --image FILE and at least one --target');
  let createSize: number | undefined;
  if (values.size !== undefined) {
    const parsed = parseSize(String(values.size));
    if (parsed === null) throw new StickwrightError('USAGE', `--size ${String(values.size)} is not a size (e.g. 512M, 4G)`);
    createSize = parsed;
  }

  if (values['dry-run']) {
    const { image, targets: checked } = await checkRawWrite({ imagePath: String(values.image), targets, createSize, allowMounted: Boolean(values.unmount) });
    const described = checked.map((t) => ({ path: t.path, kind: t.kind, size: t.size, exists: t.exists, unmount: t.mounted ?? [] }));
    const { zip: _zip, ...imageFacts } = image;
    if (values.json) {
      out.write(`${JSON.stringify({ ok: true, mode: 'raw', image: imageFacts, targets: described }, null, 2)}\n`);
    } else {
      out.write(
        `Would write ${image.path} (${image.compression === 'none' ? 'not compressed' : image.compression}${image.entry ? `, entry ${image.entry}` : ''}; ${image.size === null ? 'decompressed size known only at the end' : formatBytes(image.size)}) byte for byte to:\n`,
      );
      for (const t of described) {
        out.write(`  ${t.path} (${t.kind === 'block' ? 'disk' : t.exists ? 'image file' : 'new image file'}, ${formatBytes(t.size)})${t.unmount.map((m) => `; would unmount ${m.source} from ${m.mountPoint} first`).join('')}\n`);
      }
      out.write('Nothing was written.\n');
    }
    return 0;
  }

  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      printer.warn(null, `${signal}: still stopping; the targets are being left in a known state`);
      return;
    }
    printer.warn(null, `${signal}: stopping at the next safe point`);
    abort.abort(new StickwrightError('CANCELLED', `${signal} received`));
  };
  // Kept installed to the end (see write.ts: execa's signal-exit must never re-raise one).
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  printer.whenClosed(() => abort.abort(new StickwrightError('CANCELLED', 'the output was closed')));
  let phase: PhaseName | null = null;
  try {
    phase = 'preflight';
    printer.phase(null, 'preflight');
    const checked = await checkRawWrite({ imagePath: String(values.image), targets, createSize, allowMounted: Boolean(values.unmount) }, abort.signal);
    const identities = checked.targets.map((t) => readTargetIdentity(t));
    const existing = checked.targets.filter((t) => t.exists);
    if (existing.length && !values.yes) await confirmErase(existing, err, abort);
    // --unmount (never implied by --yes): after the question, each target still the one checked.
    for (const [i, t] of checked.targets.entries()) {
      if (!t.mounted?.length) continue;
      const identity = identities[i];
      if (identity) checkTargetIdentity(identity);
      for (const m of t.mounted) printer.warn(t.path, `unmounting ${m.source} from ${m.mountPoint}`);
      await unmountTarget(t.path, t.mounted, abort.signal);
    }
    const image = checked.image;
    printer.log(
      null,
      `${image.path}: ${image.compression === 'none' ? 'not compressed' : image.compression}${image.entry ? ` (entry ${image.entry})` : ''}, ${image.size === null ? 'decompressed size unknown until the end' : formatBytes(image.size)}`,
    );
    phase = 'partition';
    const result = await writeRaw(
      checked,
      { verify: !values['no-verify'], identities },
      {
        onPhase: (target, p) => printer.phase(target, p),
        onProgress: (target, p) => printer.progress(target, p),
        onTargetFailed: (target, error) => printer.targetFailed(target, error),
        onLog: (message) => printer.log(null, message),
      },
      abort.signal,
    );
    return printer.result(result);
  } catch (error) {
    if (abort.signal.aborted) throw asCancelled(error, targets.join(', '), phase);
    throw error;
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  }
}

/** Without --yes: ask once for every target on a terminal; refuse in scripts. */
async function confirmErase(targets: readonly ResolvedTarget[], err: NodeJS.WritableStream, abort: AbortController): Promise<void> {
  const names = targets.map((t) => t.path).join(', ');
  if (!process.stdin.isTTY) throw new StickwrightError('CONFIRMATION_REQUIRED', `${names} would be erased; nothing was written`, { target: names });
  const rl = createInterface({ input: process.stdin, output: err as NodeJS.WritableStream & { isTTY?: boolean } });
  rl.on('SIGINT', () => abort.abort(new StickwrightError('CANCELLED', 'at the question')));
  try {
    for (const t of targets) {
      err.write(`  ${t.path} (${t.kind === 'block' ? 'disk' : 'image file'}, ${formatBytes(t.size)})\n`);
      for (const m of t.mounted ?? []) err.write(`    ${m.source} is mounted on ${m.mountPoint}: it will be unmounted first (--unmount).\n`);
    }
    const answer = await rl.question(`Everything on ${targets.length === 1 ? 'this target' : `these ${targets.length} targets`} will be erased. Type "yes" to go on: `, { signal: abort.signal });
    if (answer.trim().toLowerCase() !== 'yes') throw new StickwrightError('CONFIRMATION_REQUIRED', `not confirmed; ${names} untouched`, { target: names });
  } catch (error) {
    if (abort.signal.aborted) throw new StickwrightError('CANCELLED', `not confirmed; nothing was written to ${names}`, { target: names, targetTouched: false }, { cause: error });
    throw error;
  } finally {
    rl.close();
  }
}

/** Events (NDJSON, each with its target) or lines for people, for several targets at once. */
class RawPrinter {
  private closed = false;
  private onClosed: (() => void) | null = null;
  private current: PhaseName | null = null;
  private readonly lastLine = new Map<string, number>();
  private readonly phases = new Map<string, PhaseName>();

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly err: NodeJS.WritableStream,
    readonly json: boolean,
  ) {
    (json ? out : err).on('error', () => {
      if (this.closed) return;
      this.closed = true;
      this.onClosed?.();
    });
  }

  whenClosed(callback: () => void): void {
    this.onClosed = callback;
  }

  phase(target: string | null, phase: PhaseName): void {
    if (target === null) this.current = phase;
    else {
      this.phases.set(target, phase);
      // The whole write is as far as its slowest target.
      if (phase !== 'preflight') this.current = [...this.phases.values()].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[0] ?? phase;
    }
    if (this.json) this.emit({ type: 'phase', phase, ...(target ? { target } : {}) });
    else if (target === null || phase === 'copy' || phase === 'verify') this.line(`${target ? `${target}: ` : ''}${PHASE_WORDS[phase] ?? phase}…`);
  }

  progress(target: string, p: ProgressSnapshot): void {
    if (this.json) {
      this.emit({ type: 'progress', target, ...p });
      return;
    }
    if (p.bytesDone === 0) return;
    const now = Date.now();
    if (now - (this.lastLine.get(target) ?? 0) < 1000 && (p.bytesTotal === 0 || p.bytesDone < p.bytesTotal)) return;
    this.lastLine.set(target, now);
    const pct = p.bytesTotal ? `${Math.floor((100 * p.bytesDone) / p.bytesTotal)}% (${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}` : `${formatBytes(p.bytesDone)} (size known at the end`;
    const eta = p.eta === null ? '' : `, ${p.eta} s left`;
    this.line(`  ${target} ${p.phase === 'verify' ? 'verify ' : ''}${pct}, ${formatBytes(p.speed)}/s${eta})`);
  }

  targetFailed(target: string, error: ErrorPayload): void {
    if (this.json) this.emit({ type: 'log', level: 'warn', target, message: `${target} failed and was dropped: ${formatErrorLine(error.code, error.detail ?? undefined)}` });
    else this.line(`stickwright: ${target} failed and was dropped (the others go on): ${formatErrorLine(error.code, error.detail ?? undefined)}`);
  }

  log(target: string | null, message: string): void {
    if (this.json) this.emit({ type: 'log', level: 'info', message, ...(target ? { target } : {}) });
    else this.line(message);
  }

  warn(target: string | null, message: string): void {
    if (this.json) this.emit({ type: 'log', level: 'warn', message, ...(target ? { target } : {}) });
    else this.line(`stickwright: ${message}`);
  }

  /** The per-target summary; returns the exit status (0 only when every target succeeded). */
  result(result: RawWriteResult): number {
    const failed = result.targets.filter((t) => !t.ok);
    const firstFailure = failed[0];
    const exitCode = firstFailure && !firstFailure.ok ? ERROR_CATALOG[firstFailure.error.code].exitCode : 0;
    if (this.json) {
      this.emit({ type: 'result', value: { mode: 'raw', ok: failed.length === 0, ...result } });
      return exitCode;
    }
    const { image } = result;
    this.line(
      `${failed.length ? `Done with failures` : 'Done'} in ${(result.elapsedMs / 1000).toFixed(1)} s: ${image.path} (${image.compression === 'none' ? 'not compressed' : image.compression}${image.entry ? `, ${image.entry}` : ''}, ${formatBytes(image.bytes)}) to ${result.targets.length} target${result.targets.length === 1 ? '' : 's'}:`,
    );
    for (const t of result.targets) {
      if (t.ok) {
        this.line(
          `  ${t.target}: ok, ${formatBytes(t.bytesWritten)} written; ${t.verified ? `verified: ${formatBytes(t.verified.bytes)} read back${t.verified.direct ? '' : ' (through the page cache)'} match` : 'not verified (--no-verify)'}`,
        );
      } else {
        this.line(`  ${t.target}: FAILED ${formatErrorLine(t.error.code, t.error.detail ?? undefined)}`);
      }
    }
    return exitCode;
  }

  fail(error: unknown): number {
    const payload = toErrorPayload(error);
    if (this.closed) this.err.write(`stickwright: error ${formatErrorLine(payload.code, payload.detail ?? undefined)}\n`);
    else this.emit({ type: 'error', phase: this.current, error: payload });
    return ERROR_CATALOG[payload.code].exitCode;
  }

  stop(): void {}

  private emit(event: WorkerEventBody): void {
    if (this.closed) return;
    this.out.write(`${JSON.stringify({ v: 1, jobId: 'cli', ...event })}\n`);
  }

  private line(text: string): void {
    if (this.json || this.closed) return;
    this.err.write(`${text}\n`);
  }
}

const ORDER: readonly PhaseName[] = ['preflight', 'partition', 'copy', 'flush', 'verify'];
