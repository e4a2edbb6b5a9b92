// A read-only F2FS filesystem over a byte source, enough to find the live directory's files and
// read the overlay: superblock, the newer valid checkpoint pack, the NAT (with the NAT version
// bitmap and the NAT journal of the hot-data summary), inodes with direct/indirect node blocks,
// inline and regular dentries, inline data. Layouts from f2fs-tools include/f2fs_fs.h and the
// kernel's fs/f2fs (checkpoint.c get_valid_checkpoint, node.h current_nat_addr,
// segment.c read_compacted_summaries/read_normal_summaries, dir.c, inline.c).
import { crc32 } from 'node:zlib';
import type { ByteSource } from '../../io/byteSource';
import { FilesystemError } from '../../fs/filesystemError';
import type { BlockRun } from '../../fs/ext4/reader/blockMap';
import { Ext4FileByteSource } from '../../fs/ext4/reader/fileByteSource';

export const F2FS_MAGIC = 0xf2f52010;
export const F2FS_SUPER_OFFSET = 1024;
const BLOCK = 4096;
const NAT_ENTRY_BYTES = 9;
const NAT_ENTRY_PER_BLOCK = Math.floor(BLOCK / NAT_ENTRY_BYTES); // 455
/** ENTRIES_IN_SUM × sizeof(struct f2fs_summary): where the journal starts in a summary block. */
const SUM_ENTRIES_SIZE = (BLOCK / 8) * 7;
/** SUM_JOURNAL_SIZE = 4096 − 5 (footer) − 3584. */
const SUM_JOURNAL_SIZE = BLOCK - 5 - SUM_ENTRIES_SIZE;
const NAT_JOURNAL_ENTRY_BYTES = 13;
/** DEF_ADDRS_PER_INODE: (4096 − 360 − 20 − 24) / 4. */
const DEF_ADDRS_PER_INODE = 923;
const I_ADDR_OFFSET = 360;
const I_NID_OFFSET = I_ADDR_OFFSET + DEF_ADDRS_PER_INODE * 4;
/** DEF_ADDRS_PER_BLOCK and NIDS_PER_BLOCK: (4096 − 24) / 4. */
const PER_NODE_BLOCK = 1018;
const DEFAULT_INLINE_XATTR_ADDRS = 50;
const NULL_ADDR = 0;
const NEW_ADDR = 0xffffffff;
const COMPRESS_ADDR = 0xfffffffe;

const CP_UMOUNT_FLAG = 0x1;
const CP_COMPACT_SUM_FLAG = 0x4;
const CP_FASTBOOT_FLAG = 0x20;
const CP_CRC_RECOVERY_FLAG = 0x40;
const CP_NOCRC_RECOVERY_FLAG = 0x200;
const CP_LARGE_NAT_BITMAP_FLAG = 0x400;
/** Superblock feature bit (f2fs_fs.h F2FS_FEATURE_FLEXIBLE_INLINE_XATTR). */
const FEATURE_FLEXIBLE_INLINE_XATTR = 0x40;
/** i_inline bits. */
const F2FS_INLINE_XATTR = 0x01;
const F2FS_INLINE_DATA = 0x02;
const F2FS_INLINE_DENTRY = 0x04;
const F2FS_EXTRA_ATTR = 0x20;
/** i_flags F2FS_COMPR_FL; i_advise FADVISE_ENCRYPT_BIT. */
const F2FS_COMPR_FL = 0x4;
const FADVISE_ENCRYPT_BIT = 0x04;

/** Dentries: 11-byte records, 8-byte name slots (SIZE_OF_DIR_ENTRY, F2FS_SLOT_LEN). */
const DIR_ENTRY_BYTES = 11;
const SLOT_LEN = 8;
const NR_DENTRY_IN_BLOCK = Math.floor((8 * BLOCK) / ((DIR_ENTRY_BYTES + SLOT_LEN) * 8 + 1)); // 214
const DENTRY_BITMAP_BYTES = Math.ceil(NR_DENTRY_IN_BLOCK / 8); // 27
const DENTRY_RESERVED_BYTES = BLOCK - ((DIR_ENTRY_BYTES + SLOT_LEN) * NR_DENTRY_IN_BLOCK + DENTRY_BITMAP_BYTES); // 3

