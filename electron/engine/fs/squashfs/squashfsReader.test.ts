import { describe, expect, it } from 'vitest';
import { FilesystemError } from '../filesystemError';
import { decompressLz4Block } from './lz4Block';
import { parseDirectoryListing } from './squashfsImage';

describe('LZ4 block decoding', () => {
  it('decodes literals and overlapping matches', () => {
    // "abc" literal, then a match of length 9 at distance 3 ("abcabcabc"), then literal "!".
    const block = Buffer.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x21]);
    expect(decompressLz4Block(block, 64).toString()).toBe('abcabcabcabc!');
  });

  it('refuses offsets before the start and output overruns', () => {
    expect(() => decompressLz4Block(Buffer.from([0x10, 0x61, 0x05, 0x00]), 64)).toThrow(FilesystemError);
    expect(() => decompressLz4Block(Buffer.from([0x30, 0x61, 0x62, 0x63]), 2)).toThrow(FilesystemError);
  });
});

describe('squashfs directory listings', () => {
  it('reads headers and entries (squashfs_fs.h dir_header, dir_entry)', () => {
    const entry = (offset: number, type: number, name: string) => {
      const bytes = Buffer.alloc(8 + name.length);
      bytes.writeUInt16LE(offset, 0);
      bytes.writeUInt16LE(type, 4);
      bytes.writeUInt16LE(name.length - 1, 6);
      bytes.write(name, 8);
      return bytes;
    };
    const header = Buffer.alloc(12);
    header.writeUInt32LE(1, 0); // two entries
    header.writeUInt32LE(8192, 4);
    const listing = Buffer.concat([header, entry(32, 1, 'LiveOS'), entry(96, 2, 'rootfs.img')]);
    expect(parseDirectoryListing(listing)).toEqual([
      { name: 'LiveOS', kind: 'directory', inode: { block: 8192, offset: 32 } },
      { name: 'rootfs.img', kind: 'file', inode: { block: 8192, offset: 96 } },
    ]);
    expect(() => parseDirectoryListing(listing.subarray(0, listing.length - 3))).toThrow(FilesystemError);
  });
});
