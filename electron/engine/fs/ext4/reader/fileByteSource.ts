// A file inside an ext4 filesystem as a byte source: its block runs laid end to end, with holes
// and unwritten extents read as zeros — what the kernel returns for them.
import { checkRange, type ByteSource } from '../../../io/byteSource';
import type { BlockRun } from './blockMap';

export class Ext4FileByteSource implements ByteSource {
  /** Logical start byte of each run, for the binary search. */
  private readonly starts: number[];

  constructor(
    private readonly volume: ByteSource,
    private readonly blockSize: number,
    readonly runs: readonly BlockRun[],
    readonly size: number,
  ) {
    this.starts = runs.map((run) => run.logical * blockSize);
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length, this.size, 'file');
    const out = Buffer.alloc(length);
    const pending: Promise<void>[] = [];
    let index = this.runAtOrBefore(offset);
    let position = offset;
    const end = offset + length;
    while (position < end) {
      const run = index >= 0 ? this.runs[index] : undefined;
      const runStart = index >= 0 ? (this.starts[index] ?? 0) : 0;
      const runEnd = run ? runStart + run.length * this.blockSize : 0;
      if (run && position < runStart) {
        // A hole before this run: zeros up to where it starts.
        position = Math.min(end, runStart);
        continue;
      }
      if (!run || position >= runEnd) {
        // A hole up to the next run (or the end of the read): zeros are already in `out`.
        const nextStart = this.starts[index + 1] ?? end;
        position = Math.min(end, Math.max(position, nextStart));
        index += 1;
        continue;
      }
      const take = Math.min(end, runEnd) - position;
      if (!run.unwritten) {
        const at = position - offset;
        const physical = run.physical * this.blockSize + (position - runStart);
        pending.push(this.volume.read(physical, take).then((bytes) => void bytes.copy(out, at)));
      }
      position += take;
      index += 1;
    }
    await Promise.all(pending);
    return out;
  }

  /** Index of the last run starting at or before `offset`, or -1. */
  private runAtOrBefore(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }
}
