import { describe, expect, it } from 'vitest';
import { encodeMbr } from './mbr';

describe('encodeMbr', () => {
  it('writes entries, signature and 0x55AA, keeping boot code', () => {
    const code = Buffer.alloc(440, 0x90);
    const mbr = encodeMbr(
      [
        { start: 4 * 2 ** 20, size: 100 * 2 ** 20, type: 0x83, bootable: true },
        { start: 104 * 2 ** 20, size: 32 * 2 ** 20, type: 0xef, bootable: false },
      ],
      0xc0ffee01,
      code,
    );
    expect(mbr.subarray(0, 440).equals(code)).toBe(true);
    expect(mbr.readUInt32LE(440)).toBe(0xc0ffee01);
    expect(mbr[446]).toBe(0x80);
    expect(mbr[450]).toBe(0x83);
    expect(mbr.readUInt32LE(454)).toBe(8192);
    expect(mbr.readUInt32LE(458)).toBe(204800);
    expect(mbr[462]).toBe(0);
    expect(mbr[466]).toBe(0xef);
    expect(mbr.readUInt32LE(470)).toBe(212992);
    expect(mbr.subarray(478, 510).every((b) => b === 0)).toBe(true);
    expect([mbr[510], mbr[511]]).toEqual([0x55, 0xaa]);
  });

  it('refuses what MBR cannot express', () => {
    expect(() => encodeMbr([{ start: 1, size: 512, type: 0x83, bootable: false }], 0)).toThrow(RangeError);
    expect(() => encodeMbr([{ start: 512, size: 2 ** 42, type: 0x83, bootable: false }], 0)).toThrow(/2 TiB/);
  });
});
