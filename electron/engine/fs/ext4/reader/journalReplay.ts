// Journal replay in memory: a filesystem that was not cleanly unmounted (needs_recovery) keeps
// committed metadata in its jbd2 journal that may not be written in place yet; the kernel replays
// it at the next mount. This reads the journal the way recovery does (fs/jbd2/recovery.c
// do_one_pass: scan, revoke, replay) and returns a byte source in which every journaled block
// reads as its newest committed copy. Nothing is written. Formats from include/linux/jbd2.h (all
// fields big-endian).
import { checkRange, type ByteSource } from '../../../io/byteSource';
import { FilesystemError } from '../../filesystemError';

const JBD2_MAGIC = 0xc03b3998;
const BLOCKTYPE = { DESCRIPTOR: 1, COMMIT: 2, SUPERBLOCK_V1: 3, SUPERBLOCK_V2: 4, REVOKE: 5 } as const;
const INCOMPAT = { REVOKE: 0x1, BIT64: 0x2, ASYNC_COMMIT: 0x4, CSUM_V2: 0x8, CSUM_V3: 0x10, FAST_COMMIT: 0x20 } as const;
const TAG_FLAG = { ESCAPE: 1, SAME_UUID: 2, LAST_TAG: 8 } as const;
/** A journal longer than this many transactions is damaged, not busy. */
const MAX_TRANSACTIONS = 1_000_000;

export interface JournalReplay {
  /** Filesystem block → the journal's newest committed copy of it (a filesystem block number). */
  readonly blocks: ReadonlyMap<number, { readonly journalBlock: number; readonly escaped: boolean }>;
  readonly transactions: number;
}

/**
 * Scans the journal whose blocks are `journalBlocks` (logical journal block → filesystem block)
 * in the filesystem `source` with `blockSize`-byte blocks.
 */
