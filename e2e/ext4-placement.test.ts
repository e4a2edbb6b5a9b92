// Big files written straight into an ext4 filesystem's blocks (electron/engine/fs/ext4/
// placeExt4Files.ts): the bytes read back through debugfs are the bytes we wrote, and e2fsck
// accepts the result — for a file whose extents live in the inode (depth 0) and one large
// enough to need a leaf block (depth 1, whose checksum we rewrite).
import { describe, it, expect, afterAll } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, truncateSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildExt4 } from '../electron/engine/fs/ext4/buildExt4';
import { claimLeafBlocks, mapExtents, readExt4Facts, writeIntoExtents } from '../electron/engine/fs/ext4/placeExt4Files';
import { DeviceFile } from '../electron/engine/disk/deviceFile';
import { withLoop } from '../electron/engine/disk/loopDevice';

const MiB = 2 ** 20;
const scratch = mkdtempSync(path.join(tmpdir(), 'sw-ext4-place-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Random bytes, `size` of them in chunks of an odd size (so writes cross block edges), hashed as they go. */
function* randomChunks(size: number, hash: ReturnType<typeof createHash>): Generator<Buffer> {
  for (let done = 0; done < size; ) {
    const chunk = randomBytes(Math.min(4 * MiB - 7, size - done));
    hash.update(chunk);
    done += chunk.length;
    yield chunk;
  }
}

async function* asAsync(chunks: Iterable<Buffer>): AsyncGenerator<Buffer> {
  yield* chunks;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('ext4 direct placement', () => {
  it('writes a small (depth 0) and a large (depth 1) file into their blocks; data and fsck check out', async () => {
    const image = path.join(scratch, 'fs.img');
    const partitionOffset = 4 * MiB;
    const partitionSize = 1200 * MiB;
    writeFileSync(image, '');
    truncateSync(image, partitionOffset + partitionSize + MiB);
    const tree = path.join(scratch, 'tree');
    mkdirSync(path.join(tree, 'LiveOS'), { recursive: true });
    writeFileSync(path.join(tree, 'README'), 'small staged file\n');
    const files = [
      { path: '/LiveOS/small.img', size: 3 * MiB + 123 },
      { path: '/LiveOS/big.img', size: 700 * MiB + 4095 },
    ];
    for (const f of files) {
      writeFileSync(path.join(tree, f.path), '');
      truncateSync(path.join(tree, f.path), f.size);
    }

    const { facts, placed } = await withLoop(image, partitionOffset, partitionSize, async (loop) => {
      await buildExt4(loop, tree, { label: 'PLACE', uuid: '2b1c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b', allocate: files });
      return { facts: await readExt4Facts(loop), placed: await mapExtents(loop, files) };
    });
    expect(facts.csumSeed).not.toBeNull(); // metadata_csum is on: the leaf checksum is exercised
    expect(placed.map((p) => p.tree.depth)).toEqual([0, 1]);
    expect(placed[1]?.tree.leaves.length).toBeGreaterThan(4);

    const device = await DeviceFile.open(image, { block: false, size: partitionOffset + partitionSize + MiB });
    const expected: string[] = [];
    try {
      await claimLeafBlocks(device, partitionOffset, facts, placed);
      for (const file of placed) {
        const hash = createHash('sha256');
        let written = 0;
        await writeIntoExtents(device, partitionOffset, file, asAsync(randomChunks(file.size, hash)), (n) => (written += n));
        expect(written).toBe(file.size);
        expected.push(hash.digest('hex'));
      }
      await device.flush();
    } finally {
      await device.close();
    }

    await withLoop(image, partitionOffset, partitionSize, async (loop) => {
      const fsck = spawnSync('e2fsck', ['-f', '-n', loop], { encoding: 'utf8' });
      expect(fsck.status, `${fsck.stdout}${fsck.stderr}`).toBe(0);
      for (const [i, file] of files.entries()) {
        const out = path.join(scratch, `dump-${i}`);
        execFileSync('debugfs', ['-R', `dump ${file.path} ${out}`, loop], { stdio: 'ignore' });
        expect(await sha256(out)).toBe(expected[i]);
        rmSync(out);
      }
      const ex = execFileSync('debugfs', ['-R', 'ex /LiveOS/big.img', loop], { encoding: 'utf8' });
      expect(ex).not.toMatch(/Uninit/);
    });
  });
});