const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;
const MAX_PATH_DEPTH = 64;

const fail = (message: string, unsupported = false): FilesystemError => new FilesystemError('F2FS', message, unsupported);

export interface F2fsSuperblock {
  readonly blocksPerSegment: number;
  readonly blockCount: number;
  readonly cpBlkaddr: number;
  readonly natBlkaddr: number;
  readonly mainBlkaddr: number;
  readonly rootIno: number;
  readonly uuid: string;
  readonly label: string;
  readonly cpPayload: number;
  readonly features: number;
}

export interface F2fsInode {
  readonly ino: number;
  readonly kind: 'file' | 'directory' | 'other';
  readonly size: number;
  /** i_blocks × 512: bytes allocated (data and node blocks). */
  readonly allocatedBytes: number;
  readonly node: Buffer;
}

export interface F2fsDirEntry {
  readonly name: string;
  readonly ino: number;
  readonly fileType: number;
}

/** f2fs_crc32: crc32_le seeded with the magic, without the final inversion zlib applies. */
function f2fsCrc32(bytes: Buffer): number {
  return ~crc32(bytes, ~F2FS_MAGIC >>> 0) >>> 0;
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function parseSuperblock(block: Buffer): F2fsSuperblock | null {
  const sb = block.subarray(F2FS_SUPER_OFFSET);
  if (sb.readUInt32LE(0) !== F2FS_MAGIC) return null;
  if (sb.readUInt32LE(16) !== 12 || sb.readUInt32LE(20) > 12) return null; // 4 KiB blocks, ≤ 4096 blocks per segment
  const name = sb.subarray(124, 124 + 1024).toString('utf16le');
  return {
    blocksPerSegment: 2 ** sb.readUInt32LE(20),
    blockCount: Number(sb.readBigUInt64LE(36)),
    cpBlkaddr: sb.readUInt32LE(76),
    natBlkaddr: sb.readUInt32LE(84),
    mainBlkaddr: sb.readUInt32LE(92),
    rootIno: sb.readUInt32LE(96),
    uuid: formatUuid(sb.subarray(108, 124)),
    label: name.replace(/\0.*$/su, ''),
    cpPayload: sb.readUInt32LE(1664),
    features: sb.readUInt32LE(2180),
  };
}

interface Checkpoint {
  readonly version: bigint;
  readonly start: number;
  readonly block: Buffer;
}

export class F2fsVolume {
  private readonly natCache = new Map<number, Buffer>();

  private constructor(
    readonly source: ByteSource,
    readonly superblock: F2fsSuperblock,
    private readonly checkpoint: Checkpoint,
    private readonly natBitmap: Buffer,
    private readonly natJournal: ReadonlyMap<number, number>,
  ) {}

  static async open(source: ByteSource): Promise<F2fsVolume> {
    if (source.size < 2 * BLOCK) throw fail(`the volume is only ${source.size} bytes`);
    const head = await source.read(0, 2 * BLOCK);
    // The superblock and its backup in blocks 0 and 1.
    const superblock = parseSuperblock(head.subarray(0, BLOCK)) ?? parseSuperblock(head.subarray(BLOCK, 2 * BLOCK));
    if (!superblock) throw fail('no valid superblock');
    if (superblock.blockCount * BLOCK > source.size) throw fail(`the filesystem has ${superblock.blockCount} blocks but the volume holds only ${source.size} bytes`);
    const read = (block: number) => source.read(block * BLOCK, BLOCK);
    const checkpoint = await newestCheckpoint(superblock, read);
    const cp = checkpoint.block;
    const flags = cp.readUInt32LE(132);
    const sitBitmapBytes = cp.readUInt32LE(156);
    const natBitmapBytes = cp.readUInt32LE(160);
    // checkpoint.c __bitmap_ptr(NAT_BITMAP).
    let natAt: number;
    if (flags & CP_LARGE_NAT_BITMAP_FLAG) natAt = 192 + 4;
    else if (superblock.cpPayload > 0) natAt = 192;
    else natAt = 192 + sitBitmapBytes;
    if (natAt + natBitmapBytes > BLOCK) throw fail('the NAT version bitmap does not fit in the checkpoint', true);
    const natBitmap = Buffer.from(cp.subarray(natAt, natAt + natBitmapBytes));
    const natJournal = parseNatJournal(await read(hotDataJournalBlock(checkpoint, flags)), flags & CP_COMPACT_SUM_FLAG ? 0 : SUM_ENTRIES_SIZE);
    return new F2fsVolume(source, superblock, checkpoint, natBitmap, natJournal);
  }

  /**
   * Whether node blocks a program fsync'ed after the newest checkpoint wait in the warm-node log:
   * the kernel rolls them forward at mount (recovery.c find_fsync_dnodes), this reader does not.
   * Only the first block of that log is looked at (is_recoverable_dnode).
   */
  async rollForwardPending(): Promise<boolean> {
    const cp = this.checkpoint.block;
    const flags = cp.readUInt32LE(132);
    // cur_node_segno[1] / cur_node_blkoff[1]: the warm node log (CURSEG_WARM_NODE − CURSEG_HOT_NODE).
    const segno = cp.readUInt32LE(36 + 4);
    const blkoff = cp.readUInt16LE(68 + 2);
    const address = this.superblock.mainBlkaddr + segno * this.superblock.blocksPerSegment + blkoff;
    if (address >= this.superblock.blockCount) return false;
    const node = await this.readBlock(address);
    const nodeVersion = node.readBigUInt64LE(BLOCK - 24 + 12);
    let version = this.checkpoint.version;
    if (flags & CP_NOCRC_RECOVERY_FLAG) return (version & 0xffffffffn) === (nodeVersion & 0xffffffffn);
    if (flags & CP_CRC_RECOVERY_FLAG) version |= BigInt(cp.readUInt32LE(cp.readUInt32LE(164))) << 32n;
    return version === nodeVersion;
  }

  /** Blocks the user can fill (checkpoint user_block_count). */
  get capacityBytes(): number {
    return Number(this.checkpoint.block.readBigUInt64LE(8)) * BLOCK;
  }

  /** user_block_count − valid_block_count, as of the newest checkpoint. */
  get freeBytes(): number {
    const cp = this.checkpoint.block;
    return Math.max(0, Number(cp.readBigUInt64LE(8) - cp.readBigUInt64LE(16))) * BLOCK;
  }

  private async readBlock(address: number): Promise<Buffer> {
    if (address >= this.superblock.blockCount) throw fail(`block ${address} lies past the filesystem`);
    return this.source.read(address * BLOCK, BLOCK);
  }

  /** node.h current_nat_addr: each NAT block has two copies, the bitmap says which is current. */
  private async nodeAddress(nid: number): Promise<number> {
    const journaled = this.natJournal.get(nid);
    if (journaled !== undefined) return journaled;
    const blockOffset = Math.floor(nid / NAT_ENTRY_PER_BLOCK);
    const perSeg = this.superblock.blocksPerSegment;
    let address = this.superblock.natBlkaddr + blockOffset * 2 - (blockOffset & (perSeg - 1));
    // f2fs_test_bit: most significant bit first within each byte.
    const byte = this.natBitmap[blockOffset >> 3];
    if (byte === undefined) throw fail(`node ${nid} is outside the NAT`);
    if (byte & (0x80 >> (blockOffset & 7))) address += perSeg;
    let natBlock = this.natCache.get(address);
    if (!natBlock) {
      natBlock = await this.readBlock(address);
      this.natCache.set(address, natBlock);
    }
    // struct f2fs_nat_entry { u8 version; le32 ino; le32 block_addr; }.
    return natBlock.readUInt32LE((nid % NAT_ENTRY_PER_BLOCK) * NAT_ENTRY_BYTES + 5);
  }

  private async readNode(nid: number): Promise<Buffer> {
    const address = await this.nodeAddress(nid);
    if (address === NULL_ADDR || address === NEW_ADDR) throw fail(`node ${nid} has no block`);
    const node = await this.readBlock(address);
    // struct node_footer at the end: nid first.
    if (node.readUInt32LE(BLOCK - 24) !== nid) throw fail(`node block ${address} does not belong to node ${nid}`);
    return node;
  }

  async readInode(ino: number): Promise<F2fsInode> {
    const node = await this.readNode(ino);
    const mode = node.readUInt16LE(0);
    const type = mode & 0o170000;
    return {
      ino,
      kind: type === 0o040000 ? 'directory' : type === 0o100000 ? 'file' : 'other',
      size: Number(node.readBigUInt64LE(16)),
      allocatedBytes: Number(node.readBigUInt64LE(24)) * 512,
      node,
    };
  }

  /** i_addr slot of the first data address and how many there are (extra attrs and inline xattrs take room). */
  private inodeAddressLayout(node: Buffer): { first: number; count: number } {
    const inline = node.readUInt8(3);
    const extraWords = inline & F2FS_EXTRA_ATTR ? node.readUInt16LE(I_ADDR_OFFSET) / 4 : 0;
    let xattrWords = 0;
    if (inline & F2FS_EXTRA_ATTR && this.superblock.features & FEATURE_FLEXIBLE_INLINE_XATTR) xattrWords = node.readUInt16LE(I_ADDR_OFFSET + 2);
    else if (inline & (F2FS_INLINE_XATTR | F2FS_INLINE_DENTRY)) xattrWords = DEFAULT_INLINE_XATTR_ADDRS;
    return { first: extraWords, count: DEF_ADDRS_PER_INODE - extraWords - xattrWords };
  }

  /** The inline area (inline_data_addr, MAX_INLINE_DATA bytes). */
  private inlineArea(node: Buffer): Buffer {
    const { first, count } = this.inodeAddressLayout(node);
    const start = I_ADDR_OFFSET + (first + 1) * 4; // DEF_INLINE_RESERVED_SIZE: one word
    return node.subarray(start, start + (count - 1) * 4);
  }

  /** The file's data block addresses, logical block → physical (0 for a hole, NEW_ADDR for reserved). */
  async blockAddresses(inode: F2fsInode): Promise<Uint32Array> {
    const { node } = inode;
    if (node.readUInt8(3) & (F2FS_INLINE_DATA | F2FS_INLINE_DENTRY)) return new Uint32Array(0);
    if (node.readUInt32LE(80) & F2FS_COMPR_FL) throw fail(`inode ${inode.ino} is compressed`, true);
    const blocks = Math.ceil(inode.size / BLOCK);
    const out = new Uint32Array(blocks);
    const { first, count } = this.inodeAddressLayout(node);
    let logical = 0;
    for (let i = 0; i < count && logical < blocks; i += 1, logical += 1) out[logical] = node.readUInt32LE(I_ADDR_OFFSET + (first + i) * 4);
    const direct = async (nid: number) => {
      if (nid === 0) {
        logical += PER_NODE_BLOCK;
        return;
      }
      const block = await this.readNode(nid);
      for (let i = 0; i < PER_NODE_BLOCK && logical < blocks; i += 1, logical += 1) out[logical] = block.readUInt32LE(i * 4);
    };
    const indirect = async (nid: number, level: number): Promise<void> => {
      if (nid === 0) {
        logical += PER_NODE_BLOCK ** (level + 1);
        return;
      }
      const block = await this.readNode(nid);
      for (let i = 0; i < PER_NODE_BLOCK && logical < blocks; i += 1) {
        const child = block.readUInt32LE(i * 4);
        if (level === 1) await direct(child);
        else await indirect(child, level - 1);
      }
    };
    const nid = (i: number) => node.readUInt32LE(I_NID_OFFSET + i * 4);
    if (logical < blocks) await direct(nid(0));
    if (logical < blocks) await direct(nid(1));
    if (logical < blocks) await indirect(nid(2), 1);
    if (logical < blocks) await indirect(nid(3), 1);
    if (logical < blocks) await indirect(nid(4), 2);
    return out;
  }

  async openFile(inode: F2fsInode): Promise<ByteSource> {
    if (inode.node.readUInt8(2) & FADVISE_ENCRYPT_BIT) throw fail(`inode ${inode.ino} is encrypted`, true);
    if (inode.node.readUInt8(3) & F2FS_INLINE_DATA) {
      const bytes = Buffer.from(this.inlineArea(inode.node).subarray(0, inode.size));
      return new InlineSource(bytes);
    }
    const addresses = await this.blockAddresses(inode);
    const runs: BlockRun[] = [];
    for (let logical = 0; logical < addresses.length; logical += 1) {
      const address = addresses[logical] ?? NULL_ADDR;
      if (address === NULL_ADDR) continue;
      if (address === COMPRESS_ADDR) throw fail(`inode ${inode.ino} has compressed clusters`, true);
      const unwritten = address === NEW_ADDR;
      if (!unwritten && address >= this.superblock.blockCount) throw fail(`inode ${inode.ino}: block ${address} lies past the filesystem`);
      const last = runs[runs.length - 1];
      if (last && last.unwritten === unwritten && last.logical + last.length === logical && (unwritten || last.physical + last.length === address)) {
        runs[runs.length - 1] = { ...last, length: last.length + 1 };
      } else {
        runs.push({ logical, physical: unwritten ? 0 : address, length: 1, unwritten });
      }
    }
    return new Ext4FileByteSource(this.source, BLOCK, runs, inode.size);
  }

  /** Entries of a directory, without "." and "..". */
  async list(directory: F2fsInode): Promise<F2fsDirEntry[]> {
    if (directory.kind !== 'directory') throw fail(`inode ${directory.ino} is not a directory`);
    if (directory.node.readUInt8(3) & F2FS_INLINE_DENTRY) {
      const area = this.inlineArea(directory.node);
      // inline.c / f2fs_fs.h NR_INLINE_DENTRY and friends, from MAX_INLINE_DATA.
      const count = Math.floor((area.length * 8) / ((DIR_ENTRY_BYTES + SLOT_LEN) * 8 + 1));
      const bitmapBytes = Math.ceil(count / 8);
      const reserved = area.length - ((DIR_ENTRY_BYTES + SLOT_LEN) * count + bitmapBytes);
      return parseDentries(area, count, 0, bitmapBytes + reserved, bitmapBytes + reserved + count * DIR_ENTRY_BYTES);
    }
    if (directory.size > MAX_DIRECTORY_BYTES) throw fail(`directory inode ${directory.ino} is ${directory.size} bytes`);
    const file = await this.openFile(directory);
    const bytes = await file.read(0, file.size);
    const entries: F2fsDirEntry[] = [];
    for (let at = 0; at + BLOCK <= bytes.length; at += BLOCK) {
      const block = bytes.subarray(at, at + BLOCK);
      const dentries = DENTRY_BITMAP_BYTES + DENTRY_RESERVED_BYTES;
      entries.push(...parseDentries(block, NR_DENTRY_IN_BLOCK, 0, dentries, dentries + NR_DENTRY_IN_BLOCK * DIR_ENTRY_BYTES));
    }
    return entries;
  }

  async lookup(path: string): Promise<F2fsInode | null> {
    const parts = path.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.length > MAX_PATH_DEPTH) return null;
    let current = await this.readInode(this.superblock.rootIno);
    for (const part of parts) {
      if (current.kind !== 'directory') return null;
      const next = (await this.list(current)).find((entry) => entry.name === part);
      if (!next) return null;
      current = await this.readInode(next.ino);
    }
    return current;
  }
}

