import { describe, expect, it } from 'vitest';
import { FilesystemError } from '../filesystemError';
import { parseDirentBlock } from './erofsImage';

describe('EROFS directory blocks', () => {
  it('reads erofs_dirent records and their names', () => {
    const names = ['.', '..', 'usr', 'etc'];
    const block = Buffer.alloc(4096);
    let nameOffset = names.length * 12;
    names.forEach((name, i) => {
      block.writeBigUInt64LE(BigInt(100 + i), i * 12);
      block.writeUInt16LE(nameOffset, i * 12 + 8);
      block.writeUInt8(2, i * 12 + 10);
      block.write(name, nameOffset);
      nameOffset += name.length;
    });
    expect(parseDirentBlock(block).map((entry) => [entry.name, entry.kind, entry.nid])).toEqual([
      ['.', 'directory', 100],
      ['..', 'directory', 101],
      ['usr', 'directory', 102],
      ['etc', 'directory', 103],
    ]);
    block.writeUInt16LE(13, 8);
    expect(() => parseDirentBlock(block)).toThrow(FilesystemError);
  });
});
