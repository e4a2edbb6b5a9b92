import { describe, expect, it } from 'vitest';
import { BufferByteSource } from '../../../io/bufferByteSource';
import { FilesystemError } from '../../filesystemError';
import { Ext4Volume } from './ext4Volume';
import { parseDirectoryBlocks } from './directory';
import { parseExt4Superblock } from './superblock';
import { SyntheticExt4 } from './testing/syntheticExt4';

const ROOT = 2;
const DIR = 2;
const REG = 1;

async function open(image: SyntheticExt4): Promise<Ext4Volume> {
  return Ext4Volume.open(new BufferByteSource(image.finish()));
}

function pattern(image: SyntheticExt4, block: number, count: number): Buffer {
  return Buffer.from(image.image.subarray(block * image.blockSize, (block + count) * image.blockSize));
}

describe('Ext4Volume', () => {
  it('reads the superblock and a 32-bit group descriptor; free space from the descriptors', async () => {
    const fs = new SyntheticExt4({ blockSize: 1024, freeBlocks: 321 });
    fs.addDirectory(ROOT, fs.directoryBlocks([]));
    const volume = await open(fs);
    expect(volume.superblock).toMatchObject({ blockSize: 1024, blocksCount: 2048, firstDataBlock: 1, descSize: 32, label: 'SYNTH', uuid: '5357524f-4f54-4653-8000-00000000aa01' });
    expect(await volume.freeBytes()).toBe(321 * 1024);
  });

  it('reads 64-bit descriptors (high halves of the free count)', async () => {
    const fs = new SyntheticExt4({ blockSize: 4096, bit64: true, freeBlocks: 70_000, blocksCount: 256 });
    fs.addDirectory(ROOT, fs.directoryBlocks([]));
    const volume = await open(fs);
    expect(volume.superblock.descSize).toBe(64);
    expect(await volume.freeBytes()).toBe(70_000 * 4096);
  });

  it('finds files through directories, skipping checksum tails and htree index blocks', async () => {
    const fs = new SyntheticExt4();
    const data = fs.alloc(3);
    fs.fillBlocks(data, 3, 0x10);
    fs.addExtentFile(12, 3 * 1024 - 100, [{ logical: 0, physical: data, length: 3 }]);
    const many = Array.from({ length: 30 }, (_, i) => ({ name: `file-${i}`, inode: 12, type: REG }));
    fs.addDirectory(13, [fs.htreeIndexBlock(), ...fs.directoryBlocks(many, { csumTail: true, perBlock: 12 })]);
    fs.addDirectory(ROOT, fs.directoryBlocks([{ name: 'LiveOS', inode: 13, type: DIR }], { csumTail: true }));
    const volume = await open(fs);
    const listing = await volume.list(await volume.readInode(ROOT));
    expect(listing.map((e) => [e.name, e.kind])).toEqual([['LiveOS', 'directory']]);
    const live = await volume.lookup('/LiveOS');
    expect((await volume.list(live!)).map((e) => e.name)).toEqual(many.map((e) => e.name));
    const file = await volume.lookup('/LiveOS/file-29');
    expect(file?.size).toBe(3 * 1024 - 100);
    expect(await volume.readFile(file!)).toEqual(pattern(fs, data, 3).subarray(0, 3 * 1024 - 100));
    expect(await volume.lookup('/LiveOS/missing')).toBeNull();
    expect(await volume.lookup('/LiveOS/file-1/below')).toBeNull();
  });

  it('reads holes and unwritten extents as zeros, whatever their blocks hold', async () => {
    const fs = new SyntheticExt4();
    const a = fs.alloc(2);
    const b = fs.alloc(2);
    fs.fillBlocks(a, 2, 0x40);
    fs.fillBlocks(b, 2, 0x80); // stale bytes under an unwritten extent
    // Blocks 0-1 written, 2-3 a hole, 4-5 unwritten, 6-7 past the last extent (sparse tail).
    fs.addExtentFile(12, 8 * 1024, [
      { logical: 0, physical: a, length: 2 },
      { logical: 4, physical: b, length: 2, unwritten: true },
    ]);
    fs.addDirectory(ROOT, fs.directoryBlocks([{ name: 'overlay', inode: 12, type: REG }]));
    const volume = await open(fs);
    const file = await volume.openFile(await volume.readInode(12));
    const all = await file.read(0, 8 * 1024);
    expect(all.subarray(0, 2048)).toEqual(pattern(fs, a, 2));
    expect(all.subarray(2048).every((byte) => byte === 0)).toBe(true);
    // A read spanning written data, a hole and an unwritten extent.
    expect(await file.read(2000, 100)).toEqual(Buffer.concat([pattern(fs, a, 2).subarray(2000), Buffer.alloc(52)]));
  });

  it('walks extent trees of depth 1 and 2', async () => {
    for (const depth of [1, 2]) {
      const fs = new SyntheticExt4({ blocksCount: 4096 });
      const extents = Array.from({ length: 7 }, (_, i) => {
        const physical = fs.alloc(3);
        fs.fillBlocks(physical, 3, i * 16);
        return { logical: i * 5, physical, length: 3 };
      });
      fs.addExtentFile(12, 35 * 1024, extents, depth);
      fs.addDirectory(ROOT, fs.directoryBlocks([{ name: 'big', inode: 12, type: REG }]));
      const volume = await open(fs);
      const inode = await volume.readInode(12);
      const runs = await volume.blockRuns(inode);
      expect(runs.map((r) => [r.logical, r.physical, r.length]), `depth ${depth}`).toEqual(extents.map((e) => [e.logical, e.physical, e.length]));
      const bytes = await volume.readFile(inode);
      for (const e of extents) {
        expect(bytes.subarray(e.logical * 1024, (e.logical + e.length) * 1024)).toEqual(pattern(fs, e.physical, e.length));
        expect(bytes.subarray((e.logical + 3) * 1024, (e.logical + 5) * 1024).every((x) => x === 0)).toBe(true);
      }
    }
  });

  it('reads ext2/3 block maps through single and double indirect blocks', async () => {
    const fs = new SyntheticExt4({ blocksCount: 4096 });
    const count = 12 + 256 + 300; // direct, one full single indirect, part of the double indirect
    const start = fs.alloc(count);
    fs.fillBlocks(start, count, 7);
    const blocks = Array.from({ length: count }, (_, i) => (i === 20 ? 0 : start + i)); // one hole
    const root = fs.blockMapRoot(blocks);
    fs.writeInode(12, { mode: 0o100644, size: count * 1024, block: root });
    fs.addDirectory(ROOT, fs.directoryBlocks([{ name: 'old', inode: 12, type: REG }]));
    const volume = await open(fs);
    const inode = await volume.readInode(12);
    const bytes = await volume.readFile(inode);
    const expected = pattern(fs, start, count);
    expected.fill(0, 20 * 1024, 21 * 1024);
    expect(bytes.equals(expected)).toBe(true);
    expect((await volume.blockRuns(inode)).length).toBe(2);
  });

  it('reads inline-data directories and files (i_block plus system.data)', async () => {
    const fs = new SyntheticExt4({ inlineData: true });
    const content = Buffer.from('x'.repeat(60) + 'tail of the inline file');
    fs.addInlineFile(14, content);
    fs.addInlineDirectory(13, ROOT, [
      { name: 'home.img', inode: 14, type: REG },
      { name: 'a', inode: 14, type: REG },
    ]);
    fs.addDirectory(ROOT, fs.directoryBlocks([{ name: 'LiveOS', inode: 13, type: DIR }]));
    const volume = await open(fs);
    expect((await volume.list((await volume.lookup('/LiveOS'))!)).map((e) => e.name)).toEqual(['home.img', 'a']);
    expect(await volume.readFile((await volume.lookup('/LiveOS/home.img'))!)).toEqual(content);
  });

  it('reads the inode for the type when the filesystem has no filetype feature', async () => {
    const fs = new SyntheticExt4({ fileType: false });
    fs.addDirectory(13, fs.directoryBlocks([]));
    fs.addDirectory(ROOT, fs.directoryBlocks([{ name: 'LiveOS', inode: 13, type: DIR }]));
    const volume = await open(fs);
    expect((await volume.list(await volume.readInode(ROOT)))[0]).toMatchObject({ name: 'LiveOS', kind: 'directory' });
  });

  it('refuses what it cannot read rather than guessing', async () => {
    const fs = new SyntheticExt4();
    fs.addDirectory(ROOT, fs.directoryBlocks([]));
    const image = fs.finish();
    const bad = Buffer.from(image);
    bad.writeUInt32LE((0x80000000 | bad.readUInt32LE(1024 + 0x60)) >>> 0, 1024 + 0x60);
    await expect(Ext4Volume.open(new BufferByteSource(bad))).rejects.toMatchObject({ unsupported: true });
    const short = Buffer.from(image.subarray(0, 1500));
    await expect(Ext4Volume.open(new BufferByteSource(short))).rejects.toBeInstanceOf(FilesystemError);
    const noMagic = Buffer.from(image);
    noMagic.writeUInt16LE(0, 1024 + 0x38);
    await expect(Ext4Volume.open(new BufferByteSource(noMagic))).rejects.toThrow(/magic/);
    // An extent pointing past the filesystem.
    const fs2 = new SyntheticExt4();
    fs2.addExtentFile(12, 1024, [{ logical: 0, physical: 999_999, length: 1 }]);
    fs2.addDirectory(ROOT, fs2.directoryBlocks([{ name: 'x', inode: 12, type: REG }]));
    const volume = await open(fs2);
    await expect(volume.openFile(await volume.readInode(12))).rejects.toThrow(/past the end/);
  });
});

describe('parseDirectoryBlocks', () => {
  it('stops at a corrupt record length instead of looping', () => {
    const block = Buffer.alloc(1024);
    block.writeUInt32LE(12, 0);
    block.writeUInt16LE(4, 4); // rec_len below the minimum
    expect(parseDirectoryBlocks(block, 1024, true)).toEqual([]);
  });
});

describe('parseExt4Superblock', () => {
  it('rejects absurd geometry', () => {
    const fs = new SyntheticExt4();
    const sb = Buffer.from(fs.finish().subarray(1024, 2048));
    sb.writeUInt32LE(0, 0x20);
    expect(() => parseExt4Superblock(sb)).toThrow(/per group/);
  });
});
