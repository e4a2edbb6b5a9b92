import { describe, expect, it } from 'vitest';
import { BufferByteSource } from '../../../io/bufferByteSource';
import { ReplayedByteSource, scanJournal } from './journalReplay';

const BS = 1024;
const MAGIC = 0xc03b3998;
/** The journal occupies filesystem blocks 100… (logical journal block n = fs block 100 + n). */
const JOURNAL_AT = 100;
const JOURNAL_BLOCKS = 64;

type Feature = 'plain' | 'csum-v3' | 'bit32';

interface Tx {
  readonly writes?: ReadonlyArray<{ block: number; fill: number; startsWithMagic?: boolean }>;
  readonly revokes?: readonly number[];
  readonly commit?: boolean;
}

/** A filesystem image of 200 blocks (block n filled with n & 0xff) with a journal holding `txs`. */
function imageWithJournal(txs: readonly Tx[], feature: Feature = 'plain', firstSequence = 7): Buffer {
  const image = Buffer.alloc(200 * BS);
  for (let b = 0; b < 200; b += 1) image.fill(b & 0xff, b * BS, (b + 1) * BS);
  image.fill(0, JOURNAL_AT * BS, (JOURNAL_AT + JOURNAL_BLOCKS) * BS);
  const is64 = feature !== 'bit32';
  const csum = feature === 'csum-v3';
  const tagBytes = csum ? 16 : is64 ? 12 : 8;
  const sb = Buffer.alloc(BS);
  sb.writeUInt32BE(MAGIC, 0);
  sb.writeUInt32BE(4, 4); // superblock v2
  sb.writeUInt32BE(BS, 12);
  sb.writeUInt32BE(JOURNAL_BLOCKS, 16);
  sb.writeUInt32BE(1, 20); // s_first
  sb.writeUInt32BE(firstSequence, 24);
  sb.writeUInt32BE(txs.length > 0 ? 1 : 0, 28); // s_start
  sb.writeUInt32BE(0x1 | (is64 ? 0x2 : 0) | (csum ? 0x10 : 0), 40);
  sb.copy(image, JOURNAL_AT * BS);
  let next = 1;
  const put = (block: Buffer) => {
    block.copy(image, (JOURNAL_AT + next) * BS);
    next += 1;
  };
  const header = (type: number, sequence: number) => {
    const block = Buffer.alloc(BS);
    block.writeUInt32BE(MAGIC, 0);
    block.writeUInt32BE(type, 4);
    block.writeUInt32BE(sequence, 8);
    return block;
  };
  txs.forEach((tx, i) => {
    const sequence = firstSequence + i;
    if (tx.revokes?.length) {
      const revoke = header(5, sequence);
      const record = is64 ? 8 : 4;
      revoke.writeUInt32BE(16 + tx.revokes.length * record, 12);
      tx.revokes.forEach((b, j) => (is64 ? revoke.writeUInt32BE(b, 16 + j * 8 + 4) : revoke.writeUInt32BE(b, 16 + j * 4)));
      put(revoke);
    }
    if (tx.writes?.length) {
      const descriptor = header(1, sequence);
      let at = 12;
      tx.writes.forEach((w, j) => {
        let flags = j === 0 ? 0 : 2; // the first tag carries the UUID, the others SAME_UUID
        if (j === tx.writes!.length - 1) flags |= 8;
        if (w.startsWithMagic) flags |= 1;
        descriptor.writeUInt32BE(w.block, at);
        if (csum) descriptor.writeUInt32BE(flags, at + 4);
        else descriptor.writeUInt16BE(flags, at + 6);
        at += tagBytes + (j === 0 ? 16 : 0);
      });
      put(descriptor);
      for (const w of tx.writes) {
        const data = Buffer.alloc(BS, w.fill);
        if (w.startsWithMagic) data.writeUInt32BE(0, 0); // escaped: stored with the magic zeroed
        put(data);
      }
    }
    if (tx.commit ?? true) put(header(2, sequence));
  });
  return image;
}

async function replayed(image: Buffer): Promise<ReplayedByteSource> {
  const source = new BufferByteSource(image);
  const replay = await scanJournal(source, BS, (n) => (n < JOURNAL_BLOCKS ? JOURNAL_AT + n : null));
  return new ReplayedByteSource(source, BS, replay);
}

async function blockFill(source: ReplayedByteSource, block: number): Promise<number> {
  const bytes = await source.read(block * BS, BS);
  return bytes[BS - 1] ?? -1;
}

describe('jbd2 replay', () => {
  for (const feature of ['plain', 'csum-v3', 'bit32'] as const) {
    it(`replays committed blocks, newest last (${feature})`, async () => {
      const image = imageWithJournal(
        [
          { writes: [{ block: 10, fill: 0xa1 }, { block: 11, fill: 0xa2 }] },
          { writes: [{ block: 10, fill: 0xb1 }] },
        ],
        feature,
      );
      const source = await replayed(image);
      expect(await blockFill(source, 10)).toBe(0xb1);
      expect(await blockFill(source, 11)).toBe(0xa2);
      expect(await blockFill(source, 12)).toBe(12);
      // A read across replayed and in-place blocks.
      const span = await source.read(11 * BS - 2, 4 + BS);
      expect([...span.subarray(0, 2)]).toEqual([0xb1, 0xb1]);
      expect([...span.subarray(2, 4)]).toEqual([0xa2, 0xa2]);
      expect(span[span.length - 1]).toBe(12);
    });
  }

  it('ignores a transaction without its commit block', async () => {
    const source = await replayed(imageWithJournal([{ writes: [{ block: 20, fill: 0xc1 }] }, { writes: [{ block: 20, fill: 0xc2 }, { block: 21, fill: 0xc3 }], commit: false }]));
    expect(await blockFill(source, 20)).toBe(0xc1);
    expect(await blockFill(source, 21)).toBe(21);
  });

  it('honours revoke records of the same or a later transaction, not of earlier ones', async () => {
    const source = await replayed(
      imageWithJournal([
        { writes: [{ block: 30, fill: 0xd1 }, { block: 31, fill: 0xd2 }] },
        { revokes: [30] },
        { revokes: [32] },
        { writes: [{ block: 32, fill: 0xd3 }] },
      ]),
    );
    expect(await blockFill(source, 30)).toBe(30); // revoked later: the in-place block stays
    expect(await blockFill(source, 31)).toBe(0xd2);
    expect(await blockFill(source, 32)).toBe(0xd3); // revoked before it was written again
  });

  it('restores the magic of escaped blocks', async () => {
    const source = await replayed(imageWithJournal([{ writes: [{ block: 40, fill: 0xe1, startsWithMagic: true }] }]));
    const bytes = await source.read(40 * BS, 8);
    expect(bytes.readUInt32BE(0)).toBe(MAGIC);
    expect(bytes[4]).toBe(0xe1);
  });

  it('does nothing for a clean journal (s_start 0)', async () => {
    const image = imageWithJournal([]);
    const replay = await scanJournal(new BufferByteSource(image), BS, (n) => JOURNAL_AT + n);
    expect(replay.blocks.size).toBe(0);
    expect(replay.transactions).toBe(0);
  });

  it('refuses a journal without its superblock', async () => {
    const image = imageWithJournal([{ writes: [{ block: 10, fill: 1 }] }]);
    image.fill(0, JOURNAL_AT * BS, (JOURNAL_AT + 1) * BS);
    await expect(scanJournal(new BufferByteSource(image), BS, (n) => JOURNAL_AT + n)).rejects.toThrow(/superblock/);
  });
});
