// Why GRUB's BIOS boot code could not be built or placed. The write pipeline maps these onto its
// own error codes (shared/errors.ts); the reason and data say exactly what was refused.

export type GrubBiosFailure =
  /** grub-mkimage or the i386-pc module directory is not installed. */
  | 'GRUB_TOOLS_MISSING'
  /** A module asked for is not in the module directory. */
  | 'GRUB_MODULE_MISSING'
  /** grub-mkimage ran and failed. */
  | 'MKIMAGE_FAILED'
  /** An option is malformed (a UUID or path GRUB's script syntax cannot carry safely, a bad LBA). */
  | 'BAD_OPTION'
  /** boot.img is not the 512-byte GRUB i386-pc boot sector we know how to patch. */
  | 'BAD_BOOT_IMAGE'
  /** The buffer is not an i386-pc core.img (diskboot's block list is not where it should be). */
  | 'BAD_CORE_IMAGE'
  /** core.img does not fit between the MBR and the first partition (or GRUB's own limit). */
  | 'CORE_TOO_LARGE'
  /** Sector 0 does not end in 0x55AA: there is no partition table to keep. */
  | 'NO_MBR_SIGNATURE'
  /** The area core.img would take overlaps a partition. */
  | 'AREA_OVERLAPS_PARTITION'
  /** The area core.img would take overlaps the GPT header or its entry array, or the GPT is unreadable. */
  | 'AREA_OVERLAPS_GPT'
  /** Reading back what was written gave different bytes. */
  | 'VERIFY_FAILED';

export type GrubBiosErrorData = Readonly<Record<string, string | number | boolean | null>>;

export class GrubBiosError extends Error {
  constructor(
    readonly reason: GrubBiosFailure,
    message: string,
    readonly data: GrubBiosErrorData = {},
    options?: { cause?: unknown },
  ) {
    super(`${reason}: ${message}`, options);
    this.name = 'GrubBiosError';
  }
}
