import { describe, expect, it } from 'vitest';
import { deflateRawSync, crc32, gzipSync } from 'node:zlib';
import { chooseZipEntry, compressionFromName, detectCompression, localHeaderLength, locateZipDirectory, parseZipDirectory, type ZipEntry } from './imageFormat';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('detectCompression (magic bytes, not names)', () => {
  it.each([
    ['gzip', gzipSync(Buffer.from('hello'))],
    ['xz', bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04)],
    ['zstd', bytes(0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x00)],
    ['bzip2', Buffer.from('BZh91AY&SY')],
    ['zip', bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00)],
  ] as const)('%s', (kind, head) => {
    expect(detectCompression(head)).toBe(kind);
  });

  it.each([
    ['an ISO (zeros in its system area)', new Uint8Array(16)],
    ['an MBR boot sector', bytes(0xeb, 0x63, 0x90, 0x10, 0x8e, 0xd0)],
    ['"BZh" without a block size digit', Buffer.from('BZhx')],
    ['gzip magic without deflate', bytes(0x1f, 0x8b, 0x07)],
    ['an empty zip (no local header)', bytes(0x50, 0x4b, 0x05, 0x06)],
    ['too short to say', bytes(0x1f)],
    ['nothing', new Uint8Array(0)],
  ])('%s is not compressed', (_, head) => {
    expect(detectCompression(head)).toBe('none');
  });

  it('names only hint', () => {
    expect(compressionFromName('Fedora.iso.XZ')).toBe('xz');
    expect(compressionFromName('a.img.zst')).toBe('zstd');
    expect(compressionFromName('a.img')).toBe('none');
  });
});

/** A zip built by hand (APPNOTE 4.3): local headers, data, central directory, end record. */
function makeZip(files: ReadonlyArray<{ name: string; data: Buffer; method?: 0 | 8; zip64?: boolean }>, comment = ''): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const method = f.method ?? 8;
    const body = method === 8 ? deflateRawSync(f.data) : f.data;
    const name = Buffer.from(f.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(f.data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const extra = f.zip64 ? Buffer.alloc(4 + 24) : Buffer.alloc(0);
    if (f.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(f.data.length), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc32(f.data), 16);
    central.writeUInt32LE(f.zip64 ? 0xffffffff : body.length, 20);
    central.writeUInt32LE(f.zip64 ? 0xffffffff : f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(f.zip64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(Buffer.byteLength(comment), 20);
  return Buffer.concat([...locals, directory, end, Buffer.from(comment)]);
}

function entriesOf(zip: Buffer): ZipEntry[] {
  const where = locateZipDirectory(zip, 0);
  if (!where) throw new Error('no directory');
  return parseZipDirectory(zip.subarray(where.offset, where.offset + where.size), where.entries);
}

describe('zip central directory', () => {
  const image = Buffer.alloc(10000, 7);

  it('finds the entries, their sizes and where their data starts (also behind a comment)', () => {
    const zip = makeZip([{ name: 'disk.img', data: image }], 'a comment');
    const [entry] = entriesOf(zip);
    expect(entry).toMatchObject({ name: 'disk.img', method: 8, size: 10000, crc32: crc32(image), localHeaderOffset: 0, directory: false, encrypted: false });
    const dataAt = localHeaderLength(zip.subarray(0, 30));
    expect(dataAt).toBe(30 + 'disk.img'.length);
  });

  it('reads ZIP64 sizes and offsets from the extra field', () => {
    const zip = makeZip([
      { name: 'README', data: Buffer.from('hi'), method: 0 },
      { name: 'big.iso', data: image, zip64: true },
    ]);
    const [, big] = entriesOf(zip);
    expect(big).toMatchObject({ name: 'big.iso', size: 10000, localHeaderOffset: 30 + 6 + 2 });
  });

  it('chooses the only file, or the only image among several; else none', () => {
    expect(chooseZipEntry(entriesOf(makeZip([{ name: 'x/', data: Buffer.alloc(0) }, { name: 'x/a.bin', data: image }]))).entry?.name).toBe('x/a.bin');
    expect(chooseZipEntry(entriesOf(makeZip([{ name: 'README.txt', data: image }, { name: 'os.img', data: image }]))).entry?.name).toBe('os.img');
    const two = chooseZipEntry(entriesOf(makeZip([{ name: 'a.img', data: image }, { name: 'b.iso', data: image }])));
    expect(two.entry).toBeNull();
    expect(two.files).toEqual(['a.img', 'b.iso']);
  });

  it('no end record: null; a damaged directory: RangeError', () => {
    expect(locateZipDirectory(Buffer.alloc(100), 0)).toBeNull();
    expect(() => parseZipDirectory(Buffer.alloc(46), 1)).toThrow(RangeError);
  });
});
