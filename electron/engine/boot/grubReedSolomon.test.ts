import { describe, expect, it } from 'vitest';
import { addGrubReedSolomon, grubReedSolomonIsConsistent } from './grubReedSolomon';

function pseudoRandom(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('GRUB Reed-Solomon encoder', () => {
  // Sizes like a real core.img (≈170 KiB protected, as much redundancy) run through several
  // MAX_BLOCK_SIZE blocks; the small ones stay in one block and leave columns without redundancy.
  for (const [data, redundancy] of [
    [1000, 300],
    [512 * 20 + 17, 512 * 20 + 495],
    [171_000, 172_000],
    [90_000, 5_000],
  ] as const) {
    it(`makes every code word of ${data} + ${redundancy} bytes check out and leaves the data alone`, () => {
      const offset = 1883; // like 512 + no_rs_length
      const buf = Buffer.concat([pseudoRandom(offset + data, data), Buffer.alloc(redundancy)]);
      const before = Buffer.from(buf.subarray(0, offset + data));
      addGrubReedSolomon(buf, offset, data, redundancy);
      expect(buf.subarray(0, offset + data)).toEqual(before);
      expect(buf.subarray(offset + data).some((b) => b !== 0)).toBe(true);
      expect(grubReedSolomonIsConsistent(buf, offset, data, redundancy)).toBe(true);

      const damaged = Buffer.from(buf);
      // Column 10 of the first sector: covered whatever the sizes (columns past redundancy % 512
      // of a block have no redundancy byte, reed_solomon.c encode_block()).
      damaged[offset + 10] = (damaged[offset + 10] ?? 0) ^ 1;
      expect(grubReedSolomonIsConsistent(damaged, offset, data, redundancy)).toBe(false);
    });
  }

  it('does nothing without redundancy and refuses a range outside the buffer', () => {
    const buf = pseudoRandom(4096, 7);
    const copy = Buffer.from(buf);
    addGrubReedSolomon(buf, 0, 4096, 0);
    expect(buf).toEqual(copy);
    expect(() => addGrubReedSolomon(buf, 0, 4000, 200)).toThrow(RangeError);
  });

  it('is deterministic', () => {
    const a = Buffer.concat([pseudoRandom(50_000, 3), Buffer.alloc(20_000)]);
    const b = Buffer.from(a);
    addGrubReedSolomon(a, 0, 50_000, 20_000);
    addGrubReedSolomon(b, 0, 50_000, 20_000);
    expect(a).toEqual(b);
  });
});
