import { describe, expect, it } from 'vitest';
import { BIOS_BOOT_PARTITION_GUID } from './embeddingArea';
import { installGrubBios } from './grubBios';
import { GrubBiosError } from './grubBiosError';
import { readDiskbootBlocklist } from './grubCoreEmbedding';
import { bufferSink, gptDisk, mbrDisk, syntheticBootImg, syntheticCoreImg } from './testing/syntheticDisk';

const MIB = 1024 * 1024;
const LINUX_GUID = '0fc63daf-8483-4772-8e79-3d69d8477de4';

async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GrubBiosError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('installGrubBios on an MBR disk', () => {
  it('writes core.img at LBA 1 and boot.img over the MBR code, keeping signature and table', async () => {
    const disk = mbrDisk(4 * MIB, [{ type: 0x83, startLba: 2048, sectors: 6144, bootable: true }]);
    disk.fill(0xa5, 2048 * 512, 2049 * 512); // the partition's first sector
    const before = Buffer.from(disk);
    const core = syntheticCoreImg(40, 300);
    const boot = syntheticBootImg();
    const sink = bufferSink(disk);

    const result = await installGrubBios(sink, { coreImage: core, firstPartitionLba: 2048, bootImage: boot });

    expect(result).toEqual({ partitionTable: 'msdos', coreLba: 1, coreSectors: 41, embedSectors: 82, redundancyBytes: 82 * 512 - core.length });
    // Core first, MBR last (util/setup.c order), then nothing else.
    expect(sink.writes).toEqual([
      { offset: 512, length: 82 * 512 },
      { offset: 0, length: 512 },
    ]);
    expect(disk.readBigUInt64LE(0x5c)).toBe(1n);
    expect(disk.subarray(0x1b8, 0x200)).toEqual(before.subarray(0x1b8, 0x200));
    expect(disk.subarray(0x68, 0x1b8)).toEqual(boot.subarray(0x68, 0x1b8));
    expect(readDiskbootBlocklist(disk.subarray(512, 1024))).toEqual([{ start: 2, len: 81, segment: 0x820 }]);
    expect(disk.subarray(512 + 0x200, 512 + 0x200 + 0x10)).toEqual(core.subarray(0x200, 0x210));
    // Nothing from the end of the area on was touched (Buffer.equals: toEqual is slow on MiBs).
    expect(disk.subarray(83 * 512).equals(before.subarray(83 * 512))).toBe(true);
  });

  it('writes only the core when Reed-Solomon is off', async () => {
    const disk = mbrDisk(2 * MIB, [{ type: 0x0c, startLba: 2048, sectors: 2048 }]);
    const result = await installGrubBios(bufferSink(disk), {
      coreImage: syntheticCoreImg(10),
      firstPartitionLba: 2048,
      bootImage: syntheticBootImg(),
      reedSolomon: false,
    });
    expect(result.embedSectors).toBe(10);
    expect(result.redundancyBytes).toBe(0);
    expect(disk.subarray(11 * 512, 2048 * 512).every((b) => b === 0)).toBe(true);
  });

  it('refuses a disk without 55 AA and writes nothing', async () => {
    const disk = mbrDisk(MIB, [{ type: 0x83, startLba: 2048, sectors: 10 }]);
    disk[511] = 0;
    const sink = bufferSink(disk);
    expect(await reasonOf(installGrubBios(sink, { coreImage: syntheticCoreImg(10), firstPartitionLba: 2048, bootImage: syntheticBootImg() }))).toBe(
      'NO_MBR_SIGNATURE',
    );
    expect(sink.writes).toEqual([]);
  });

  it('refuses a core that does not fit before the first partition', async () => {
    const disk = mbrDisk(MIB, [{ type: 0x83, startLba: 63, sectors: 1000 }]);
    const sink = bufferSink(disk);
    expect(await reasonOf(installGrubBios(sink, { coreImage: syntheticCoreImg(80), firstPartitionLba: 63, bootImage: syntheticBootImg() }))).toBe(
      'CORE_TOO_LARGE',
    );
    expect(sink.writes).toEqual([]);
  });

  it('believes the table over the caller: a partition inside the gap stops it', async () => {
    const disk = mbrDisk(2 * MIB, [
      { type: 0x83, startLba: 2048, sectors: 1000 },
      { type: 0x0c, startLba: 40, sectors: 8 },
    ]);
    const sink = bufferSink(disk);
    expect(await reasonOf(installGrubBios(sink, { coreImage: syntheticCoreImg(30), firstPartitionLba: 2048, bootImage: syntheticBootImg() }))).toBe(
      'AREA_OVERLAPS_PARTITION',
    );
    expect(sink.writes).toEqual([]);
  });

  it('notices a device that does not keep what was written', async () => {
    const disk = mbrDisk(2 * MIB, [{ type: 0x83, startLba: 2048, sectors: 1000 }]);
    const sink = bufferSink(disk, { dropWrites: true });
    expect(await reasonOf(installGrubBios(sink, { coreImage: syntheticCoreImg(10), firstPartitionLba: 2048, bootImage: syntheticBootImg() }))).toBe(
      'VERIFY_FAILED',
    );
  });
});

