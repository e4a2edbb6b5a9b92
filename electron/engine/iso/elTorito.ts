// El Torito Bootable CD-ROM Format Specification 1.0: the boot catalog.
import type { ByteSource } from '../io/byteSource';
import { SECTOR_SIZE } from './directoryRecord';

export type BootPlatform = 'bios' | 'efi' | 'ppc' | 'mac' | 'other';
export type BootEmulation = 'none' | 'floppy-1.2' | 'floppy-1.44' | 'floppy-2.88' | 'hard-disk';

export interface BootImage {
  readonly platform: BootPlatform;
  readonly platformId: number;
  readonly bootable: boolean;
  readonly emulation: BootEmulation;
  /** Real-mode segment for BIOS images; 0 in the catalog means the traditional 0x7C0 (§2.2). */
  readonly loadSegment: number;
  /** Virtual 512-byte sectors loaded by the BIOS (§2.2 offset 6). */
  readonly sectorCount: number;
  /** Start of the image in 2048-byte CD sectors. */
  readonly lba: number;
}

export interface BootCatalog {
  readonly images: BootImage[];
  /** What was wrong with the catalog, for a person; empty when it is sound. */
  readonly problems: string[];
}

const MAX_CATALOG_SECTORS = 8; // 512 entries: far more than any real catalog
const PLATFORMS: Readonly<Record<number, BootPlatform>> = { 0x00: 'bios', 0x01: 'ppc', 0x02: 'mac', 0xef: 'efi' };
const EMULATIONS: readonly BootEmulation[] = ['none', 'floppy-1.2', 'floppy-1.44', 'floppy-2.88', 'hard-disk'];

export async function readBootCatalog(source: ByteSource, catalogLba: number): Promise<BootCatalog> {
  const start = catalogLba * SECTOR_SIZE;
  const available = Math.max(0, Math.min(MAX_CATALOG_SECTORS * SECTOR_SIZE, source.size - start));
  if (available < 64) return { images: [], problems: [`The El Torito boot catalog at sector ${catalogLba} lies outside the image.`] };
  return parseBootCatalog(await source.read(start, available));
}

export function parseBootCatalog(bytes: Buffer): BootCatalog {
  const problems: string[] = [];
  const images: BootImage[] = [];
  // §2.1 validation entry: header id 1, key bytes 55 AA, and all 16 words summing to zero.
  if (bytes.length < 64 || bytes.readUInt8(0) !== 0x01 || bytes.readUInt8(30) !== 0x55 || bytes.readUInt8(31) !== 0xaa) {
    return { images, problems: ['The El Torito boot catalog has no valid validation entry.'] };
  }
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum = (sum + bytes.readUInt16LE(i)) & 0xffff;
  if (sum !== 0) problems.push('The El Torito validation entry checksum is wrong.');
  const firstPlatform = bytes.readUInt8(1);

  // §2.2 initial/default entry.
  const initial = parseEntry(bytes, 32, firstPlatform);
  if (initial) images.push(initial);

  // §2.3 section headers, each followed by its section entries (§2.4) and their extensions (§2.5).
  let offset = 64;
  let finalSeen = false;
  while (!finalSeen && offset + 32 <= bytes.length) {
    const indicator = bytes.readUInt8(offset);
    if (indicator !== 0x90 && indicator !== 0x91) break;
    finalSeen = indicator === 0x91;
    const platformId = bytes.readUInt8(offset + 1);
    const count = bytes.readUInt16LE(offset + 2);
    offset += 32;
    for (let i = 0; i < count && offset + 32 <= bytes.length; i += 1) {
      const entry = parseEntry(bytes, offset, platformId);
      const continued = (bytes.readUInt8(offset + 1) & 0x20) !== 0;
      offset += 32;
      if (entry) images.push(entry);
      else problems.push(`El Torito section entry at catalog byte ${offset - 32} is not valid.`);
      // Skip extension records (indicator 0x44) chained by bit 5 of the previous record.
      let more = continued;
      while (more && offset + 32 <= bytes.length && bytes.readUInt8(offset) === 0x44) {
        more = (bytes.readUInt8(offset + 1) & 0x20) !== 0;
        offset += 32;
      }
    }
  }
  return { images, problems };
}

function parseEntry(bytes: Buffer, offset: number, platformId: number): BootImage | null {
  const indicator = bytes.readUInt8(offset);
  if (indicator !== 0x88 && indicator !== 0x00) return null;
  const media = bytes.readUInt8(offset + 1) & 0x0f;
  const emulation = EMULATIONS[media];
  if (emulation === undefined) return null;
  const lba = bytes.readUInt32LE(offset + 8);
  if (indicator === 0x00 && lba === 0) return null; // an unused slot
  return {
    platform: PLATFORMS[platformId] ?? 'other',
    platformId,
    bootable: indicator === 0x88,
    emulation,
    loadSegment: bytes.readUInt16LE(offset + 2),
    sectorCount: bytes.readUInt16LE(offset + 6),
    lba,
  };
}
