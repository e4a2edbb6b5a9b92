import { describe, expect, it } from 'vitest';
import { StickwrightError } from '../../../shared/errors';
import type { ByteSource } from '../io/byteSource';
import { checkRootImage } from './checkRootImage';

/** A squashfs 4.0 superblock (squashfs_fs.h) in a file of `size` bytes. */
function squashfs(size: number, patch: (sb: Buffer) => void = () => undefined): ByteSource {
  const bytes = Buffer.alloc(Math.max(size, 96));
  bytes.write('hsqs', 0, 'latin1');
  bytes.writeUInt32LE(10, 4); // inodes
  bytes.writeUInt32LE(131072, 12); // block size
  bytes.writeUInt16LE(4, 20); // xz
  bytes.writeUInt16LE(17, 22); // block log
  bytes.writeUInt16LE(4, 28); // 4.0
  const at = (back: number) => BigInt(Math.max(96, size - back));
  bytes.writeBigUInt64LE(at(100), 40); // bytes used
  bytes.writeBigUInt64LE(at(400) - 2n, 64); // inode table
  bytes.writeBigUInt64LE(at(300) - 1n, 72); // directory table
  patch(bytes);
  const data = bytes.subarray(0, size);
  return { size, read: async (offset, length) => data.subarray(offset, offset + length) };
}

async function codeOf(promise: Promise<void>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return error instanceof StickwrightError ? `${error.code}: ${error.detail}` : String(error);
  }
}

describe('checkRootImage: the live root image before anything is written', () => {
  it('passes a whole squashfs', async () => {
    expect(await codeOf(checkRootImage('/LiveOS/squashfs.img', squashfs(8192)))).toBeNull();
  });

  it('refuses a squashfs whose bytes_used passes the end of its file (cut short)', async () => {
    const cut = squashfs(8192, (sb) => sb.writeBigUInt64LE(100_000n, 40));
    expect(await codeOf(checkRootImage('/LiveOS/squashfs.img', cut))).toMatch(/^SOURCE_CORRUPT: .*cut short: its superblock says 100000 bytes, the ISO holds 8192/);
  });

  it('refuses a damaged superblock (bad block size, tables out of order)', async () => {
    const badBlock = squashfs(8192, (sb) => sb.writeUInt32LE(1000, 12));
    expect(await codeOf(checkRootImage('/LiveOS/squashfs.img', badBlock))).toMatch(/^SOURCE_CORRUPT: .*damaged squashfs superblock \(squashfs: block size 1000/);
    const order = squashfs(8192, (sb) => sb.writeBigUInt64LE(9_000_000n, 64));
    expect(await codeOf(checkRootImage('/casper/filesystem.squashfs', order))).toMatch(/^SOURCE_CORRUPT: .*out of order/);
  });

  it('refuses an image named squashfs without the magic, or too short to hold a superblock', async () => {
    const noMagic = squashfs(8192, (sb) => sb.write('XXXX', 0, 'latin1'));
    expect(await codeOf(checkRootImage('/LiveOS/squashfs.img', noMagic))).toMatch(/^SOURCE_CORRUPT: the live root image \/LiveOS\/squashfs.img has no squashfs superblock/);
    expect(await codeOf(checkRootImage('/live/filesystem.squashfs', squashfs(50)))).toMatch(/^SOURCE_CORRUPT: .*only 50 bytes long/);
  });

  it('leaves other formats and older squashfs versions to the planner', async () => {
    const erofs = squashfs(8192, (sb) => sb.write('\0\0\0\0', 0, 'latin1'));
    expect(await codeOf(checkRootImage('/LiveOS/rootfs.img', erofs))).toBeNull();
    // kiwi: an EROFS root in a file still named squashfs.img (the liveos-kiwi fixture).
    const kiwi = squashfs(8192, (sb) => {
      sb.write('\0\0\0\0', 0, 'latin1');
      sb.writeUInt32LE(0xe0f5e1e2, 1024);
    });
    expect(await codeOf(checkRootImage('/LiveOS/squashfs.img', kiwi))).toBeNull();
    const v3 = squashfs(8192, (sb) => sb.writeUInt16LE(3, 28));
    expect(await codeOf(checkRootImage('/LiveOS/squashfs.img', v3))).toBeNull();
  });
});
