import { describe, expect, it } from 'vitest';
import { createHash, randomFillSync } from 'node:crypto';
import { SegmentHasher } from './segmentHasher';

describe('SegmentHasher', () => {
  it('hashes chunks of shared memory per segment, off the main thread, in order', async () => {
    const memory = new SharedArrayBuffer(64 * 1024);
    const all = Buffer.from(memory);
    randomFillSync(all);
    const hasher = new SegmentHasher(memory);
    try {
      const hashed: number[] = [];
      // Segment 0: three 8 KiB chunks; segment 1: one 16 KiB chunk and a short one.
      const pieces: Array<[number, number, number]> = [
        [0, 0, 8192],
        [0, 8192, 8192],
        [0, 16384, 8192],
        [1, 32768, 16384],
        [1, 49152, 100],
      ];
      pieces.forEach(([segment, at, length], i) => hasher.add(segment, all.subarray(at, at + length), () => hashed.push(i)));
      const [first, second] = await Promise.all([hasher.finish(0), hasher.finish(1)]);
      expect(first).toEqual(createHash('sha256').update(all.subarray(0, 24576)).digest());
      expect(second).toEqual(createHash('sha256').update(all.subarray(32768, 49252)).digest());
      expect(hashed).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await hasher.close();
    }
  });

  it('refuses memory that is not the shared one', async () => {
    const hasher = new SegmentHasher(new SharedArrayBuffer(4096));
    try {
      expect(() => hasher.add(0, Buffer.alloc(10), () => undefined)).toThrow();
    } finally {
      await hasher.close();
    }
  });
});
