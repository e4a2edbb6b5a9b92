// core.img as grub-bios-setup embeds it in the gap after the MBR (util/setup.c, the embedding
// branch): padded to whole sectors, diskboot's block list pointing at the sectors after the
// first, and optionally the rest of the area filled with Reed-Solomon redundancy. Pure: bytes
// in, bytes out; installGrubBios does the I/O.
import { GrubBiosError } from './grubBiosError';
import {
  BLOCKLIST_ENTRY_BYTES,
  FIRST_BLOCKLIST_OFFSET,
  FIRST_LOAD_SEGMENT,
  KERNEL_NO_RS_LENGTH,
  KERNEL_RS_REDUNDANCY,
  MAX_EMBED_SECTORS,
  SECTOR_BYTES,
} from './grubBiosLayout';
import { addGrubReedSolomon } from './grubReedSolomon';

export interface EmbeddedGrubCore {
  /** What to write at `coreLba`: `embedSectors` whole sectors. */
  readonly image: Buffer;
  readonly coreLba: number;
  /** Sectors of core.img itself (diskboot included). */
  readonly coreSectors: number;
  /** Sectors diskboot loads: core.img plus the Reed-Solomon redundancy. */
  readonly embedSectors: number;
  readonly redundancyBytes: number;
}

export interface BlocklistEntry {
  start: number;
  len: number;
  segment: number;
}

function checkLba(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new GrubBiosError('BAD_OPTION', `${name} must be a whole sector number ≥ 1, not ${value}`, { [name]: value });
  }
}

/**
 * Sectors core.img (with redundancy) may take from `coreLba` on. GRUB 2.12's msdos embedding
 * (grub-core/partmap/msdos.c, `*nsectors = end - 2`) leaves the sector right before the first
 * partition unused, and util/setup.c caps the area at (0x78000 - 0x9000) / 512 sectors.
 */
export function embeddingAreaSectors(coreLba: number, firstPartitionLba: number): number {
  checkLba('coreLba', coreLba);
  checkLba('firstPartitionLba', firstPartitionLba);
  return Math.max(0, Math.min(firstPartitionLba - 1 - coreLba, MAX_EMBED_SECTORS));
}

/** diskboot's block list, first entry first (diskboot.S walks it downwards from `firstlist`). */
export function readDiskbootBlocklist(core: Uint8Array): BlocklistEntry[] {
  const sector = Buffer.from(core.buffer, core.byteOffset, Math.min(core.length, SECTOR_BYTES));
  const entries: BlocklistEntry[] = [];
  for (let offset = FIRST_BLOCKLIST_OFFSET; offset >= 0; offset -= BLOCKLIST_ENTRY_BYTES) {
    if (offset + BLOCKLIST_ENTRY_BYTES > sector.length) break;
    const len = sector.readUInt16LE(offset + 8);
    if (len === 0) break;
    entries.push({ start: Number(sector.readBigUInt64LE(offset)), len, segment: sector.readUInt16LE(offset + 10) });
  }
  return entries;
}

/** What grub-mkimage makes for i386-pc: diskboot.img first, its default block list loading at 0x820. */
export function checkGrubCoreImage(core: Uint8Array): void {
  if (core.length < 2 * SECTOR_BYTES) {
    throw new GrubBiosError('BAD_CORE_IMAGE', `a core image of ${core.length} bytes is too small`, { bytes: core.length });
  }
  const buf = Buffer.from(core.buffer, core.byteOffset, core.length);
  // grub-mkimage (util/mkimage.c) asserts this segment before writing diskboot.img.
  const segment = buf.readUInt16LE(FIRST_BLOCKLIST_OFFSET + 10);
  if (segment !== FIRST_LOAD_SEGMENT) {
    throw new GrubBiosError(
      'BAD_CORE_IMAGE',
      `diskboot's first block list entry loads at segment 0x${segment.toString(16)}, not 0x${FIRST_LOAD_SEGMENT.toString(16)}: not an i386-pc core.img`,
      { segment },
    );
  }
  // util/setup.c: 0xffff here means "core.img version mismatch".
  const noRsLength = buf.readUInt16LE(SECTOR_BYTES + KERNEL_NO_RS_LENGTH);
  if (noRsLength === 0xffff || SECTOR_BYTES + noRsLength > core.length) {
    throw new GrubBiosError('BAD_CORE_IMAGE', `the kernel's no-Reed-Solomon length 0x${noRsLength.toString(16)} is not usable`, {
      noRsLength,
    });
  }
}

