// How `write` talks while it works: NDJSON events on stdout with --json (the same WorkerEvent
// shapes the app's worker prints), or a progress line on stderr for people.
import type { PhaseName, WorkerEventBody } from '../../shared/contract/events';
import { ERROR_CATALOG, formatErrorLine, toErrorPayload } from '../../shared/errors';
import { formatBytes } from '../../shared/units';
import type { WriteHooks, WriteResult } from '../engine/write/writeStick';
import type { ProgressSnapshot } from '../engine/write/progressMeter';

const PHASE_WORDS: Readonly<Record<PhaseName, string>> = {
  preflight: 'Checking the image and the target',
  partition: 'Clearing old signatures',
  copy: 'Copying the live image',
  format: 'Making the filesystem',
  persist: 'Creating persistence',
  boot: 'Installing the boot loaders',
  flush: 'Flushing to the device',
  verify: 'Checking the filesystems',
  inspect: 'Reading the image',
};

export class ProgressPrinter {
  private lastLine = 0;
  /** A terminal progress line without its newline is on screen. */
  private midLine = false;
  private current: PhaseName | null = null;
  /** The stream we report on broke (EPIPE: the reader went away); nothing more goes there. */
  private closed = false;
  private onClosed: (() => void) | null = null;
  /** The target events are about, when one run writes several sticks (events carry it). */
  private target: string | null = null;
  readonly hooks: WriteHooks;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly err: NodeJS.WritableStream,
    /** NDJSON events on stdout, ending with exactly one `result` or `error` event. */
    readonly json: boolean,
  ) {
    // Without a listener a broken pipe is an uncaught 'error' event: a crash in mid-write.
    (json ? out : err).on('error', () => {
      if (this.closed) return;
      this.closed = true;
      this.onClosed?.();
    });
    const onPhase = (phase: PhaseName) => {
      // The CLI opens the preflight itself (its checks come before the engine's); the engine's
      // own announcement of the same phase is not a new phase.
      if (phase === this.current) return;
      this.current = phase;
      if (json) this.emit({ type: 'phase', phase });
      else this.line(`${PHASE_WORDS[phase]}…`);
    };
    this.hooks = json
      ? {
          onPhase,
          onProgress: (p) => this.emit({ type: 'progress', ...p }),
          onLog: (message) => this.emit({ type: 'log', level: 'info', message }),
        }
      : {
          onPhase,
          onProgress: (p) => this.progress(p),
          onLog: (message) => this.line(message),
        };
  }

  /** From now on events are about `target` (several sticks, one after the other); its phases
   *  start again from the first. */
  forTarget(target: string | null): void {
    this.target = target;
    this.current = null;
  }

  /** The phase last announced, or null before the first. */
  get phase(): PhaseName | null {
    return this.current;
  }

  /** Something the user should know now (a signal arrived): a warn log event, or a line. */
  warn(message: string): void {
    if (this.json) this.emit({ type: 'log', level: 'warn', message });
    else this.line(`stickwright: ${message}`);
  }

  /** Called once if the stream we report on breaks: whoever reads the progress has gone. */
  whenClosed(callback: () => void): void {
    this.onClosed = callback;
  }

  /** The failure as the stream's last event (or, if that stream broke, one line on stderr);
   *  returns the exit status that goes with it. */
  fail(error: unknown): number {
    const payload = toErrorPayload(error);
    if (this.closed) this.err.write(`stickwright: error ${formatErrorLine(payload.code, payload.detail ?? undefined)}\n`);
    else this.emit({ type: 'error', phase: this.current, error: payload });
    return ERROR_CATALOG[payload.code].exitCode;
  }

  private emit(event: WorkerEventBody): void {
    if (this.closed) return;
    const tagged = this.target !== null && event.type !== 'result' && event.type !== 'error' ? { ...event, target: this.target } : event;
    this.out.write(`${JSON.stringify({ v: 1, jobId: 'cli', ...tagged })}\n`);
  }

  /** What the `result` event says about a written stick. */
  resultValue(result: WriteResult) {
    const { plan, ...rest } = result;
    return { ...rest, partitions: plan.partitions, persistence: plan.persistence, home: plan.home, entries: plan.boot.entries };
  }

  /** The end of a run of several sticks: one `result` event with every target's outcome. */
  emitResult(value: unknown): void {
    this.emit({ type: 'result', value });
  }

  result(result: WriteResult, options: { readonly emit?: boolean } = {}): void {
    if (this.json) {
      if (options.emit !== false) this.emit({ type: 'result', value: this.resultValue(result) });
      return;
    }
    const [live] = result.plan.partitions;
    this.line(`Done in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.target} holds the live partition "${live.label}" (${live.fs}, ${live.uuid}) and an EFI system partition.`);
    if (result.sourceChecksum) this.line(`The ISO matched ${result.sourceChecksum.source} (${result.sourceChecksum.algorithm.toUpperCase()}) before anything was written.`);
    this.line(
      result.verified
        ? `Verified: ${formatBytes(result.verified.bytes)} read back from the stick${result.verified.direct ? '' : ' (through the page cache)'} match what was written; fsck found no errors.`
        : 'Not verified (--no-verify).',
    );
  }

  /** Leaves the terminal on a fresh line, for whatever main.ts prints next. */
  stop(): void {
    if (this.midLine) this.err.write('\n');
    this.midLine = false;
  }

  private progress(p: ProgressSnapshot): void {
    if (this.closed || p.bytesDone === 0) return;
    const now = Date.now();
    if (now - this.lastLine < 1000 && p.bytesDone < p.bytesTotal) return;
    this.lastLine = now;
    const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 0;
    const eta = p.eta === null ? '' : `, ${p.eta} s left`;
    const text = `  ${pct}% (${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}, ${formatBytes(p.speed)}/s${eta})`;
    if ((this.err as { isTTY?: boolean }).isTTY) {
      this.err.write(`\r\x1b[2K${text}`);
      this.midLine = true;
    } else {
      this.err.write(`${text}\n`);
    }
  }

  private line(text: string): void {
    if (this.json || this.closed) return;
    // On a terminal a progress line may still be there: clear it (ESC [2K) and write over it.
    this.err.write(`${this.midLine ? '\r\x1b[2K' : ''}${text}\n`);
    this.midLine = false;
  }
}
