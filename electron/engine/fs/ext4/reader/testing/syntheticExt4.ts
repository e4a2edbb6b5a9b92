// Small ext4 images built in memory for the reader's unit tests: one block group, a superblock,
// group descriptors (32- or 64-bit), an inode table, and files laid out exactly as a test says
// (extent trees of any depth, unwritten extents, holes, ext2/3 block maps, inline data) and
// directories (linear blocks with a checksum tail, an htree-style index block). Only what the
// reader looks at is filled in; e2fsck would not accept these images, the reader must.

export interface SyntheticOptions {
  readonly blockSize?: 1024 | 4096;
  readonly blocksCount?: number;
  readonly inodeSize?: 128 | 256;
  readonly bit64?: boolean;
  readonly inodesPerGroup?: number;
  /** Free blocks to record in the group descriptor. */
  readonly freeBlocks?: number;
  /** Without the filetype feature, directory entries carry no type (the reader reads the inode). */
  readonly fileType?: boolean;
  readonly inlineData?: boolean;
}

export interface ExtentSpec {
  readonly logical: number;
  readonly physical: number;
  readonly length: number;
  readonly unwritten?: boolean;
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const EXTENTS_FL = 0x80000;
const INLINE_DATA_FL = 0x10000000;

export class SyntheticExt4 {
  readonly blockSize: number;
  readonly image: Buffer;
  private nextBlock: number;
  private readonly inodeTable: number;
  private readonly options: Required<SyntheticOptions>;

  constructor(options: SyntheticOptions = {}) {
    this.options = {
      blockSize: 1024,
      blocksCount: 2048,
      inodeSize: 256,
      bit64: false,
      inodesPerGroup: 64,
      freeBlocks: 100,
      fileType: true,
      inlineData: false,
      ...options,
    };
    this.blockSize = this.options.blockSize;
    this.image = Buffer.alloc(this.options.blocksCount * this.blockSize);
    const firstData = this.blockSize === 1024 ? 1 : 0;
    // Superblock, then the group descriptor block, then the inode table.
    this.inodeTable = firstData + 2;
    const tableBlocks = Math.ceil((this.options.inodesPerGroup * this.options.inodeSize) / this.blockSize);
    this.nextBlock = this.inodeTable + tableBlocks;
  }

  /** A fresh zeroed block from the bump allocator. */
  alloc(count = 1): number {
    const block = this.nextBlock;
    this.nextBlock += count;
    if (this.nextBlock > this.options.blocksCount) throw new Error('synthetic image is full');
    return block;
  }

  writeBlock(block: number, bytes: Buffer, offset = 0): void {
    bytes.copy(this.image, block * this.blockSize + offset);
  }

  /** Fills `count` blocks from `block` with a recognisable pattern: byte = (block + i) & 0xff. */
  fillBlocks(block: number, count: number, tag: number): void {
    for (let i = 0; i < count; i += 1) this.image.fill((tag + i) & 0xff, (block + i) * this.blockSize, (block + i + 1) * this.blockSize);
  }

  writeInode(number: number, fields: { mode: number; size: number; flags?: number; block: Buffer; blocks512?: number; xattrs?: Buffer }): void {
    const raw = Buffer.alloc(this.options.inodeSize);
    raw.writeUInt16LE(fields.mode, 0x00);
    raw.writeUInt32LE(fields.size % 2 ** 32, 0x04);
    raw.writeUInt32LE(Math.floor(fields.size / 2 ** 32), 0x6c);
    raw.writeUInt16LE(1, 0x1a);
    raw.writeUInt32LE(fields.blocks512 ?? 0, 0x1c);
    raw.writeUInt32LE(fields.flags ?? 0, 0x20);
    fields.block.copy(raw, 0x28, 0, 60);
    if (this.options.inodeSize > 128) {
      raw.writeUInt16LE(32, 0x80); // i_extra_isize
      fields.xattrs?.copy(raw, 128 + 32);
    }
    raw.copy(this.image, this.inodeTable * this.blockSize + (number - 1) * this.options.inodeSize);
  }

  /** An extent tree root in i_block: depth 0 holds the extents, deeper trees get index blocks. */
  extentRoot(extents: readonly ExtentSpec[], depth = 0): Buffer {
    if (depth === 0) return extentNode(extents.map(leafEntry), 0, 4);
    // One index entry per child, each child a subtree over a share of the extents.
    const perChild = Math.ceil(extents.length / 2);
    const children = [extents.slice(0, perChild), extents.slice(perChild)].filter((part) => part.length > 0);
    const entries = children.map((part) => {
      const child = this.alloc();
      const node = depth === 1 ? extentNode(part.map(leafEntry), 0, (this.blockSize - 12) / 12) : this.indexBlock(part, depth - 1);
      this.writeBlock(child, node);
      return indexEntry(part[0]?.logical ?? 0, child);
    });
    return extentNode(entries, depth, 4);
  }

