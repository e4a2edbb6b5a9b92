// The squashfs 4.0 superblock (Linux fs/squashfs/squashfs_fs.h, struct squashfs_super_block).
import { FilesystemError } from '../filesystemError';

export const SQUASHFS_MAGIC = 0x73717368; // "hsqs" read little-endian

/** Compressor ids (squashfs_fs.h ZLIB_COMPRESSION … ZSTD_COMPRESSION). */
export const COMPRESSORS: Readonly<Record<number, string>> = {
  1: 'gzip',
  2: 'lzma',
  3: 'lzo',
  4: 'xz',
  5: 'lz4',
  6: 'zstd',
};

export interface SquashfsSuperblock {
  readonly inodeCount: number;
  readonly blockSize: number;
  readonly compressionId: number;
  /** "gzip", "xz", "zstd", …, or "unknown-<id>". */
  readonly compression: string;
  readonly flags: number;
  readonly version: string;
  /** Root inode reference: metadata block offset from the inode table, and offset within it. */
  readonly rootInode: { readonly block: number; readonly offset: number };
  readonly bytesUsed: number;
  readonly inodeTableStart: number;
  readonly directoryTableStart: number;
}

export const SUPERBLOCK_SIZE = 96;

export function isSquashfs(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === SQUASHFS_MAGIC;
}

export function parseSquashfsSuperblock(bytes: Buffer): SquashfsSuperblock {
  const fail = (message: string): FilesystemError => new FilesystemError('squashfs', message);
  if (bytes.length < SUPERBLOCK_SIZE || !isSquashfs(bytes)) throw fail('no hsqs magic');
  const major = bytes.readUInt16LE(28);
  const minor = bytes.readUInt16LE(30);
  if (major !== 4) throw new FilesystemError('squashfs', `version ${major}.${minor} is not 4.x`, true);
  const blockSize = bytes.readUInt32LE(12);
  const blockLog = bytes.readUInt16LE(22);
  if (blockSize < 4096 || blockSize > 1 << 20 || 1 << blockLog !== blockSize) throw fail(`block size ${blockSize} is invalid`);
  const compressionId = bytes.readUInt16LE(20);
  const rootRef = bytes.readBigUInt64LE(32);
  const bytesUsed = Number(bytes.readBigUInt64LE(40));
  const inodeTableStart = Number(bytes.readBigUInt64LE(64));
  const directoryTableStart = Number(bytes.readBigUInt64LE(72));
  if (!(inodeTableStart < directoryTableStart && directoryTableStart <= bytesUsed)) {
    throw fail('the inode and directory tables are out of order');
  }
  return {
    inodeCount: bytes.readUInt32LE(4),
    blockSize,
    compressionId,
    compression: COMPRESSORS[compressionId] ?? `unknown-${compressionId}`,
    flags: bytes.readUInt16LE(24),
    version: `${major}.${minor}`,
    rootInode: { block: Number(rootRef >> 16n), offset: Number(rootRef & 0xffffn) },
    bytesUsed,
    inodeTableStart,
    directoryTableStart,
  };
}