/** The valid checkpoint pack with the higher version (checkpoint.c f2fs_get_valid_checkpoint). */
async function newestCheckpoint(sb: F2fsSuperblock, read: (block: number) => Promise<Buffer>): Promise<Checkpoint> {
  const candidates: Checkpoint[] = [];
  for (const start of [sb.cpBlkaddr, sb.cpBlkaddr + sb.blocksPerSegment]) {
    const first = await read(start);
    const version = validCheckpointVersion(first);
    if (version === null) continue;
    const total = first.readUInt32LE(136);
    if (total < 2 || total > sb.blocksPerSegment) continue;
    const last = await read(start + total - 1);
    if (validCheckpointVersion(last) !== version) continue;
    candidates.push({ version, start, block: first });
  }
  const best = candidates.sort((a, b) => (a.version > b.version ? -1 : a.version < b.version ? 1 : 0))[0];
  if (!best) throw fail('no valid checkpoint');
  return best;
}

/** The block's checkpoint_ver when its CRC (at checksum_offset) is right, else null. */
function validCheckpointVersion(block: Buffer): bigint | null {
  const crcOffset = block.readUInt32LE(164);
  if (crcOffset < 192 || crcOffset > BLOCK - 4) return null;
  if (f2fsCrc32(block.subarray(0, crcOffset)) !== block.readUInt32LE(crcOffset)) return null;
  return block.readBigUInt64LE(0);
}

