import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WriteLedger } from './writeLedger';

const ranges = (ledger: WriteLedger, from?: number) => ledger.final(from).map((e) => [e.offset, e.length]);

describe('WriteLedger', () => {
  it('keeps every write no later write touched, in device order, with the hash of its bytes', () => {
    const ledger = new WriteLedger();
    ledger.record(Buffer.from('bbbb'), 100);
    ledger.record(Buffer.from('aaaa'), 0);
    expect(ranges(ledger)).toEqual([[0, 4], [100, 4]]);
    expect(ledger.final()[0]?.digest).toEqual(createHash('sha256').update('aaaa').digest());
  });

  it('drops a write a later one overlapped, even by one byte, and keeps the later one', () => {
    const ledger = new WriteLedger();
    ledger.record(Buffer.alloc(1000), 0); // the wipe
    ledger.record(Buffer.alloc(10), 999); // overlaps its last byte
    ledger.record(Buffer.alloc(10), 2000);
    ledger.record(Buffer.alloc(10), 1009); // touches the second write but does not overlap it
    expect(ranges(ledger)).toEqual([[999, 10], [1009, 10], [2000, 10]]);
  });

  it('a range another program wrote makes what was recorded there stale, and is itself not checked', () => {
    const ledger = new WriteLedger();
    ledger.record(Buffer.alloc(512), 4096);
    ledger.record(Buffer.alloc(512), 8192);
    ledger.forget(4000, 1000); // mke2fs through a loop device
    ledger.record(Buffer.alloc(100), 4200); // our own write after it counts again
    expect(ranges(ledger)).toEqual([[4200, 100], [8192, 512]]);
  });

  it('final(mark) gives only what was written after the mark', () => {
    const ledger = new WriteLedger();
    ledger.record(Buffer.alloc(8), 0);
    const mark = ledger.mark();
    ledger.record(Buffer.alloc(8), 64);
    expect(ranges(ledger, mark)).toEqual([[64, 8]]);
  });

  it('merges many touching ranges without losing an overlap further on', () => {
    const ledger = new WriteLedger();
    for (let i = 0; i < 100; i += 1) ledger.record(Buffer.alloc(10), i * 10);
    ledger.record(Buffer.alloc(1), 505);
    const kept = ranges(ledger);
    expect(kept).toHaveLength(100);
    expect(kept).not.toContainEqual([500, 10]);
    expect(kept).toContainEqual([505, 1]);
  });
});
