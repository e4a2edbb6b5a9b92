import { describe, expect, it } from 'vitest';
import { StickwrightError } from '../../../shared/errors';
import { BufferByteSource } from '../io/bufferByteSource';
import { IsoFileSystem } from './isoFileSystem';
import {
  buildImage,
  ce,
  directoryBytes,
  directoryRecord,
  er,
  nm,
  px,
  SECTOR,
  sp,
  suspEntry,
  terminator,
  volumeDescriptor,
} from './testing/testIsoImage';

const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return error instanceof StickwrightError ? error.code : `not a StickwrightError: ${String(error)}`;
  }
}

describe('IsoFileSystem on hand-built images', () => {
  it('joins multi-extent records into one file and reads across the extents', async () => {
    // Root at 20; a file in three extents (flag 0x80 on all but the last) at 30, 32 and 34.
    const root = directoryBytes([
      directoryRecord({ name: '\0', lba: 20, size: SECTOR, flags: 2 }),
      directoryRecord({ name: '\x01', lba: 20, size: SECTOR, flags: 2 }),
      directoryRecord({ name: 'BIG.BIN;1', lba: 30, size: 4096, flags: 0x80 }),
      directoryRecord({ name: 'BIG.BIN;1', lba: 32, size: 4096, flags: 0x80 }),
      directoryRecord({ name: 'BIG.BIN;1', lba: 34, size: 100 }),
      directoryRecord({ name: 'EMPTY.;1', lba: 0, size: 0 }),
    ]);
    const image = buildImage(40, {
      16: volumeDescriptor({ root: { lba: 20, size: SECTOR }, volumeSpaceSize: 40 }),
      17: terminator(),
      20: root,
      30: Buffer.alloc(4096, 'a'),
      32: Buffer.alloc(4096, 'b'),
      34: Buffer.alloc(100, 'c'),
    });
    const fs = await IsoFileSystem.open(new BufferByteSource(image));
    expect(fs.hierarchy).toBe('iso9660');
    const entries = await fs.list('/');
    expect(entries.map((entry) => [entry.name, entry.size])).toEqual([
      ['BIG.BIN', 8292],
      ['EMPTY', 0],
    ]);
    const big = await fs.lookup('/big.bin', { caseInsensitive: true });
    expect(big?.extents).toHaveLength(3);
    expect(await fs.lookup('/big.bin')).toBeNull();
    const file = fs.openFile(big!);
    expect((await file.read(4090, 12)).toString()).toBe('aaaaaabbbbbb');
    expect((await file.read(8190, 102)).toString()).toBe('bb' + 'c'.repeat(100));
  });

  it('reads a directory of several sectors and the Joliet names (UCS-2 big-endian)', async () => {
    const records = [
      directoryRecord({ name: '\0', lba: 22, size: 3 * SECTOR, flags: 2 }),
      directoryRecord({ name: '\x01', lba: 22, size: 3 * SECTOR, flags: 2 }),
    ];
    for (let i = 0; i < 100; i += 1) {
      records.push(directoryRecord({ name: utf16be(`Fichier numéro ${String(i).padStart(3, '0')}.txt;1`), lba: 40, size: 5 }));
    }
    const joliet = directoryBytes(records);
    expect(joliet.length).toBeGreaterThan(3 * SECTOR);
    const image = buildImage(41, {
      16: volumeDescriptor({ root: { lba: 20, size: SECTOR }, volumeSpaceSize: 41 }),
      17: volumeDescriptor({ type: 2, escapes: '%/E', root: { lba: 22, size: joliet.length }, volumeSpaceSize: 41 }),
      18: terminator(),
      20: directoryBytes([directoryRecord({ name: '\0', lba: 20, size: SECTOR, flags: 2 })]),
      22: joliet,
      40: Buffer.from('hello'),
    });
    const fs = await IsoFileSystem.open(new BufferByteSource(image));
    expect(fs.hierarchy).toBe('joliet');
    expect(fs.descriptors.joliet?.level).toBe(3);
    const names = (await fs.list('/')).map((entry) => entry.name);
    expect(names).toHaveLength(100);
    expect(names[99]).toBe('Fichier numéro 099.txt');
    const file = await fs.lookup('/Fichier numéro 042.txt');
    expect((await fs.readFile(file!)).toString()).toBe('hello');
  });

  it('uses Rock Ridge names (continued NM in a CE area), hides RE and follows CL', async () => {
    const longName = `${'n'.repeat(150)}-${'m'.repeat(100)}`;
    // The NM for the long name starts in the record and continues in a CE area at block 25.
    const continuation = Buffer.concat([nm(longName.slice(120), 0), px(0o100644)]);
    const rootDot = Buffer.concat([sp(), px(0o040755), ce(26, 0, 0)]);
    const ceRoot = er();
    const root = directoryBytes([
      directoryRecord({ name: '\0', lba: 20, size: SECTOR, flags: 2, systemUse: Buffer.concat([sp(), px(0o040755), ce(26, 0, ceRoot.length)]) }),
      directoryRecord({ name: '\x01', lba: 20, size: SECTOR, flags: 2 }),
      directoryRecord({ name: 'LONGNAME.;1', lba: 40, size: 3, systemUse: Buffer.concat([nm(longName.slice(0, 120), 1), ce(25, 0, continuation.length)]) }),
      directoryRecord({ name: 'LINK.;1', lba: 0, size: 0, systemUse: Buffer.concat([nm('link'), px(0o120777), suspEntry('SL', [0, 0, 3, ...Buffer.from('usr'), 0, 3, ...Buffer.from('lib')])]) }),
      // A placeholder file whose CL points at the relocated directory at 22.
      directoryRecord({ name: 'DEEP.;1', lba: 0, size: 0, systemUse: Buffer.concat([nm('deep'), suspEntry('CL', [...Buffer.alloc(0), ...bothEndian(22)])]) }),
      directoryRecord({ name: 'RR_MOVED', lba: 23, size: SECTOR, flags: 2, systemUse: nm('rr_moved') }),
    ]);
    void rootDot;
    const relocated = directoryBytes([
      directoryRecord({ name: '\0', lba: 22, size: SECTOR, flags: 2 }),
      directoryRecord({ name: '\x01', lba: 23, size: SECTOR, flags: 2, systemUse: suspEntry('PL', [...bothEndian(20)]) }),
      directoryRecord({ name: 'INNER.;1', lba: 41, size: 2, systemUse: nm('inner.txt') }),
    ]);
    const moved = directoryBytes([
      directoryRecord({ name: '\0', lba: 23, size: SECTOR, flags: 2 }),
      directoryRecord({ name: '\x01', lba: 20, size: SECTOR, flags: 2 }),
      directoryRecord({ name: 'DEEP', lba: 22, size: SECTOR, flags: 2, systemUse: Buffer.concat([nm('deep'), suspEntry('RE', [])]) }),
    ]);
    const image = buildImage(42, {
      16: volumeDescriptor({ root: { lba: 20, size: SECTOR }, volumeSpaceSize: 42 }),
      17: terminator(),
      20: root,
      22: relocated,
      23: moved,
      25: continuation,
      26: ceRoot,
      40: Buffer.from('abc'),
      41: Buffer.from('hi'),
    });
    const fs = await IsoFileSystem.open(new BufferByteSource(image));
    expect(fs.hierarchy).toBe('rock-ridge');
    const names = (await fs.list('/')).map((entry) => entry.name);
    expect(names).toEqual([longName, 'link', 'deep', 'rr_moved']);
    const link = await fs.lookup('/link');
    expect(link?.kind).toBe('symlink');
    expect(link?.symlinkTarget).toBe('usr/lib');
    const deep = await fs.lookup('/deep');
    expect(deep?.kind).toBe('directory');
    expect((await fs.list('/rr_moved')).map((entry) => entry.name)).toEqual([]);
    const inner = await fs.lookup('/deep/inner.txt');
    expect((await fs.readFile(inner!)).toString()).toBe('hi');
    expect(await fs.lookup('/DEEP/INNER.TXT', { caseInsensitive: true })).not.toBeNull();
    const walked: string[] = [];
    for await (const entry of fs.walk()) walked.push(entry.path);
    expect(walked).toContain('/deep/inner.txt');
  });

  it('refuses a directory that contains its own parent, and records that do not fit', async () => {
    const root = directoryBytes([
      directoryRecord({ name: '\0', lba: 20, size: SECTOR, flags: 2 }),
      directoryRecord({ name: '\x01', lba: 20, size: SECTOR, flags: 2 }),
      directoryRecord({ name: 'LOOP', lba: 21, size: SECTOR, flags: 2 }),
    ]);
    const loop = directoryBytes([
      directoryRecord({ name: '\0', lba: 21, size: SECTOR, flags: 2 }),
      directoryRecord({ name: '\x01', lba: 20, size: SECTOR, flags: 2 }),
      directoryRecord({ name: 'BACK', lba: 20, size: SECTOR, flags: 2 }),
    ]);
    const image = buildImage(30, {
      16: volumeDescriptor({ root: { lba: 20, size: SECTOR }, volumeSpaceSize: 30 }),
      17: terminator(),
      20: root,
      21: loop,
    });
    const fs = await IsoFileSystem.open(new BufferByteSource(image));
    const walk = async (): Promise<void> => {
      for await (const entry of fs.walk()) void entry;
    };
    expect(await codeOf(walk())).toBe('SOURCE_CORRUPT');

    const broken = Buffer.from(image);
    broken.writeUInt8(10, 21 * SECTOR + 68); // LEN_DR of "BACK" is shorter than any record
    const fs2 = await IsoFileSystem.open(new BufferByteSource(broken));
    expect(await codeOf(fs2.list('/LOOP'))).toBe('SOURCE_CORRUPT');
  });

  it('reports a directory past the end of the file as truncation', async () => {
    const root = directoryBytes([
      directoryRecord({ name: '\0', lba: 20, size: SECTOR, flags: 2 }),
      directoryRecord({ name: 'FAR', lba: 9000, size: SECTOR, flags: 2 }),
    ]);
    const image = buildImage(30, { 16: volumeDescriptor({ root: { lba: 20, size: SECTOR }, volumeSpaceSize: 30 }), 17: terminator(), 20: root });
    const fs = await IsoFileSystem.open(new BufferByteSource(image));
    expect(await codeOf(fs.list('/FAR'))).toBe('SOURCE_TRUNCATED');
  });

  it('tells what is not ISO 9660 at all', async () => {
    expect(await codeOf(IsoFileSystem.open(new BufferByteSource(Buffer.alloc(0))))).toBe('SOURCE_NOT_ISO9660');
    expect(await codeOf(IsoFileSystem.open(new BufferByteSource(Buffer.alloc(100_000, 0x41))))).toBe('SOURCE_NOT_ISO9660');
  });
});

function bothEndian(value: number): number[] {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32LE(value, 0);
  bytes.writeUInt32BE(value, 4);
  return [...bytes];
}