/** Where the hot-data summary's journal (which holds the newest NAT entries) is in the pack. */
function hotDataJournalBlock(cp: Checkpoint, flags: number): number {
  const startSum = cp.block.readUInt32LE(140);
  if (flags & CP_COMPACT_SUM_FLAG) return cp.start + startSum;
  // segment.c sum_blk_addr: node summaries exist only in umount/fastboot checkpoints.
  const total = cp.block.readUInt32LE(136);
  const base = flags & (CP_UMOUNT_FLAG | CP_FASTBOOT_FLAG) ? 6 : 3;
  return cp.start + total - (base + 1);
}

/** struct f2fs_journal: le16 n_nats, then { le32 nid; f2fs_nat_entry } × n. */
function parseNatJournal(block: Buffer, at: number): Map<number, number> {
  const map = new Map<number, number>();
  const count = block.readUInt16LE(at);
  const max = Math.floor((SUM_JOURNAL_SIZE - 2) / NAT_JOURNAL_ENTRY_BYTES);
  for (let i = 0; i < Math.min(count, max); i += 1) {
    const entry = at + 2 + i * NAT_JOURNAL_ENTRY_BYTES;
    map.set(block.readUInt32LE(entry), block.readUInt32LE(entry + 4 + 5));
  }
  return map;
}

