import { describe, expect, it } from 'vitest';
import { parseExtentDump } from './extentDump';
import { crc32c } from './crc32c';

describe('parseExtentDump', () => {
  it('reads a depth-1 tree: index entries and leaf runs', () => {
    const tree = parseExtentDump(`Level Entries         Logical        Physical Length Flags
 0/ 1   1/  1      0 - 262143 164097          262144
 1/ 1   1/  9      0 -  24279   8488 -  32767  24280 Uninit
 1/ 1   2/  9  24280 -  57046  33025 -  65791  32767 Uninit
 1/ 1   3/  9  57047 -  89558  65792 -  98303  32512`);
    expect(tree.depth).toBe(1);
    expect(tree.index).toEqual([{ level: 0, depth: 1, logicalStart: 0, logicalEnd: 262143, physicalStart: 164097, length: 262144, uninit: false }]);
    expect(tree.leaves.map((l) => [l.logicalStart, l.physicalStart, l.length, l.uninit])).toEqual([
      [0, 8488, 24280, true],
      [24280, 33025, 32767, true],
      [57047, 65792, 32512, false],
    ]);
  });

  it('reads extents kept in the inode (depth 0)', () => {
    const tree = parseExtentDump('Level Entries       Logical      Physical Length Flags\n 0/ 0   1/  1     0 -  2559  4386 -  6945   2560 Uninit');
    expect(tree.depth).toBe(0);
    expect(tree.index).toEqual([]);
    expect(tree.leaves).toEqual([{ level: 0, depth: 0, logicalStart: 0, logicalEnd: 2559, physicalStart: 4386, length: 2560, uninit: true }]);
  });
});

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});
