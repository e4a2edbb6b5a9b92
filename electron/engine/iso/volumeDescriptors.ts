// ECMA-119 §8: the volume descriptor set from logical sector 16 to the set terminator.
import { StickwrightError } from '../../../shared/errors';
import type { ByteSource } from '../io/byteSource';
import { corrupt } from './corrupt';
import { parseDirectoryRecord, SECTOR_SIZE, type DirectoryRecord } from './directoryRecord';
import { parseDecDateTime } from './isoDate';
import { readBoth16, readBoth32, readPaddedText, readUcs2Text } from './isoFields';

export const FIRST_DESCRIPTOR_SECTOR = 16; // §6.2.1: sectors 0–15 are the system area
const MAX_DESCRIPTORS = 64; // real images have 3–5; bounds a hostile chain
const STANDARD_ID = 'CD001';

export const DescriptorType = { BOOT_RECORD: 0, PRIMARY: 1, SUPPLEMENTARY: 2, PARTITION: 3, TERMINATOR: 255 } as const;

export interface PrimaryVolume {
  readonly systemId: string;
  readonly label: string;
  readonly volumeSetId: string;
  readonly publisher: string;
  readonly dataPreparer: string;
  readonly applicationId: string;
  readonly created: string | null;
  readonly modified: string | null;
  readonly blockSize: number;
  readonly volumeSpaceSize: number; // in logical blocks
  readonly root: DirectoryRecord;
}

export interface JolietVolume {
  /** 1, 2 or 3 from the escape sequence %/@, %/C, %/E (Joliet spec §4.1). */
  readonly level: 1 | 2 | 3;
  readonly label: string;
  readonly root: DirectoryRecord;
}

export interface VolumeDescriptorSet {
  readonly primary: PrimaryVolume;
  readonly joliet: JolietVolume | null;
  /** El Torito boot catalog location (El Torito 1.0 §2.0, boot record volume descriptor), or null. */
  readonly bootCatalogBlock: number | null;
  readonly descriptorCount: number;
}

export async function readVolumeDescriptors(source: ByteSource): Promise<VolumeDescriptorSet> {
  const firstOffset = FIRST_DESCRIPTOR_SECTOR * SECTOR_SIZE;
  if (source.size < firstOffset + 6) {
    throw new StickwrightError('SOURCE_NOT_ISO9660', `the file has only ${source.size} bytes`, {
      fileSize: source.size,
    });
  }
  let primary: PrimaryVolume | null = null;
  let joliet: JolietVolume | null = null;
  let bootCatalogBlock: number | null = null;
  let count = 0;
  for (let index = 0; index < MAX_DESCRIPTORS; index += 1) {
    const offset = firstOffset + index * SECTOR_SIZE;
    if (offset + SECTOR_SIZE > source.size) {
      const signature = (await source.read(offset, Math.min(6, source.size - offset))).toString('latin1', 1, 6);
      if (index === 0 && signature !== STANDARD_ID) throw notIso(source.size);
      throw new StickwrightError('SOURCE_TRUNCATED', `the file ends inside volume descriptor ${index}`, {
        fileSize: source.size,
        neededSize: offset + SECTOR_SIZE,
      });
    }
    const sector = await source.read(offset, SECTOR_SIZE);
    const type = sector.readUInt8(0);
    if (sector.toString('latin1', 1, 6) !== STANDARD_ID) {
      if (index === 0) throw notIso(source.size);
      throw corrupt(`volume descriptor ${index} has no CD001 signature`, { sector: FIRST_DESCRIPTOR_SECTOR + index });
    }
    count += 1;
    if (type === DescriptorType.TERMINATOR) break;
    if (type === DescriptorType.PRIMARY && primary === null) primary = parsePrimary(sector);
    else if (type === DescriptorType.SUPPLEMENTARY && joliet === null) joliet = parseJoliet(sector);
    else if (type === DescriptorType.BOOT_RECORD) bootCatalogBlock ??= parseElToritoRecord(sector);
    if (index === MAX_DESCRIPTORS - 1) throw corrupt(`no volume descriptor set terminator in ${MAX_DESCRIPTORS} sectors`);
  }
  if (primary === null) throw corrupt('there is no primary volume descriptor');
  return { primary, joliet, bootCatalogBlock, descriptorCount: count };
}

function notIso(size: number): StickwrightError {
  return new StickwrightError('SOURCE_NOT_ISO9660', 'no CD001 signature at sector 16', { fileSize: size });
}

/** §8.4 primary volume descriptor. */
function parsePrimary(sector: Buffer): PrimaryVolume {
  const blockSize = readBoth16(sector, 128);
  // §6.1.2: 2^(n+9) with n ≥ 0 and at most the sector size.
  if (blockSize !== 512 && blockSize !== 1024 && blockSize !== 2048) {
    throw corrupt(`logical block size ${blockSize} is not 512, 1024 or 2048`, { blockSize });
  }
  return {
    systemId: readPaddedText(sector, 8, 32),
    label: readPaddedText(sector, 40, 32),
    volumeSpaceSize: readBoth32(sector, 80),
    blockSize,
    volumeSetId: readPaddedText(sector, 190, 128),
    publisher: readPaddedText(sector, 318, 128),
    dataPreparer: readPaddedText(sector, 446, 128),
    applicationId: readPaddedText(sector, 574, 128),
    created: parseDecDateTime(sector, 813),
    modified: parseDecDateTime(sector, 830),
    root: parseRootRecord(sector, 'primary'),
  };
}

/** §8.5 supplementary descriptor; it is Joliet when its escape sequences name UCS-2. */
function parseJoliet(sector: Buffer): JolietVolume | null {
  const escapes = sector.toString('latin1', 88, 120);
  const level = escapes.includes('%/E') ? 3 : escapes.includes('%/C') ? 2 : escapes.includes('%/@') ? 1 : null;
  if (level === null) return null;
  return { level, label: readUcs2Text(sector, 40, 32), root: parseRootRecord(sector, 'Joliet') };
}

/** §8.4.18: the root directory record is embedded at byte 156, 34 bytes long. */
function parseRootRecord(sector: Buffer, which: string): DirectoryRecord {
  if (sector.readUInt8(156) !== 34) {
    throw corrupt(`the ${which} root directory record has length ${sector.readUInt8(156)}, not 34`);
  }
  return parseDirectoryRecord(sector.subarray(0, 190), 156);
}

/** El Torito 1.0 §2.0: "EL TORITO SPECIFICATION" at byte 7, catalog sector at 0x47 (LE). */
function parseElToritoRecord(sector: Buffer): number | null {
  if (!sector.toString('latin1', 7, 30).startsWith('EL TORITO SPECIFICATION')) return null;
  return sector.readUInt32LE(0x47);
}
