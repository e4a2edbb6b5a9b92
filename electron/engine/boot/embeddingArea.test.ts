import { describe, expect, it } from 'vitest';
import { BIOS_BOOT_PARTITION_GUID, checkEmbeddingArea, isProtectiveMbr, readMbrEntries, type GptLayout } from './embeddingArea';
import { GrubBiosError } from './grubBiosError';
import { mbrDisk } from './testing/syntheticDisk';

const LINUX_GUID = '0fc63daf-8483-4772-8e79-3d69d8477de4';

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof GrubBiosError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('readMbrEntries', () => {
  it('lists the used primary entries with their types and LBAs', () => {
    const disk = mbrDisk(1 << 20, [
      { type: 0x0c, startLba: 2048, sectors: 100 },
      { type: 0, startLba: 0, sectors: 0 },
      { type: 0x83, startLba: 4096, sectors: 0 }, // no length: unused
      { type: 0xef, startLba: 3000, sectors: 50 },
    ]);
    expect(readMbrEntries(disk.subarray(0, 512))).toEqual([
      { index: 1, type: 0x0c, startLba: 2048, sectors: 100 },
      { index: 4, type: 0xef, startLba: 3000, sectors: 50 },
    ]);
  });
});

describe('checkEmbeddingArea', () => {
  const mbr = [{ index: 1, type: 0x83, startLba: 2048, sectors: 10_000 }];

  it('accepts the gap before the first partition and refuses anything reaching into a partition', () => {
    expect(() => checkEmbeddingArea(mbr, null, 1, 2047)).not.toThrow();
    expect(reasonOf(() => checkEmbeddingArea(mbr, null, 1, 2048))).toBe('AREA_OVERLAPS_PARTITION');
    const early = [{ index: 2, type: 0x0c, startLba: 63, sectors: 100 }, ...mbr];
    expect(reasonOf(() => checkEmbeddingArea(early, null, 1, 400))).toBe('AREA_OVERLAPS_PARTITION');
  });

  it('refuses a disk without partitions and a protective MBR without a GPT', () => {
    expect(reasonOf(() => checkEmbeddingArea([], null, 1, 10))).toBe('AREA_OVERLAPS_PARTITION');
    const protective = [{ index: 1, type: 0xee, startLba: 1, sectors: 1_000_000 }];
    expect(isProtectiveMbr(protective)).toBe(true);
    expect(reasonOf(() => checkEmbeddingArea(protective, null, 40, 10))).toBe('AREA_OVERLAPS_GPT');
  });

  describe('on GPT', () => {
    const protective = [{ index: 1, type: 0xee, startLba: 1, sectors: 1_000_000 }];
    const gpt: GptLayout = {
      entriesLba: 2,
      entriesSectors: 32,
      partitions: [
        { index: 1, typeGuid: BIOS_BOOT_PARTITION_GUID, firstLba: 34, lastLba: 2047 },
        { index: 2, typeGuid: LINUX_GUID, firstLba: 2048, lastLba: 900_000 },
      ],
    };

    it('accepts the inside of a BIOS boot partition', () => {
      expect(() => checkEmbeddingArea(protective, gpt, 34, 2014)).not.toThrow();
    });

    it('refuses the GPT header, the entry array, and spilling out of the BIOS boot partition', () => {
      expect(reasonOf(() => checkEmbeddingArea(protective, gpt, 1, 10))).toBe('AREA_OVERLAPS_GPT');
      expect(reasonOf(() => checkEmbeddingArea(protective, gpt, 30, 10))).toBe('AREA_OVERLAPS_GPT');
      expect(reasonOf(() => checkEmbeddingArea(protective, gpt, 2000, 100))).toBe('AREA_OVERLAPS_PARTITION');
    });

    it('refuses any other partition type in the way', () => {
      const noBiosBoot: GptLayout = { ...gpt, partitions: [{ index: 1, typeGuid: LINUX_GUID, firstLba: 40, lastLba: 9000 }] };
      expect(reasonOf(() => checkEmbeddingArea(protective, noBiosBoot, 34, 10))).toBe('AREA_OVERLAPS_PARTITION');
      expect(() => checkEmbeddingArea(protective, noBiosBoot, 34, 6)).not.toThrow();
    });
  });
});
