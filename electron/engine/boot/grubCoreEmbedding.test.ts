import { describe, expect, it } from 'vitest';
import { GrubBiosError } from './grubBiosError';
import { checkGrubCoreImage, embedGrubCore, embeddingAreaSectors, readDiskbootBlocklist } from './grubCoreEmbedding';
import { grubReedSolomonIsConsistent } from './grubReedSolomon';
import { syntheticCoreImg } from './testing/syntheticDisk';

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof GrubBiosError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('embeddingAreaSectors', () => {
  it('leaves the sector before the partition free (msdos.c end - 2) and caps at setup.c’s 888 sectors', () => {
    expect(embeddingAreaSectors(1, 63)).toBe(61);
    expect(embeddingAreaSectors(1, 2048)).toBe(888);
    expect(embeddingAreaSectors(1, 2)).toBe(0);
    expect(reasonOf(() => embeddingAreaSectors(0, 2048))).toBe('BAD_OPTION');
    expect(reasonOf(() => embeddingAreaSectors(1, 1.5))).toBe('BAD_OPTION');
  });
});

describe('embedGrubCore', () => {
  it('points diskboot’s block list at the sectors after the first, pads with zeros, and adds no RS when asked not to', () => {
    const core = syntheticCoreImg(20, 100);
    const out = embedGrubCore(core, { coreLba: 1, areaSectors: 2046, reedSolomon: false });

    expect(out.coreSectors).toBe(21);
    expect(out.embedSectors).toBe(21);
    expect(out.redundancyBytes).toBe(0);
    expect(out.image.length).toBe(21 * 512);
    // diskboot.S firstlist at 0x200 - 12: start (u64), len (u16), segment (u16); terminator below.
    expect(out.image.readBigUInt64LE(0x1f4)).toBe(2n);
    expect(out.image.readUInt16LE(0x1fc)).toBe(20);
    expect(out.image.readUInt16LE(0x1fe)).toBe(0x820);
    expect(out.image.subarray(0x1e8, 0x1f4).every((b) => b === 0)).toBe(true);
    expect(readDiskbootBlocklist(out.image)).toEqual([{ start: 2, len: 20, segment: 0x820 }]);
    // The kernel is untouched (its RS redundancy field stays 0), the padding is zero.
    expect(out.image.subarray(512, core.length)).toEqual(core.subarray(512));
    expect(out.image.subarray(core.length).every((b) => b === 0)).toBe(true);
    expect(out.image.subarray(0, 0x1e8)).toEqual(core.subarray(0, 0x1e8));
  });

  it('starts the block list at coreLba + 1 wherever the core goes', () => {
    const out = embedGrubCore(syntheticCoreImg(8), { coreLba: 2048, areaSectors: 100, reedSolomon: false });
    expect(readDiskbootBlocklist(out.image)).toEqual([{ start: 2049, len: 7, segment: 0x820 }]);
  });

  it('adds Reed-Solomon redundancy after the core up to twice its size, as grub-install does', () => {
    const core = syntheticCoreImg(30, 77, 0x75b);
    const out = embedGrubCore(core, { coreLba: 1, areaSectors: 2046 });
    const dataStart = 512 + 0x75b;

    expect(out.embedSectors).toBe(62);
    expect(out.redundancyBytes).toBe(62 * 512 - core.length);
    expect(out.image.readUInt32LE(512 + 0x10)).toBe(out.redundancyBytes); // GRUB_KERNEL_I386_PC_REED_SOLOMON_REDUNDANCY
    expect(readDiskbootBlocklist(out.image)).toEqual([{ start: 2, len: 61, segment: 0x820 }]);
    // The protected data itself is unchanged, the code words check out, and damage shows.
    expect(out.image.subarray(dataStart, core.length)).toEqual(core.subarray(dataStart));
    expect(grubReedSolomonIsConsistent(out.image, dataStart, core.length - dataStart, out.redundancyBytes)).toBe(true);
    const damaged = Buffer.from(out.image);
    damaged[5000] = (damaged[5000] ?? 0) ^ 0x40;
    expect(grubReedSolomonIsConsistent(damaged, dataStart, core.length - dataStart, out.redundancyBytes)).toBe(false);
  });

  it('fits the redundancy to a smaller area', () => {
    const out = embedGrubCore(syntheticCoreImg(30), { coreLba: 1, areaSectors: 40 });
    expect(out.embedSectors).toBe(40);
    expect(out.redundancyBytes).toBe(10 * 512);
  });

  it('refuses a core that does not fit, and says by how much', () => {
    let error: unknown;
    try {
      embedGrubCore(syntheticCoreImg(100), { coreLba: 1, areaSectors: 61 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GrubBiosError);
    expect((error as GrubBiosError).reason).toBe('CORE_TOO_LARGE');
    expect((error as GrubBiosError).data).toMatchObject({ coreSectors: 100, capacitySectors: 61, coreLba: 1 });
  });

  it('refuses something that is not an i386-pc core image', () => {
    expect(reasonOf(() => checkGrubCoreImage(Buffer.alloc(512)))).toBe('BAD_CORE_IMAGE');
    const wrongSegment = syntheticCoreImg(4);
    wrongSegment.writeUInt16LE(0x7c0, 0x1fe);
    expect(reasonOf(() => checkGrubCoreImage(wrongSegment))).toBe('BAD_CORE_IMAGE');
    const mismatch = syntheticCoreImg(4, 0, 0xffff);
    expect(reasonOf(() => checkGrubCoreImage(mismatch))).toBe('BAD_CORE_IMAGE');
  });

  it('does not modify the core image it was given', () => {
    const core = syntheticCoreImg(10);
    const copy = Buffer.from(core);
    embedGrubCore(core, { coreLba: 5, areaSectors: 100 });
    expect(core).toEqual(copy);
  });
});
