// GRUB's boot.img turned into the stick's MBR exactly as grub-bios-setup does it (util/setup.c,
// GRUB_SETUP_BIOS): GRUB's code, the disk's own BPB bytes, disk signature and partition table.
// Pure; installGrubBios reads sector 0 and writes the result back.
import { GrubBiosError } from './grubBiosError';
import { BOOT_DRIVE_FROM_BIOS, BOOT_IMG, JMP_SHORT, MBR_SIGNATURE_OFFSET, NOP, SECTOR_BYTES } from './grubBiosLayout';

export function hasMbrSignature(sector: Uint8Array): boolean {
  return sector.length >= SECTOR_BYTES && sector[MBR_SIGNATURE_OFFSET] === 0x55 && sector[MBR_SIGNATURE_OFFSET + 1] === 0xaa;
}

/** boot.img as GRUB ships it: 512 bytes, jumps over the BPB, a drive-check jump at 0x66, 55 AA. */
export function checkGrubBootImage(bootImg: Uint8Array): void {
  const drive = [bootImg[BOOT_IMG.driveCheck], bootImg[BOOT_IMG.driveCheck + 1]];
  const driveCheckKnown = drive[0] === JMP_SHORT || (drive[0] === NOP && drive[1] === NOP);
  if (bootImg.length !== SECTOR_BYTES || bootImg[0] !== JMP_SHORT || !driveCheckKnown || !hasMbrSignature(bootImg)) {
    throw new GrubBiosError(
      'BAD_BOOT_IMAGE',
      'boot.img is not a 512-byte GRUB i386-pc boot sector (jmp at 0, drive-check jmp at 0x66, 55 AA at 510)',
      { bytes: bootImg.length },
    );
  }
}

/**
 * The new sector 0: boot.img with
 * - bytes 0x03–0x59 (a possible FAT BPB) taken from the disk ("Copy the possible DOS BPB", setup.c);
 * - the drive-check `jmp` at 0x66 replaced by two NOPs, as setup.c does for anything that is
 *   not a floppy: buggy BIOSes pass %dl = 0x00/0x01 for a USB hard disk, and boot.S then uses
 *   0x80 (boot.S `boot_drive_check`);
 * - boot_drive at 0x64 = 0xff (use the BIOS's %dl) and kernel_sector at 0x5c = LE64 `coreLba`
 *   (setup.c write_rootdev());
 * - bytes 0x1b8–0x1fd (disk signature, 2 reserved bytes, four partition entries) from the disk
 *   ("Copy the partition table", setup.c).
 */
export function patchGrubBootSector(bootImg: Uint8Array, currentSector0: Uint8Array, coreLba: number): Buffer {
  checkGrubBootImage(bootImg);
  if (currentSector0.length !== SECTOR_BYTES || !hasMbrSignature(currentSector0)) {
    throw new GrubBiosError('NO_MBR_SIGNATURE', 'sector 0 does not end in 55 AA: write the partition table first', {});
  }
  if (!Number.isSafeInteger(coreLba) || coreLba < 1) {
    throw new GrubBiosError('BAD_OPTION', `coreLba must be a whole sector number ≥ 1, not ${coreLba}`, { coreLba });
  }
  const out = Buffer.from(bootImg);
  out.set(currentSector0.subarray(BOOT_IMG.bpbStart, BOOT_IMG.bpbEnd), BOOT_IMG.bpbStart);
  out[BOOT_IMG.driveCheck] = NOP;
  out[BOOT_IMG.driveCheck + 1] = NOP;
  out[BOOT_IMG.bootDrive] = BOOT_DRIVE_FROM_BIOS;
  out.writeBigUInt64LE(BigInt(coreLba), BOOT_IMG.kernelSector);
  out.set(currentSector0.subarray(BOOT_IMG.windowsNtMagic, BOOT_IMG.partEnd), BOOT_IMG.windowsNtMagic);
  return out;
}