  private indexBlock(extents: readonly ExtentSpec[], depth: number): Buffer {
    const child = this.alloc();
    this.writeBlock(child, extentNode(extents.map(leafEntry), 0, (this.blockSize - 12) / 12));
    void depth;
    return extentNode([indexEntry(extents[0]?.logical ?? 0, child)], 1, (this.blockSize - 12) / 12);
  }

  /** ext2/3 block map for `blocks` logical blocks (0 = hole), with single/double indirect blocks. */
  blockMapRoot(blocks: readonly number[]): Buffer {
    const root = Buffer.alloc(60);
    const perBlock = this.blockSize / 4;
    blocks.slice(0, 12).forEach((b, i) => root.writeUInt32LE(b, i * 4));
    const single = blocks.slice(12, 12 + perBlock);
    if (single.length > 0) root.writeUInt32LE(this.pointerBlock(single), 48);
    const rest = blocks.slice(12 + perBlock);
    if (rest.length > 0) {
      const children: number[] = [];
      for (let i = 0; i < rest.length; i += perBlock) children.push(this.pointerBlock(rest.slice(i, i + perBlock)));
      root.writeUInt32LE(this.pointerBlock(children), 52);
    }
    return root;
  }

  private pointerBlock(pointers: readonly number[]): number {
    const block = this.alloc();
    const bytes = Buffer.alloc(this.blockSize);
    pointers.forEach((p, i) => bytes.writeUInt32LE(p, i * 4));
    this.writeBlock(block, bytes);
    return block;
  }

  /** Directory entries packed into blocks, the last entry of each block stretched to its end. */
  directoryBlocks(entries: ReadonlyArray<{ name: string; inode: number; type: number }>, options: { csumTail?: boolean; perBlock?: number } = {}): Buffer[] {
    const blocks: Buffer[] = [];
    const perBlock = options.perBlock ?? 1000;
    const tail = options.csumTail ? 12 : 0;
    for (let i = 0; i < entries.length; i += perBlock) {
      const block = Buffer.alloc(this.blockSize);
      const chunk = entries.slice(i, i + perBlock);
      let at = 0;
      chunk.forEach((entry, j) => {
        const name = Buffer.from(entry.name, 'utf8');
        const needed = (8 + name.length + 3) & ~3;
        const length = j === chunk.length - 1 ? this.blockSize - tail - at : needed;
        block.writeUInt32LE(entry.inode, at);
        block.writeUInt16LE(length, at + 4);
        block.writeUInt8(name.length, at + 6);
        block.writeUInt8(this.options.fileType ? entry.type : 0, at + 7);
        name.copy(block, at + 8);
        at += length;
      });
      if (tail) {
        // struct ext4_dir_entry_tail: inode 0, rec_len 12, name_len 0, file_type 0xde, checksum.
        block.writeUInt16LE(12, this.blockSize - 12 + 4);
        block.writeUInt8(0xde, this.blockSize - 12 + 7);
        block.writeUInt32LE(0x12345678, this.blockSize - 4);
      }
      blocks.push(block);
    }
    return blocks;
  }

  /** An htree index block as ext4 writes it: one empty entry spanning the block, index data inside. */
  htreeIndexBlock(): Buffer {
    const block = Buffer.alloc(this.blockSize, 0x5a);
    block.writeUInt32LE(0, 0);
    block.writeUInt16LE(this.blockSize, 4);
    block.writeUInt8(0, 6);
    block.writeUInt8(0, 7);
    return block;
  }

  addDirectory(number: number, blocks: readonly Buffer[]): void {
    const start = this.alloc(blocks.length);
    blocks.forEach((b, i) => this.writeBlock(start + i, b));
    this.writeInode(number, { mode: S_IFDIR | 0o755, size: blocks.length * this.blockSize, flags: EXTENTS_FL, block: this.extentRoot([{ logical: 0, physical: start, length: blocks.length }]), blocks512: (blocks.length * this.blockSize) / 512 });
  }

  addExtentFile(number: number, size: number, extents: readonly ExtentSpec[], depth = 0): void {
    const blocks = extents.reduce((sum, e) => sum + e.length, 0);
    this.writeInode(number, { mode: S_IFREG | 0o644, size, flags: EXTENTS_FL, block: this.extentRoot(extents, depth), blocks512: (blocks * this.blockSize) / 512 });
  }

  addInlineDirectory(number: number, parent: number, entries: ReadonlyArray<{ name: string; inode: number; type: number }>): void {
    // i_block: the parent's inode number, then entries in the remaining 56 bytes.
    const block = Buffer.alloc(60);
    block.writeUInt32LE(parent, 0);
    let at = 4;
    entries.forEach((entry, j) => {
      const name = Buffer.from(entry.name, 'utf8');
      const needed = (8 + name.length + 3) & ~3;
      const length = j === entries.length - 1 ? 60 - at : needed;
      block.writeUInt32LE(entry.inode, at);
      block.writeUInt16LE(length, at + 4);
      block.writeUInt8(name.length, at + 6);
      block.writeUInt8(entry.type, at + 7);
      name.copy(block, at + 8);
      at += length;
    });
    this.writeInode(number, { mode: S_IFDIR | 0o755, size: 60, flags: INLINE_DATA_FL, block, xattrs: systemDataXattr(Buffer.alloc(0)) });
  }

