// How `write` talks while it works: NDJSON events on stdout with --json (the same WorkerEvent
// shapes the app's worker prints), or a progress line on stderr for people.
import type { PhaseName, WorkerEventBody } from '../../shared/contract/events';
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
  readonly hooks: WriteHooks;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly err: NodeJS.WritableStream,
    private readonly json: boolean,
  ) {
    const emit = (event: WorkerEventBody) => this.out.write(`${JSON.stringify({ v: 1, jobId: 'cli', ...event })}\n`);
    this.hooks = json
      ? {
          onPhase: (phase) => emit({ type: 'phase', phase }),
          onProgress: (p) => emit({ type: 'progress', ...p }),
          onLog: (message) => emit({ type: 'log', level: 'info', message }),
        }
      : {
          onPhase: (phase) => this.line(`${PHASE_WORDS[phase]}…`),
          onProgress: (p) => this.progress(p),
          onLog: (message) => this.line(message),
        };
  }

  result(result: WriteResult): void {
    if (this.json) {
      const { plan, ...rest } = result;
      this.out.write(`${JSON.stringify({ v: 1, jobId: 'cli', type: 'result', value: { ...rest, partitions: plan.partitions, persistence: plan.persistence, home: plan.home, entries: plan.boot.entries } })}\n`);
      return;
    }
    const [live] = result.plan.partitions;
    this.line(`Done in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.target} holds a ${live.fs} live partition "${live.label}" (${live.uuid}) and an EFI system partition.`);
  }

  stop(): void {
    if (!this.json && (this.err as { isTTY?: boolean }).isTTY) this.err.write('\n');
  }

  private progress(p: ProgressSnapshot): void {
    const now = Date.now();
    if (now - this.lastLine < 1000 && p.bytesDone < p.bytesTotal) return;
    this.lastLine = now;
    const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 0;
    const eta = p.eta === null ? '' : `, ${p.eta} s left`;
    const text = `  ${pct}% (${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}, ${formatBytes(p.speed)}/s${eta})`;
    if ((this.err as { isTTY?: boolean }).isTTY) this.err.write(`\r${text.padEnd(70)}`);
    else this.err.write(`${text}\n`);
  }

  private line(text: string): void {
    if (this.json) return;
    this.err.write(`${(this.err as { isTTY?: boolean }).isTTY ? '\r' : ''}${text}\n`);
  }
}
