// Where GRUB's i386-pc boot code keeps the fields grub-bios-setup patches. Every number is from
// GRUB 2.06/2.12 and cites the file that defines it; the images themselves (boot.img,
// diskboot.img + kernel) come from the installed GRUB, we only patch these fields.

/** GRUB_DISK_SECTOR_SIZE (include/grub/disk.h). boot.img and diskboot assume 512-byte sectors. */
export const SECTOR_BYTES = 512;

/** Offsets inside boot.img, i.e. the MBR (include/grub/i386/pc/boot.h). */
export const BOOT_IMG = {
  /** GRUB_BOOT_MACHINE_BPB_START / _END: room for a FAT BPB, jumped over by boot.S. */
  bpbStart: 0x03,
  bpbEnd: 0x5a,
  /** GRUB_BOOT_MACHINE_KERNEL_SECTOR: 64-bit LE LBA of core.img's first sector (boot.S `kernel_sector`). */
  kernelSector: 0x5c,
  /** GRUB_BOOT_MACHINE_BOOT_DRIVE: 0xff = use the drive the BIOS passed in %dl (boot.S `boot_drive`). */
  bootDrive: 0x64,
  /** GRUB_BOOT_MACHINE_DRIVE_CHECK: a 2-byte `jmp 3f` that grub-setup turns into two NOPs (boot.S `boot_drive_check`). */
  driveCheck: 0x66,
  /** GRUB_BOOT_MACHINE_WINDOWS_NT_MAGIC: the disk signature; from here to PART_END belongs to the disk, not to GRUB. */
  windowsNtMagic: 0x1b8,
  /** GRUB_BOOT_MACHINE_PART_START / _END: the four MBR partition entries. */
  partStart: 0x1be,
  partEnd: 0x1fe,
} as const;

/** x86 `jmp rel8` (0xEB) that boot.S assembles at DRIVE_CHECK; `nop` is 0x90 (util/setup.c). */
export const JMP_SHORT = 0xeb;
export const NOP = 0x90;

/** boot.S `boot_drive: .byte 0xff` — util/setup.c write_rootdev() sets it to 0xff again. */
export const BOOT_DRIVE_FROM_BIOS = 0xff;

/** MBR signature 0x55 0xAA at 510 (GRUB_BOOT_MACHINE_SIGNATURE 0xaa55, little-endian). */
export const MBR_SIGNATURE_OFFSET = 0x1fe;

/**
 * diskboot.S keeps its block list at the end of core.img's first sector and walks it
 * downwards: entry = { start: u64 LBA, len: u16 sectors, segment: u16 } (12 bytes,
 * GRUB_BOOT_MACHINE_LIST_SIZE in boot.h; struct grub_pc_bios_boot_blocklist). The first entry is
 * at 0x200 - 12 (diskboot.S `firstlist`); a zero `len` ends the list.
 */
export const BLOCKLIST_ENTRY_BYTES = 12;
export const FIRST_BLOCKLIST_OFFSET = SECTOR_BYTES - BLOCKLIST_ENTRY_BYTES;

/**
 * GRUB_BOOT_I386_PC_KERNEL_SEG (include/grub/offsets.h): diskboot sits at 0x800:0; the rest of
 * core.img is loaded right after it, at segment 0x820 (diskboot.S `blocklist_default_seg`,
 * util/setup.c `current_segment`).
 */
export const KERNEL_SEG = 0x800;
export const FIRST_LOAD_SEGMENT = KERNEL_SEG + (SECTOR_BYTES >> 4);

/**
 * Fields of the kernel (startup_raw.S) that follow diskboot, relative to core.img's second
 * sector (include/grub/offsets.h): GRUB_KERNEL_I386_PC_REED_SOLOMON_REDUNDANCY (u32) and
 * GRUB_KERNEL_I386_PC_NO_REED_SOLOMON_LENGTH (u16, the part the RS code does not cover).
 */
export const KERNEL_RS_REDUNDANCY = 0x10;
export const KERNEL_NO_RS_LENGTH = 0x14;

/**
 * util/setup.c caps the embedded area at (0x78000 - GRUB_KERNEL_I386_PC_LINK_ADDR) / 512
 * sectors: diskboot loads everything below 0x78000, and the kernel links at 0x9000.
 */
export const KERNEL_LINK_ADDR = 0x9000;
export const MAX_EMBED_SECTORS = (0x78000 - KERNEL_LINK_ADDR) / SECTOR_BYTES;

/** MBR partition entries: 16 bytes at 0x1be; type at +4, start LBA (u32) at +8, sectors (u32) at +12. */
export const MBR_ENTRY_BYTES = 16;
/** GRUB_PC_PARTITION_TYPE_GPT_DISK (include/grub/msdos_partition.h): a protective MBR. */
export const MBR_TYPE_GPT_PROTECTIVE = 0xee;
