import { describe, expect, it } from 'vitest';
import { parseRockRidge } from './rockRidge';
import { readSuspEntries, splitArea } from './susp';
import { ce, nm, px, suspEntry } from './testing/testIsoImage';

const entries = (...parts: Buffer[]) => splitArea(Buffer.concat(parts));
const component = (flags: number, text = ''): number[] => [flags, Buffer.byteLength(text), ...Buffer.from(text)];

describe('Rock Ridge entries (RRIP 1.12)', () => {
  it('joins NM entries marked CONTINUE (§4.1.4) and ignores "." and ".." names', () => {
    const info = parseRockRidge(entries(nm('first-part-', 1), nm('second-part-', 1), nm('end')));
    expect(info.name).toBe('first-part-second-part-end');
    expect(parseRockRidge(entries(nm('', 2))).name).toBeNull();
  });

  it('decodes UTF-8 names and falls back to Latin-1 for other bytes', () => {
    expect(parseRockRidge(entries(nm('ünïcødé-日本語'))).name).toBe('ünïcødé-日本語');
    const latin1 = suspEntry('NM', [0, 0x63, 0x61, 0x66, 0xe9]);
    expect(parseRockRidge(entries(latin1)).name).toBe('café');
  });

  it('builds symlink targets from SL components, across SL entries and continued components (§4.1.3)', () => {
    const absolute = suspEntry('SL', [0, ...component(0x08), ...component(0, 'usr'), ...component(0, 'lib')]);
    expect(parseRockRidge(entries(absolute)).symlink).toBe('/usr/lib');
    const relative = suspEntry('SL', [0, ...component(0x04), ...component(0x04), ...component(0x02), ...component(0, 'x')]);
    expect(parseRockRidge(entries(relative)).symlink).toBe('../.././x');
    // The link continues in a second SL (flag 1), and the component "abcdef" is split in two.
    const first = suspEntry('SL', [1, ...component(0, 'dir'), ...component(0x01, 'abc')]);
    const second = suspEntry('SL', [0, ...component(0, 'def'), ...component(0, 'file')]);
    expect(parseRockRidge(entries(first, second)).symlink).toBe('dir/abcdef/file');
    expect(parseRockRidge(entries(suspEntry('SL', [0, ...component(0x08)]))).symlink).toBe('/');
  });

  it('reads PX modes, CL/PL/RE relocation markers and the TF modify time', () => {
    const cl = suspEntry('CL', [...Buffer.from([0x10, 0, 0, 0, 0, 0, 0, 0x10])]);
    const tf = suspEntry('TF', [0x06, ...[124, 2, 3, 4, 5, 6, 0], ...[124, 3, 4, 5, 6, 7, 0]]);
    const info = parseRockRidge(entries(px(0o100644), cl, suspEntry('RE', []), tf));
    expect(info.mode).toBe(0o100644);
    expect(info.childLink).toBe(16);
    expect(info.relocated).toBe(true);
    expect(info.modified).toBe('2024-02-03T04:05:06.000Z');
    expect(info.present).toBe(true);
  });
});

describe('SUSP areas', () => {
  it('follows CE continuation areas and stops at ST', async () => {
    const area2 = Buffer.concat([nm('tail'), suspEntry('ST', []), nm('ignored')]);
    const reads: string[] = [];
    const read = async (block: number, offset: number, length: number) => {
      reads.push(`${block}:${offset}:${length}`);
      return area2.subarray(0, length);
    };
    const found = await readSuspEntries(Buffer.concat([nm('head-', 1), ce(7, 100, area2.length)]), 0, read);
    expect(reads).toEqual([`7:100:${area2.length}`]);
    expect(parseRockRidge(found).name).toBe('head-tail');
  });

  it('bounds a CE chain that points at itself', async () => {
    const loop = ce(7, 0, 28);
    await expect(readSuspEntries(loop, 0, async () => loop)).rejects.toMatchObject({ code: 'SOURCE_CORRUPT' });
  });

  it('ends an area at an entry whose length does not fit', () => {
    const area = Buffer.concat([nm('ok'), Buffer.from([0x4e, 0x4d, 200, 1, 0])]);
    expect(splitArea(area).map((entry) => entry.signature)).toEqual(['NM']);
  });
});