export async function scanJournal(source: ByteSource, blockSize: number, journalBlocks: (logical: number) => number | null): Promise<JournalReplay> {
  const readLogical = async (logical: number): Promise<Buffer> => {
    const physical = journalBlocks(logical);
    if (physical === null) throw new FilesystemError('ext4', `journal block ${logical} is not mapped`);
    return source.read(physical * blockSize, blockSize);
  };
  const sb = await readLogical(0);
  const blocktype = sb.readUInt32BE(4);
  if (sb.readUInt32BE(0) !== JBD2_MAGIC || (blocktype !== BLOCKTYPE.SUPERBLOCK_V1 && blocktype !== BLOCKTYPE.SUPERBLOCK_V2)) {
    throw new FilesystemError('ext4', 'the journal has no valid superblock');
  }
  if (sb.readUInt32BE(12) !== blockSize) throw new FilesystemError('ext4', 'the journal block size differs from the filesystem');
  const maxlen = sb.readUInt32BE(16);
  const first = sb.readUInt32BE(20);
  let sequence = sb.readUInt32BE(24);
  const start = sb.readUInt32BE(28);
  const incompat = blocktype === BLOCKTYPE.SUPERBLOCK_V2 ? sb.readUInt32BE(40) : 0;
  // Fast-commit blocks sit at the end of the journal area (s_num_fc_blks); the log wraps before them.
  const fastCommitBlocks = incompat & INCOMPAT.FAST_COMMIT ? sb.readUInt32BE(84) || 256 : 0;
  const last = maxlen - fastCommitBlocks;
  if (start === 0) return { blocks: new Map(), transactions: 0 };
  if (first < 1 || first >= last || start < first || start >= last) throw new FilesystemError('ext4', 'the journal superblock is inconsistent');

  const is64 = (incompat & INCOMPAT.BIT64) !== 0;
  const csumV3 = (incompat & INCOMPAT.CSUM_V3) !== 0;
  const csumV2 = (incompat & INCOMPAT.CSUM_V2) !== 0;
  // journal_tag_bytes (jbd2.h).
  const tagBytes = csumV3 ? 16 : 12 + (csumV2 ? 2 : 0) - (is64 ? 0 : 4);
  const tailBytes = csumV2 || csumV3 ? 4 : 0;
  const wrap = (block: number) => (block >= last ? block - last + first : block);

  interface Tag {
    readonly fsBlock: number;
    readonly journalBlock: number;
    readonly escaped: boolean;
  }
  const committed: Array<{ sequence: number; tags: Tag[] }> = [];
  const revoked = new Map<number, number>(); // fs block → newest revoking sequence
  let pending: Tag[] = [];
  let pendingRevokes: number[] = [];
  let next = start;
  for (let steps = 0; steps < MAX_TRANSACTIONS * 4; steps += 1) {
    const block = await readLogical(next);
    if (block.readUInt32BE(0) !== JBD2_MAGIC || block.readUInt32BE(8) !== sequence) break;
    const type = block.readUInt32BE(4);
    next = wrap(next + 1);
    if (type === BLOCKTYPE.DESCRIPTOR) {
      let at = 12;
      for (;;) {
        if (at + tagBytes > blockSize - tailBytes) break;
        const low = block.readUInt32BE(at);
        const flags = csumV3 ? block.readUInt32BE(at + 4) : block.readUInt16BE(at + 6);
        const high = is64 ? block.readUInt32BE(at + 8) : 0;
        pending.push({ fsBlock: high * 2 ** 32 + low, journalBlock: next, escaped: (flags & TAG_FLAG.ESCAPE) !== 0 });
        next = wrap(next + 1);
        at += tagBytes + (flags & TAG_FLAG.SAME_UUID ? 0 : 16);
        if (flags & TAG_FLAG.LAST_TAG) break;
      }
    } else if (type === BLOCKTYPE.REVOKE) {
      // jbd2_journal_revoke_header_t: header, be32 r_count (bytes used), then block numbers.
      const used = Math.min(block.readUInt32BE(12), blockSize - tailBytes);
      const recordBytes = is64 ? 8 : 4;
      for (let at = 16; at + recordBytes <= used; at += recordBytes) {
        pendingRevokes.push(is64 ? block.readUInt32BE(at) * 2 ** 32 + block.readUInt32BE(at + 4) : block.readUInt32BE(at));
      }
    } else if (type === BLOCKTYPE.COMMIT) {
      committed.push({ sequence, tags: pending });
      for (const fsBlock of pendingRevokes) revoked.set(fsBlock, sequence);
      pending = [];
      pendingRevokes = [];
      sequence = (sequence + 1) >>> 0;
      if (committed.length > MAX_TRANSACTIONS) throw new FilesystemError('ext4', 'the journal does not end');
    } else {
      break;
    }
  }

  // Replay in order; a block revoked by this or a later transaction is not replayed
  // (recovery.c: jbd2_journal_test_revoke with the tag's transaction sequence).
  const blocks = new Map<number, { journalBlock: number; escaped: boolean }>();
  for (const transaction of committed) {
    for (const tag of transaction.tags) {
      const revokedAt = revoked.get(tag.fsBlock);
      if (revokedAt !== undefined && !sequenceBefore(revokedAt, transaction.sequence)) continue;
      const physical = journalBlocks(tag.journalBlock);
      if (physical === null) throw new FilesystemError('ext4', `journal block ${tag.journalBlock} is not mapped`);
      blocks.set(tag.fsBlock, { journalBlock: physical, escaped: tag.escaped });
    }
  }
  return { blocks, transactions: committed.length };
}

/** tid_gt semantics: is `a` older than `b`, with 32-bit wraparound. */
function sequenceBefore(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** The filesystem's bytes with the journal's committed blocks in place. */
export class ReplayedByteSource implements ByteSource {
  readonly size: number;

  constructor(
    private readonly parent: ByteSource,
    private readonly blockSize: number,
    private readonly replay: JournalReplay,
  ) {
    this.size = parent.size;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length, this.size, 'filesystem');
    const out = await this.parent.read(offset, length);
    if (this.replay.blocks.size === 0 || length === 0) return out;
    const firstBlock = Math.floor(offset / this.blockSize);
    const lastBlock = Math.floor((offset + length - 1) / this.blockSize);
    for (let block = firstBlock; block <= lastBlock; block += 1) {
      const copy = this.replay.blocks.get(block);
      if (!copy) continue;
      const bytes = await this.parent.read(copy.journalBlock * this.blockSize, this.blockSize);
      // A journaled block that began with the journal magic was stored with it zeroed (ESCAPE).
      if (copy.escaped) bytes.writeUInt32BE(JBD2_MAGIC, 0);
      const blockStart = block * this.blockSize;
      const from = Math.max(offset, blockStart);
      const to = Math.min(offset + length, blockStart + this.blockSize);
      bytes.copy(out, from - offset, from - blockStart, to - blockStart);
    }
    return out;
  }
}