  addInlineFile(number: number, content: Buffer): void {
    const head = Buffer.alloc(60);
    content.copy(head, 0, 0, 60);
    this.writeInode(number, { mode: S_IFREG | 0o644, size: content.length, flags: INLINE_DATA_FL, block: head, xattrs: systemDataXattr(content.subarray(60)) });
  }

  /** Writes the superblock and group descriptor; returns the image. */
  finish(): Buffer {
    const o = this.options;
    const sb = Buffer.alloc(1024);
    sb.writeUInt32LE(o.inodesPerGroup, 0x00);
    sb.writeUInt32LE(o.blocksCount, 0x04);
    sb.writeUInt32LE(o.freeBlocks, 0x0c);
    sb.writeUInt32LE(o.inodesPerGroup - 12, 0x10);
    sb.writeUInt32LE(this.blockSize === 1024 ? 1 : 0, 0x14);
    sb.writeUInt32LE(this.blockSize === 1024 ? 0 : 2, 0x18);
    sb.writeUInt32LE(this.blockSize === 1024 ? 0 : 2, 0x1c);
    sb.writeUInt32LE(8 * this.blockSize, 0x20);
    sb.writeUInt32LE(8 * this.blockSize, 0x24);
    sb.writeUInt32LE(o.inodesPerGroup, 0x28);
    sb.writeUInt16LE(0xef53, 0x38);
    sb.writeUInt16LE(1, 0x3a);
    sb.writeUInt32LE(1, 0x4c);
    sb.writeUInt32LE(11, 0x54);
    sb.writeUInt16LE(o.inodeSize, 0x58);
    const incompat = (o.fileType ? 0x2 : 0) | 0x40 | (o.bit64 ? 0x80 : 0) | (o.inlineData ? 0x8000 : 0);
    sb.writeUInt32LE(incompat, 0x60);
    sb.writeUInt32LE(0x1 | 0x2, 0x64);
    Buffer.from('5357524f4f544653800000000000aa01', 'hex').copy(sb, 0x68);
    sb.write('SYNTH', 0x78, 'latin1');
    sb.writeUInt16LE(o.bit64 ? 64 : 32, 0xfe);
    sb.copy(this.image, 1024);
    const descriptor = Buffer.alloc(o.bit64 ? 64 : 32);
    descriptor.writeUInt32LE(this.inodeTable, 0x08);
    descriptor.writeUInt16LE(o.freeBlocks % 65536, 0x0c);
    if (o.bit64) descriptor.writeUInt16LE(Math.floor(o.freeBlocks / 65536), 0x2c);
    descriptor.copy(this.image, ((this.blockSize === 1024 ? 1 : 0) + 1) * this.blockSize);
    return this.image;
  }
}

function extentNode(entries: readonly Buffer[], depth: number, max: number): Buffer {
  const node = Buffer.alloc(12 + Math.max(max, entries.length) * 12);
  node.writeUInt16LE(0xf30a, 0);
  node.writeUInt16LE(entries.length, 2);
  node.writeUInt16LE(max, 4);
  node.writeUInt16LE(depth, 6);
  entries.forEach((entry, i) => entry.copy(node, 12 + i * 12));
  return node;
}

function leafEntry(extent: ExtentSpec): Buffer {
  const entry = Buffer.alloc(12);
  entry.writeUInt32LE(extent.logical, 0);
  entry.writeUInt16LE(extent.length + (extent.unwritten ? 32768 : 0), 4);
  entry.writeUInt16LE(Math.floor(extent.physical / 2 ** 32), 6);
  entry.writeUInt32LE(extent.physical % 2 ** 32, 8);
  return entry;
}

function indexEntry(logical: number, child: number): Buffer {
  const entry = Buffer.alloc(12);
  entry.writeUInt32LE(logical, 0);
  entry.writeUInt32LE(child % 2 ** 32, 4);
  entry.writeUInt16LE(Math.floor(child / 2 ** 32), 8);
  return entry;
}

/** In-inode xattrs holding only system.data (ext4 inline data's tail). */
function systemDataXattr(value: Buffer): Buffer {
  const area = Buffer.alloc(4 + 16 + 4 + 4 + value.length + 4);
  area.writeUInt32LE(0xea020000, 0);
  // Entry at 4: name_len 4, index 7 (system.), value at offset 24 (from the first entry), size.
  area.writeUInt8(4, 4);
  area.writeUInt8(7, 5);
  area.writeUInt16LE(24, 6);
  area.writeUInt32LE(value.length, 12);
  area.write('data', 20, 'latin1');
  value.copy(area, 4 + 24);
  return area;
}