describe('installGrubBios on a GPT disk', () => {
  it('puts core.img into the BIOS boot partition and keeps the protective MBR', async () => {
    const disk = gptDisk(4 * MIB, [
      { typeGuid: BIOS_BOOT_PARTITION_GUID, firstLba: 34, lastLba: 2047 },
      { typeGuid: LINUX_GUID, firstLba: 2048, lastLba: 8000 },
    ]);
    const before = Buffer.from(disk);
    const result = await installGrubBios(bufferSink(disk), { coreImage: syntheticCoreImg(20), firstPartitionLba: 2048, bootImage: syntheticBootImg() });
    expect(result).toMatchObject({ partitionTable: 'gpt', coreLba: 34, coreSectors: 20, embedSectors: 40 });
    expect(disk.readBigUInt64LE(0x5c)).toBe(34n);
    expect(readDiskbootBlocklist(disk.subarray(34 * 512, 35 * 512))).toEqual([{ start: 35, len: 39, segment: 0x820 }]);
    // Protective MBR entry, GPT header and entries untouched.
    expect(disk.subarray(0x1b8, 34 * 512).equals(before.subarray(0x1b8, 34 * 512))).toBe(true);
  });

  it('refuses a GPT disk without a BIOS boot partition unless told where to put the core', async () => {
    const disk = gptDisk(4 * MIB, [{ typeGuid: LINUX_GUID, firstLba: 2048, lastLba: 8000 }]);
    expect(await reasonOf(installGrubBios(bufferSink(disk), { coreImage: syntheticCoreImg(20), firstPartitionLba: 2048, bootImage: syntheticBootImg() }))).toBe(
      'AREA_OVERLAPS_GPT',
    );
    expect(
      await reasonOf(installGrubBios(bufferSink(disk), { coreImage: syntheticCoreImg(20), firstPartitionLba: 2048, coreLba: 1, bootImage: syntheticBootImg() })),
    ).toBe('AREA_OVERLAPS_GPT');
    const result = await installGrubBios(bufferSink(disk), { coreImage: syntheticCoreImg(20), firstPartitionLba: 2048, coreLba: 64, bootImage: syntheticBootImg() });
    expect(result.coreLba).toBe(64);
  });

  it('refuses a protective MBR whose GPT is damaged', async () => {
    const disk = gptDisk(4 * MIB, [{ typeGuid: BIOS_BOOT_PARTITION_GUID, firstLba: 34, lastLba: 2047 }]);
    disk[512 + 40] = (disk[512 + 40] ?? 0) ^ 1; // header CRC no longer matches
    expect(await reasonOf(installGrubBios(bufferSink(disk), { coreImage: syntheticCoreImg(20), firstPartitionLba: 2048, bootImage: syntheticBootImg() }))).toBe(
      'AREA_OVERLAPS_GPT',
    );
  });
});
