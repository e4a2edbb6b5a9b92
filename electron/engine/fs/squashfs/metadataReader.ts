// squashfs metadata blocks (fs/squashfs/block.c, squashfs_read_metadata): a 16-bit header
// whose bit 15 says "stored uncompressed" and whose low 15 bits give the stored length, then
// at most 8 KiB of data once inflated. Inodes and directories span consecutive blocks.
import type { ByteSource } from '../../io/byteSource';
import { FilesystemError } from '../filesystemError';
import type { Decompressor } from './decompressors';

export const METADATA_SIZE = 8192;
const MAX_CACHED = 64;

interface Block {
  readonly data: Buffer;
  /** Position of the following metadata block, relative to the image start. */
  readonly next: number;
}

export class MetadataReader {
  private readonly blocks = new Map<number, Promise<Block>>();

  constructor(
    private readonly source: ByteSource,
    private readonly decompress: Decompressor,
    /** Metadata never lies past this (the superblock's bytes_used). */
    private readonly end: number,
  ) {}

  /** `length` bytes starting at byte `offset` of the block at `position`, crossing blocks as needed. */
  async read(position: number, offset: number, length: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let remaining = length;
    let at = position;
    let skip = offset;
    // Each pass consumes one block; METADATA_SIZE bounds how many a length can need.
    const maxBlocks = Math.ceil((offset + length) / METADATA_SIZE) + 1;
    for (let i = 0; remaining > 0; i += 1) {
      if (i > maxBlocks) throw new FilesystemError('squashfs', 'metadata read does not progress');
      const block = await this.block(at);
      if (skip > block.data.length) throw new FilesystemError('squashfs', `offset ${skip} is past a ${block.data.length}-byte metadata block`);
      const take = Math.min(remaining, block.data.length - skip);
      if (take <= 0 && remaining > 0 && block.data.length === 0) throw new FilesystemError('squashfs', 'empty metadata block');
      parts.push(block.data.subarray(skip, skip + take));
      remaining -= take;
      skip = 0;
      at = block.next;
    }
    return Buffer.concat(parts, length);
  }

  private block(position: number): Promise<Block> {
    let cached = this.blocks.get(position);
    if (!cached) {
      cached = this.load(position);
      if (this.blocks.size >= MAX_CACHED) {
        const oldest = this.blocks.keys().next();
        if (!oldest.done) this.blocks.delete(oldest.value);
      }
      this.blocks.set(position, cached);
    }
    return cached;
  }

  private async load(position: number): Promise<Block> {
    if (position + 2 > this.end) throw new FilesystemError('squashfs', `metadata block at ${position} is past the end`);
    const header = (await this.source.read(position, 2)).readUInt16LE(0);
    const stored = header & 0x7fff;
    const uncompressed = (header & 0x8000) !== 0;
    if (stored === 0 || stored > METADATA_SIZE || position + 2 + stored > this.end) {
      throw new FilesystemError('squashfs', `metadata block at ${position} has stored length ${stored}`);
    }
    const raw = await this.source.read(position + 2, stored);
    const data = uncompressed ? raw : await this.decompress(raw, METADATA_SIZE);
    return { data, next: position + 2 + stored };
  }
}
