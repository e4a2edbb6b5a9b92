import { describe, expect, it } from 'vitest';
import { parseBootCatalog } from './elTorito';

function validationEntry(platform: number): Buffer {
  const entry = Buffer.alloc(32);
  entry.writeUInt8(1, 0);
  entry.writeUInt8(platform, 1);
  entry.write('STICKWRIGHT', 4, 'latin1');
  entry.writeUInt8(0x55, 30);
  entry.writeUInt8(0xaa, 31);
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum = (sum + entry.readUInt16LE(i)) & 0xffff;
  entry.writeUInt16LE((0x10000 - sum) & 0xffff, 28); // El Torito §2.1: words sum to zero
  return entry;
}

function bootEntry(opts: { bootable?: boolean; media?: number; segment?: number; sectors: number; lba: number; more?: boolean }): Buffer {
  const entry = Buffer.alloc(32);
  entry.writeUInt8(opts.bootable === false ? 0 : 0x88, 0);
  entry.writeUInt8((opts.media ?? 0) | (opts.more ? 0x20 : 0), 1);
  entry.writeUInt16LE(opts.segment ?? 0, 2);
  entry.writeUInt16LE(opts.sectors, 6);
  entry.writeUInt32LE(opts.lba, 8);
  return entry;
}

function sectionHeader(final: boolean, platform: number, count: number): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt8(final ? 0x91 : 0x90, 0);
  header.writeUInt8(platform, 1);
  header.writeUInt16LE(count, 2);
  return header;
}

describe('El Torito boot catalog', () => {
  it('reads the default BIOS entry and the EFI section, skipping extension records', () => {
    const extension = Buffer.alloc(32);
    extension.writeUInt8(0x44, 0);
    const catalog = Buffer.concat([
      validationEntry(0),
      bootEntry({ sectors: 4, lba: 40 }),
      sectionHeader(false, 0xef, 1),
      bootEntry({ sectors: 2880, lba: 50, more: true }),
      extension,
      sectionHeader(true, 0x02, 1),
      bootEntry({ media: 2, segment: 0x7c0, sectors: 1, lba: 60, bootable: false }),
      Buffer.alloc(2048 - 224),
    ]);
    const { images, problems } = parseBootCatalog(catalog);
    expect(problems).toEqual([]);
    expect(images).toEqual([
      { platform: 'bios', platformId: 0, bootable: true, emulation: 'none', loadSegment: 0, sectorCount: 4, lba: 40 },
      { platform: 'efi', platformId: 0xef, bootable: true, emulation: 'none', loadSegment: 0, sectorCount: 2880, lba: 50 },
      { platform: 'mac', platformId: 2, bootable: false, emulation: 'floppy-1.44', loadSegment: 0x7c0, sectorCount: 1, lba: 60 },
    ]);
  });

  it('reports a bad checksum or a missing validation entry as problems', () => {
    const catalog = Buffer.concat([validationEntry(0), bootEntry({ sectors: 4, lba: 40 }), Buffer.alloc(64)]);
    catalog.writeUInt8(9, 4);
    expect(parseBootCatalog(catalog).problems).toEqual(['The El Torito validation entry checksum is wrong.']);
    expect(parseBootCatalog(Buffer.alloc(2048)).images).toEqual([]);
    expect(parseBootCatalog(Buffer.alloc(2048)).problems).toHaveLength(1);
  });
});
