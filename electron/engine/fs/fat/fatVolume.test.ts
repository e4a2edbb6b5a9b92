import { describe, expect, it } from 'vitest';
import { BufferByteSource } from '../../io/bufferByteSource';
import { FilesystemError } from '../filesystemError';
import { shortNameChecksum } from './directoryEntries';
import { FatVolume } from './fatVolume';

// A FAT12 volume by hand: 512-byte sectors, 1 sector per cluster, 1 reserved sector, 2 FATs of
// 1 sector, 16 root entries (1 sector), 200 sectors in all.
const SECTOR = 512;
const DATA_START = (1 + 2 + 1) * SECTOR;

function bootSector(): Buffer {
  const boot = Buffer.alloc(SECTOR);
  boot.writeUInt16LE(SECTOR, 0x0b);
  boot.writeUInt8(1, 0x0d);
  boot.writeUInt16LE(1, 0x0e);
  boot.writeUInt8(2, 0x10);
  boot.writeUInt16LE(16, 0x11);
  boot.writeUInt16LE(200, 0x13);
  boot.writeUInt8(0xf8, 0x15);
  boot.writeUInt16LE(1, 0x16);
  boot.writeUInt8(0x29, 0x26);
  boot.writeUInt32LE(0x1234abcd, 0x27);
  boot.write('BOOTLABEL  FAT12   ', 0x2b, 'latin1');
  boot.writeUInt16LE(0xaa55, 510);
  return boot;
}

function setFat12(fat: Buffer, cluster: number, value: number): void {
  const offset = cluster + (cluster >> 1);
  const pair = fat.readUInt16LE(offset);
  fat.writeUInt16LE(cluster & 1 ? (pair & 0x000f) | (value << 4) : (pair & 0xf000) | value, offset);
}

function shortEntry(name11: string, attributes: number, cluster: number, size: number, ntFlags = 0): Buffer {
  const entry = Buffer.alloc(32);
  entry.write(name11, 0, 'latin1');
  entry.writeUInt8(attributes, 11);
  entry.writeUInt8(ntFlags, 12);
  entry.writeUInt16LE((44 << 9) | (3 << 5) | 15, 24); // 2024-03-15
  entry.writeUInt16LE(cluster, 26);
  entry.writeUInt32LE(size, 28);
  return entry;
}

/** LFN entries (§7) for `name`, last first, as they precede the short entry on disk. */
function longEntries(name: string, name11: string): Buffer[] {
  const checksum = shortNameChecksum(Buffer.from(name11, 'latin1'));
  const units = [...Buffer.from(`${name}\0`, 'utf16le')];
  const chunks: Buffer[] = [];
  const count = Math.ceil((units.length / 2) / 13);
  for (let i = 0; i < count; i += 1) {
    const part = Buffer.alloc(26, 0xff);
    Buffer.from(units.slice(i * 26, (i + 1) * 26)).copy(part);
    const entry = Buffer.alloc(32);
    entry.writeUInt8((i + 1) | (i === count - 1 ? 0x40 : 0), 0);
    part.copy(entry, 1, 0, 10);
    entry.writeUInt8(0x0f, 11);
    entry.writeUInt8(checksum, 13);
    part.copy(entry, 14, 10, 22);
    part.copy(entry, 28, 22, 26);
    chunks.unshift(entry);
  }
  return chunks;
}

function buildVolume(): Buffer {
  const image = Buffer.alloc(200 * SECTOR);
  bootSector().copy(image, 0);
  const fat = Buffer.alloc(SECTOR);
  setFat12(fat, 0, 0xff8);
  setFat12(fat, 1, 0xfff);
  setFat12(fat, 2, 0xfff); // EFI directory
  setFat12(fat, 3, 0xfff); // EFI/BOOT directory
  setFat12(fat, 4, 5); // grub.cfg: clusters 4 → 5 → 7 (fragmented)
  setFat12(fat, 5, 7);
  setFat12(fat, 7, 0xfff);
  fat.copy(image, SECTOR);
  fat.copy(image, 2 * SECTOR);
  const root = Buffer.concat([shortEntry('EFIBOOT    ', 0x08, 0, 0), shortEntry('EFI        ', 0x10, 2, 0), shortEntry('\xe5DELETED TXT', 0x20, 0, 0)]);
  root.copy(image, 3 * SECTOR);
  const longName = 'A Long File Name For LFN Testing.txt';
  const efi = Buffer.concat([shortEntry('.          ', 0x10, 2, 0), shortEntry('..         ', 0x10, 0, 0), shortEntry('BOOT       ', 0x10, 3, 0)]);
  efi.copy(image, DATA_START);
  const content = Buffer.from(`${'x'.repeat(SECTOR)}${'y'.repeat(SECTOR)}tail`);
  const boot = Buffer.concat([
    shortEntry('.          ', 0x10, 3, 0),
    shortEntry('..         ', 0x10, 2, 0),
    ...longEntries(longName, 'ALONGF~1TXT'),
    shortEntry('ALONGF~1TXT', 0x20, 0, 0),
    shortEntry('GRUB    CFG', 0x20, 4, content.length, 0x18),
  ]);
  boot.copy(image, DATA_START + SECTOR);
  content.copy(image, DATA_START + 2 * SECTOR, 0, SECTOR);
  content.copy(image, DATA_START + 3 * SECTOR, SECTOR, 2 * SECTOR);
  content.copy(image, DATA_START + 5 * SECTOR, 2 * SECTOR);
  return image;
}

describe('FatVolume', () => {
  it('reads FAT12: label, long names, lower-case short names, fragmented chains', async () => {
    const prefix = Buffer.alloc(4096, 0xee);
    const volume = await FatVolume.open(new BufferByteSource(Buffer.concat([prefix, buildVolume()])), 4096);
    expect(volume.type).toBe('FAT12');
    expect(volume.label).toBe('EFIBOOT');
    const paths: string[] = [];
    for await (const entry of volume.walk()) paths.push(`${entry.kind}:${entry.path}`);
    expect(paths).toEqual([
      'directory:/EFI',
      'directory:/EFI/BOOT',
      'file:/EFI/BOOT/A Long File Name For LFN Testing.txt',
      'file:/EFI/BOOT/grub.cfg',
    ]);
    const cfg = await volume.lookup('/efi/boot/GRUB.CFG');
    expect(cfg?.modified).toBe('2024-03-15T00:00:00');
    const text = (await volume.readFile(cfg!)).toString();
    expect(text).toBe(`${'x'.repeat(SECTOR)}${'y'.repeat(SECTOR)}tail`);
    expect((await volume.lookup('/EFI/BOOT/ALONGF~1.TXT'))?.name).toBe('A Long File Name For LFN Testing.txt');
  });

  it('refuses a chain that loops and a volume without a boot signature', async () => {
    const image = buildVolume();
    const fat = image.subarray(SECTOR, 2 * SECTOR);
    setFat12(fat, 7, 4); // 4 → 5 → 7 → 4 …
    const volume = await FatVolume.open(new BufferByteSource(image));
    const cfg = await volume.lookup('/EFI/BOOT/grub.cfg');
    await expect(volume.readFile(cfg!)).rejects.toBeInstanceOf(FilesystemError);
    image.writeUInt16LE(0, 510);
    await expect(FatVolume.open(new BufferByteSource(image))).rejects.toBeInstanceOf(FilesystemError);
  });
});
