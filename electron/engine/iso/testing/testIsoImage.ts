// Hand-built ISO 9660 images for unit tests: descriptors, directory records and System Use
// entries laid out sector by sector, so tests control every byte that matters.

export const SECTOR = 2048;

export function both16(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt16LE(value, 0);
  bytes.writeUInt16BE(value, 2);
  return bytes;
}

export function both32(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32LE(value, 0);
  bytes.writeUInt32BE(value, 4);
  return bytes;
}

export interface RecordSpec {
  readonly name: Buffer | string;
  readonly lba: number;
  readonly size: number;
  readonly flags?: number;
  readonly systemUse?: Buffer;
}

/** ECMA-119 §9.1 directory record. String names are Latin-1; "\0" and "\x01" are "." and "..". */
export function directoryRecord(spec: RecordSpec): Buffer {
  const name = typeof spec.name === 'string' ? Buffer.from(spec.name, 'latin1') : spec.name;
  const pad = name.length % 2 === 0 ? 1 : 0;
  const systemUse = spec.systemUse ?? Buffer.alloc(0);
  let length = 33 + name.length + pad + systemUse.length;
  if (length % 2 === 1) length += 1;
  const record = Buffer.alloc(length);
  record.writeUInt8(length, 0);
  both32(spec.lba).copy(record, 2);
  both32(spec.size).copy(record, 10);
  record.writeUInt8(124, 18); // 2024
  record.writeUInt8(1, 19);
  record.writeUInt8(1, 20);
  record.writeUInt8(spec.flags ?? 0, 25);
  both16(1).copy(record, 28);
  record.writeUInt8(name.length, 32);
  name.copy(record, 33);
  systemUse.copy(record, 33 + name.length + pad);
  return record;
}

/** Packs records into sectors without letting one cross a sector boundary (§6.8.1.1). */
export function directoryBytes(records: Buffer[], minSectors = 1): Buffer {
  const sectors: Buffer[] = [];
  let current = Buffer.alloc(SECTOR);
  let used = 0;
  for (const record of records) {
    if (used + record.length > SECTOR) {
      sectors.push(current);
      current = Buffer.alloc(SECTOR);
      used = 0;
    }
    record.copy(current, used);
    used += record.length;
  }
  sectors.push(current);
  while (sectors.length < minSectors) sectors.push(Buffer.alloc(SECTOR));
  return Buffer.concat(sectors);
}

/** One SUSP entry: signature, length, version 1, data. */
export function suspEntry(signature: string, data: Buffer | number[]): Buffer {
  const body = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return Buffer.concat([Buffer.from(signature, 'latin1'), Buffer.from([4 + body.length, 1]), body]);
}

export function nm(name: string, flags = 0): Buffer {
  return suspEntry('NM', Buffer.concat([Buffer.from([flags]), Buffer.from(name, 'utf8')]));
}

export function px(mode: number): Buffer {
  return suspEntry('PX', Buffer.concat([both32(mode), both32(1), both32(0), both32(0), both32(0)]));
}

export function sp(): Buffer {
  return suspEntry('SP', [0xbe, 0xef, 0]);
}

export function er(id = 'RRIP_1991A'): Buffer {
  return suspEntry('ER', Buffer.concat([Buffer.from([id.length, 0, 0, 1]), Buffer.from(id, 'latin1')]));
}

export function ce(block: number, offset: number, length: number): Buffer {
  return suspEntry('CE', Buffer.concat([both32(block), both32(offset), both32(length)]));
}

function padText(text: string, length: number): Buffer {
  return Buffer.from(text.padEnd(length, ' ').slice(0, length), 'latin1');
}

export interface VolumeSpec {
  readonly label?: string;
  readonly root: { lba: number; size: number; systemUse?: Buffer };
  readonly volumeSpaceSize: number;
  readonly type?: 1 | 2;
  readonly escapes?: string;
}

/** §8.4 primary (type 1) or §8.5 supplementary (type 2) volume descriptor. */
export function volumeDescriptor(spec: VolumeSpec): Buffer {
  const sector = Buffer.alloc(SECTOR);
  sector.writeUInt8(spec.type ?? 1, 0);
  sector.write('CD001', 1, 'latin1');
  sector.writeUInt8(1, 6);
  padText('LINUX', 32).copy(sector, 8);
  padText(spec.label ?? 'TEST', 32).copy(sector, 40);
  both32(spec.volumeSpaceSize).copy(sector, 80);
  if (spec.escapes) sector.write(spec.escapes, 88, 'latin1');
  both16(1).copy(sector, 120);
  both16(1).copy(sector, 124);
  both16(SECTOR).copy(sector, 128);
  directoryRecord({ name: '\0', lba: spec.root.lba, size: spec.root.size, flags: 2 }).copy(sector, 156);
  sector.write('2024010112000000', 813, 'latin1');
  sector.writeInt8(4, 829); // GMT+1
  return sector;
}

export function terminator(): Buffer {
  const sector = Buffer.alloc(SECTOR);
  sector.writeUInt8(255, 0);
  sector.write('CD001', 1, 'latin1');
  sector.writeUInt8(1, 6);
  return sector;
}

/** An image of `sectors` sectors with `parts` placed at their logical block addresses. */
export function buildImage(sectors: number, parts: Record<number, Buffer>): Buffer {
  const image = Buffer.alloc(sectors * SECTOR);
  for (const [lba, bytes] of Object.entries(parts)) bytes.copy(image, Number(lba) * SECTOR);
  return image;
}