/** Dentries from a bitmap, records and name slots (dir.c f2fs_fill_dentries). */
function parseDentries(area: Buffer, count: number, bitmapAt: number, recordsAt: number, namesAt: number): F2fsDirEntry[] {
  const entries: F2fsDirEntry[] = [];
  let slot = 0;
  while (slot < count) {
    const used = (area[bitmapAt + (slot >> 3)] ?? 0) & (1 << (slot & 7)); // test_bit_le
    if (!used) {
      slot += 1;
      continue;
    }
    const record = recordsAt + slot * DIR_ENTRY_BYTES;
    const ino = area.readUInt32LE(record + 4);
    const nameLength = area.readUInt16LE(record + 8);
    const fileType = area.readUInt8(record + 10);
    const nameStart = namesAt + slot * SLOT_LEN;
    if (nameLength === 0 || nameStart + nameLength > area.length) {
      slot += 1;
      continue;
    }
    const name = area.toString('utf8', nameStart, nameStart + nameLength);
    if (name !== '.' && name !== '..') entries.push({ name, ino, fileType });
    slot += Math.max(1, Math.ceil(nameLength / SLOT_LEN));
  }
  return entries;
}

class InlineSource implements ByteSource {
  readonly size: number;
  constructor(private readonly bytes: Buffer) {
    this.size = bytes.length;
  }
  read(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || length < 0 || offset + length > this.size) return Promise.reject(fail('read past an inline file'));
    return Promise.resolve(Buffer.from(this.bytes.subarray(offset, offset + length)));
  }
}
