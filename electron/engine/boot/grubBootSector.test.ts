import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GrubBiosError } from './grubBiosError';
import { patchGrubBootSector } from './grubBootSector';
import { mbrDisk, syntheticBootImg } from './testing/syntheticDisk';

const REAL_BOOT_IMG = '/usr/lib/grub/i386-pc/boot.img';

function sector0(): Buffer {
  const s = mbrDisk(512 * 4096, [{ type: 0x83, startLba: 2048, sectors: 2048, bootable: true }]).subarray(0, 512);
  // Something in the BPB range, as a FAT superfloppy or an old boot sector would have.
  s.write('BPB-BYTES-FROM-THE-DISK', 0x0b, 'latin1');
  return Buffer.from(s);
}

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof GrubBiosError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('patchGrubBootSector', () => {
  it('writes the core LBA, the boot drive and the NOPs at boot.h offsets, and keeps the disk signature and table', () => {
    const boot = syntheticBootImg();
    const disk = sector0();
    const out = patchGrubBootSector(boot, disk, 0x1_2345_6789);

    expect(out.length).toBe(512);
    expect(out.readBigUInt64LE(0x5c)).toBe(0x1_2345_6789n); // GRUB_BOOT_MACHINE_KERNEL_SECTOR
    expect(out[0x64]).toBe(0xff); // GRUB_BOOT_MACHINE_BOOT_DRIVE
    expect([...out.subarray(0x66, 0x68)]).toEqual([0x90, 0x90]); // GRUB_BOOT_MACHINE_DRIVE_CHECK
    expect(out.subarray(0x1b8, 0x1fe)).toEqual(disk.subarray(0x1b8, 0x1fe)); // NT magic … PART_END
    expect(out.readUInt32LE(0x1b8)).toBe(0xdeadbeef);
    expect(out.subarray(0x03, 0x5a)).toEqual(disk.subarray(0x03, 0x5a)); // BPB_START … BPB_END
    expect([...out.subarray(0x1fe)]).toEqual([0x55, 0xaa]);

    // Everything else is boot.img's own code.
    const patched = new Set<number>([...range(0x03, 0x5a), ...range(0x5c, 0x65), 0x66, 0x67, ...range(0x1b8, 0x1fe)]);
    for (let i = 0; i < 512; i++) if (!patched.has(i)) expect(out[i], `byte 0x${i.toString(16)}`).toBe(boot[i]);
  });

  it('does not modify its inputs', () => {
    const boot = syntheticBootImg();
    const disk = sector0();
    const bootCopy = Buffer.from(boot);
    const diskCopy = Buffer.from(disk);
    patchGrubBootSector(boot, disk, 1);
    expect(boot).toEqual(bootCopy);
    expect(disk).toEqual(diskCopy);
  });

  it('refuses a sector 0 without 55 AA, a boot.img of another shape and a core LBA of 0', () => {
    const noSig = sector0();
    noSig[0x1ff] = 0;
    expect(reasonOf(() => patchGrubBootSector(syntheticBootImg(), noSig, 1))).toBe('NO_MBR_SIGNATURE');
    expect(reasonOf(() => patchGrubBootSector(syntheticBootImg().subarray(0, 440), sector0(), 1))).toBe('BAD_BOOT_IMAGE');
    const noJmp = syntheticBootImg();
    noJmp[0x66] = 0x31;
    expect(reasonOf(() => patchGrubBootSector(noJmp, sector0(), 1))).toBe('BAD_BOOT_IMAGE');
    expect(reasonOf(() => patchGrubBootSector(syntheticBootImg(), sector0(), 0))).toBe('BAD_OPTION');
  });

  it.runIf(existsSync(REAL_BOOT_IMG))('patches the installed GRUB boot.img where boot.S has its fields', () => {
    const boot = readFileSync(REAL_BOOT_IMG);
    // The pristine image: kernel_sector = 1, boot_drive = 0xff, `jmp 3f` at the drive check.
    expect(boot.readBigUInt64LE(0x5c)).toBe(1n);
    expect(boot[0x64]).toBe(0xff);
    expect(boot[0x66]).toBe(0xeb);
    const out = patchGrubBootSector(boot, sector0(), 1);
    expect(out.readBigUInt64LE(0x5c)).toBe(1n);
    expect([...out.subarray(0x66, 0x68)]).toEqual([0x90, 0x90]);
    expect(out.subarray(0x1b8, 0x1fe)).toEqual(sector0().subarray(0x1b8, 0x1fe));
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