export interface EmbedGrubCoreOptions {
  coreLba: number;
  /** Sectors free from `coreLba` on (see embeddingAreaSectors); core.img and its redundancy stay inside. */
  areaSectors: number;
  /** Fill the rest of the area (up to twice core.img) with GRUB's Reed-Solomon code, as grub-install does. Default true. */
  reedSolomon?: boolean;
}

/** The bytes to write at `coreLba`, patched as grub-bios-setup does for an embedded core. */
export function embedGrubCore(core: Uint8Array, options: EmbedGrubCoreOptions): EmbeddedGrubCore {
  checkGrubCoreImage(core);
  const { coreLba } = options;
  checkLba('coreLba', coreLba);
  if (!Number.isSafeInteger(options.areaSectors) || options.areaSectors < 0) {
    throw new GrubBiosError('BAD_OPTION', `areaSectors must be a whole number of sectors, not ${options.areaSectors}`, {
      areaSectors: options.areaSectors,
    });
  }
  const capacity = Math.min(options.areaSectors, MAX_EMBED_SECTORS);
  const coreSectors = Math.ceil(core.length / SECTOR_BYTES);
  if (coreSectors > capacity) {
    throw new GrubBiosError(
      'CORE_TOO_LARGE',
      `core.img takes ${coreSectors} sectors but only ${capacity} are usable from LBA ${coreLba} on`,
      { coreSectors, capacitySectors: capacity, coreLba },
    );
  }
  // util/setup.c: maxsec = 2 * core_sectors with add_rs_codes, then whatever the gap allows.
  const embedSectors = options.reedSolomon === false ? coreSectors : Math.min(2 * coreSectors, capacity);

  // "Round up to the nearest sector boundary, and zero the extra memory" (setup.c).
  const image = Buffer.alloc(embedSectors * SECTOR_BYTES);
  image.set(core);

  // setup.c: clean out the block lists mkimage left, then one entry for sectors 2…n of the
  // area (the first sector, diskboot itself, is what boot.img's kernel_sector loads).
  for (let offset = FIRST_BLOCKLIST_OFFSET; image.readUInt16LE(offset + 8) !== 0; offset -= BLOCKLIST_ENTRY_BYTES) {
    image.fill(0, offset, offset + BLOCKLIST_ENTRY_BYTES);
    if (offset - BLOCKLIST_ENTRY_BYTES < 0) throw new GrubBiosError('BAD_CORE_IMAGE', 'no terminator in the core image');
  }
  image.writeBigUInt64LE(BigInt(coreLba + 1), FIRST_BLOCKLIST_OFFSET);
  image.writeUInt16LE(embedSectors - 1, FIRST_BLOCKLIST_OFFSET + 8);
  image.writeUInt16LE(FIRST_LOAD_SEGMENT, FIRST_BLOCKLIST_OFFSET + 10);
  // "Make sure that the last blocklist is a terminator."
  image.fill(0, FIRST_BLOCKLIST_OFFSET - BLOCKLIST_ENTRY_BYTES, FIRST_BLOCKLIST_OFFSET);

  // setup.c: the redundancy covers the kernel after its first no_rs_length bytes (the
  // decompressor and the RS decoder itself) and lies right after core.img's last byte.
  const redundancyBytes = embedSectors * SECTOR_BYTES - core.length;
  const useRs = options.reedSolomon !== false && redundancyBytes > 0;
  image.writeUInt32LE(useRs ? redundancyBytes : 0, SECTOR_BYTES + KERNEL_RS_REDUNDANCY);
  if (useRs) {
    const noRsLength = image.readUInt16LE(SECTOR_BYTES + KERNEL_NO_RS_LENGTH);
    const dataStart = SECTOR_BYTES + noRsLength;
    addGrubReedSolomon(image, dataStart, core.length - dataStart, redundancyBytes);
  }
  return { image, coreLba, coreSectors, embedSectors, redundancyBytes: useRs ? redundancyBytes : 0 };
}
