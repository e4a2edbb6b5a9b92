// With the host's GRUB (grub-common + grub-pc-bin): real core images, placed on disks in memory.
// Skipped where GRUB for i386-pc is not installed; the QEMU boots are in e2e/grub-bios.test.ts.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { installGrubBios } from './grubBios';
import { GrubBiosError } from './grubBiosError';
import { buildGrubCoreImage } from './grubCoreImage';
import { checkGrubCoreImage, readDiskbootBlocklist } from './grubCoreEmbedding';
import { locateGrubMkimage, locateGrubPcModuleDir } from './grubPcTools';
import { grubReedSolomonIsConsistent } from './grubReedSolomon';
import { bufferSink, mbrDisk, syntheticCoreImg } from './testing/syntheticDisk';

const haveGrub = existsSync('/usr/lib/grub/i386-pc/boot.img') && (existsSync('/usr/bin/grub-mkimage') || existsSync('/usr/bin/grub2-mkimage'));

async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GrubBiosError) return error.reason;
    throw error;
  }
  return undefined;
}

describe.runIf(haveGrub)('buildGrubCoreImage with the installed GRUB', () => {
  for (const fsModule of ['ext2', 'fat', 'f2fs'] as const) {
    it(`builds a ${fsModule} core that fits the 1 MiB gap and installs onto a disk`, async () => {
      const core = await buildGrubCoreImage({
        fsModule,
        partitionTable: 'msdos',
        rootUuid: '0123abcd-0000-4000-8000-00000000beef',
        configPath: '/boot/grub2/grub.cfg',
        firstPartitionLba: 2048,
      });
      checkGrubCoreImage(core);
      // grub-mkimage sets diskboot's default list: sectors 2… (core at LBA 1), all but the first.
      expect(readDiskbootBlocklist(core)).toEqual([{ start: 2, len: Math.ceil(core.length / 512) - 1, segment: 0x820 }]);
      // Kernel, modules and early config are lzma-compressed: only the size is checked here.
      expect(core.length).toBeGreaterThan(64 * 1024);
      expect(core.length).toBeLessThan(400 * 1024);

      const disk = mbrDisk(4 * 1024 * 1024, [{ type: 0x83, startLba: 2048, sectors: 6144 }]);
      const result = await installGrubBios(bufferSink(disk), { coreImage: core, firstPartitionLba: 2048 });
      expect(result.coreLba).toBe(1);
      expect(result.embedSectors).toBe(2 * result.coreSectors);
      const noRs = disk.readUInt16LE(512 + 512 + 0x14);
      const dataStart = 512 + 512 + noRs;
      expect(grubReedSolomonIsConsistent(disk, dataStart, 512 + core.length - dataStart, result.redundancyBytes)).toBe(true);
    });
  }

  it('refuses a gap too small for the core, and a module GRUB does not have', async () => {
    const base = { fsModule: 'ext2', partitionTable: 'msdos', rootUuid: '1234-ABCD', configPath: '/boot/grub2/grub.cfg' } as const;
    expect(await reasonOf(buildGrubCoreImage({ ...base, firstPartitionLba: 63 }))).toBe('CORE_TOO_LARGE');
    expect(await reasonOf(buildGrubCoreImage({ ...base, firstPartitionLba: 2048, extraModules: ['no_such_module'] }))).toBe('GRUB_MODULE_MISSING');
  });

  it('refuses to pair the module directory’s boot.img with a core.img of another GRUB build', async () => {
    const disk = mbrDisk(2 * 1024 * 1024, [{ type: 0x83, startLba: 2048, sectors: 1000 }]);
    const sink = bufferSink(disk);
    expect(await reasonOf(installGrubBios(sink, { coreImage: syntheticCoreImg(20), firstPartitionLba: 2048 }))).toBe('BAD_CORE_IMAGE');
    expect(sink.writes).toEqual([]);
  });

  it('finds the tools and says what to install when they are not there', async () => {
    expect(await locateGrubMkimage()).toMatch(/grub2?-mkimage$/);
    expect(await locateGrubPcModuleDir()).toMatch(/i386-pc$/);
    expect(await reasonOf(locateGrubMkimage({ searchPath: ['/nonexistent'] }))).toBe('GRUB_TOOLS_MISSING');
    expect(await reasonOf(locateGrubPcModuleDir('/nonexistent/i386-pc'))).toBe('GRUB_TOOLS_MISSING');
    expect(
      await reasonOf(
        buildGrubCoreImage({
          fsModule: 'ext2',
          partitionTable: 'msdos',
          rootUuid: '1234-ABCD',
          configPath: '/boot/grub2/grub.cfg',
          firstPartitionLba: 2048,
          tools: { mkimage: '/bin/false', moduleDir: '/usr/lib/grub/i386-pc' },
        }),
      ),
    ).toBe('MKIMAGE_FAILED');
  });
});
