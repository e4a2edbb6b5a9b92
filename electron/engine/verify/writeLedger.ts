// What the pipeline wrote through DeviceFile: each write's range and the SHA-256 of its bytes,
// hashed as they go by (the same pass as the copy), so the verify phase can read the device
// back and compare without a second read of the source.
import { createHash } from 'node:crypto';

export interface LedgerEntry {
  readonly offset: number;
  readonly length: number;
  readonly digest: Buffer;
}

interface Write {
  readonly offset: number;
  readonly length: number;
  /** null: written by another program (mke2fs through a loop device, say); not checkable here. */
  readonly digest: Buffer | null;
}

export class WriteLedger {
  private readonly entries: Write[] = [];

  record(buffer: Uint8Array, offset: number): void {
    if (buffer.length === 0) return;
    this.entries.push({ offset, length: buffer.length, digest: createHash('sha256').update(buffer).digest() });
  }

  /** A range something else wrote: what the ledger holds for it is stale from now on. */
  forget(offset: number, length: number): void {
    if (length > 0) this.entries.push({ offset, length, digest: null });
  }

  /** A position in the ledger: `since(mark)` gives what was written after it. */
  mark(): number {
    return this.entries.length;
  }

  /**
   * The writes whose bytes are still on the device as written — no later write overlapped them
   * (a later overlapping write makes the earlier hash stale; the later one is checked instead) —
   * in device order. From `from` (a mark) on only, when given.
   */
  final(from = 0): LedgerEntry[] {
    const covered = new IntervalSet();
    const kept: LedgerEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0; i -= 1) {
      const entry = this.entries[i] as Write;
      const end = entry.offset + entry.length;
      if (i >= from && entry.digest && !covered.intersects(entry.offset, end)) kept.push({ offset: entry.offset, length: entry.length, digest: entry.digest });
      covered.add(entry.offset, end);
    }
    return kept.sort((a, b) => a.offset - b.offset);
  }
}

/** Disjoint half-open ranges, kept sorted and merged. */
class IntervalSet {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** Index of the first range that ends after `at`. */
  private firstEndingAfter(at: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ends[mid] as number) <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  intersects(start: number, end: number): boolean {
    const i = this.firstEndingAfter(start);
    return i < this.starts.length && (this.starts[i] as number) < end;
  }

  add(start: number, end: number): void {
    // Ranges that touch or overlap [start, end) merge into one.
    let i = this.firstEndingAfter(start - 1);
    let j = i;
    let s = start;
    let e = end;
    while (j < this.starts.length && (this.starts[j] as number) <= end) {
      s = Math.min(s, this.starts[j] as number);
      e = Math.max(e, this.ends[j] as number);
      j += 1;
    }
    if (i > this.starts.length) i = this.starts.length;
    this.starts.splice(i, j - i, s);
    this.ends.splice(i, j - i, e);
  }
}
