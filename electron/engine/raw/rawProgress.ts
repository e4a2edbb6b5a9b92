// Progress of one target of a raw write: bytes on the device, the rate over the last few
// seconds, and an ETA — also while the image's decompressed size is unknown (gzip, zstd,
// bzip2): then bytesTotal is 0 and the ETA comes from how far into the compressed file the
// read is (`fraction`), as etcher-sdk does. At most ten events a second. Pure.
import type { PhaseName } from '../../../shared/contract/events';
import type { ProgressSnapshot } from '../write/progressMeter';

const WINDOW_MS = 3000;
const MIN_INTERVAL_MS = 100;

export class RawMeter {
  private done = 0;
  private phase: PhaseName = 'copy';
  private lastEmit = -Infinity;
  private startedAt: number;
  private readonly samples: Array<{ at: number; done: number }> = [];

  constructor(
    /** The bytes this phase moves, or null while unknown. */
    private total: number | null,
    private readonly emit: (snapshot: ProgressSnapshot) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  /** A new phase (verify after copy) with its own total; the rate starts again. */
  enter(phase: PhaseName, total: number | null): void {
    this.phase = phase;
    this.total = total;
    this.done = 0;
    this.samples.length = 0;
    this.startedAt = this.now();
    this.report(true, null);
  }

  /** `bytesDone` so far; `fraction` (0-1) of the source read, for the ETA while total is unknown. */
  set(bytesDone: number, fraction: number | null = null, force = false): void {
    this.done = bytesDone;
    this.report(force, fraction);
  }

  private report(force: boolean, fraction: number | null): void {
    const at = this.now();
    this.samples.push({ at, done: this.done });
    while (this.samples.length > 2 && (this.samples[0]?.at ?? at) < at - WINDOW_MS) this.samples.shift();
    if (!force && at - this.lastEmit < MIN_INTERVAL_MS) return;
    this.lastEmit = at;
    const first = this.samples[0] ?? { at, done: this.done };
    const seconds = (at - first.at) / 1000;
    const speed = seconds > 0.2 ? Math.max(0, (this.done - first.done) / seconds) : 0;
    let eta: number | null = null;
    if (this.total !== null) {
      const left = Math.max(0, this.total - this.done);
      eta = left === 0 ? 0 : speed > 0 ? Math.round(left / speed) : null;
    } else if (fraction !== null && fraction > 0.01) {
      const elapsed = (at - this.startedAt) / 1000;
      eta = Math.max(0, Math.round((elapsed * (1 - Math.min(1, fraction))) / fraction));
    }
    this.emit({ phase: this.phase, bytesDone: this.done, bytesTotal: this.total ?? 0, speed: Math.round(speed), eta });
  }
}
