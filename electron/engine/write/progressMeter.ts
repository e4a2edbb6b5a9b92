// Turns "n more bytes are on the device" into progress events: bytes done of the job's total,
// the rate over the last few seconds, and an ETA — at most ten events a second. The writer only
// reports bytes once they are on the device (after its flushes), so 100 % means done.
import type { PhaseName } from '../../../shared/contract/events';

export interface ProgressSnapshot {
  readonly phase: PhaseName;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly speed: number;
  readonly eta: number | null;
}

const WINDOW_MS = 3000;
const MIN_INTERVAL_MS = 100;

export class ProgressMeter {
  private done = 0;
  private phase: PhaseName = 'preflight';
  private lastEmit = 0;
  private lastEmitted = -1;
  private readonly samples: Array<{ at: number; done: number }> = [];

  constructor(
    readonly total: number,
    private readonly emit: (snapshot: ProgressSnapshot) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  enter(phase: PhaseName): void {
    this.phase = phase;
    this.report(true);
  }

  advance(bytes: number): void {
    this.done = Math.min(this.total, this.done + bytes);
    this.report(false);
  }

  /** Sets the absolute figure (for work measured from outside, e.g. a tool's device writes). */
  set(bytesDone: number): void {
    this.done = Math.min(this.total, Math.max(this.done, bytesDone));
    this.report(false);
  }

  get bytesDone(): number {
    return this.done;
  }

  private report(force: boolean): void {
    const at = this.now();
    this.samples.push({ at, done: this.done });
    while (this.samples.length > 2 && (this.samples[0]?.at ?? at) < at - WINDOW_MS) this.samples.shift();
    if (!force && (this.done === this.lastEmitted || (at - this.lastEmit < MIN_INTERVAL_MS && this.done < this.total))) return;
    this.lastEmit = at;
    this.lastEmitted = this.done;
    const first = this.samples[0] ?? { at, done: this.done };
    const seconds = (at - first.at) / 1000;
    const speed = seconds > 0.2 ? Math.max(0, (this.done - first.done) / seconds) : 0;
    const left = this.total - this.done;
    this.emit({
      phase: this.phase,
      bytesDone: this.done,
      bytesTotal: this.total,
      speed: Math.round(speed),
      eta: left === 0 ? 0 : speed > 0 ? Math.round(left / speed) : null,
    });
  }
}
