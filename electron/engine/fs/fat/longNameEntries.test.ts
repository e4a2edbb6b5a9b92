import { describe, expect, it } from 'vitest';
import { parseDirectoryEntries, shortNameChecksum } from './directoryEntries';
import { encodeDirectoryEntries, encodeFatTimestamp } from './encodeDirectoryEntries';
import { encodeLongNameEntries, longNameEntryCount, longNameProblem } from './longNameEntries';

const checksumOf = (name11: string): number => shortNameChecksum(Buffer.from(name11, 'latin1'));

describe('encodeLongNameEntries', () => {
  it('writes what mtools writes for overlay-LIVE-1234-ABCD (OVERLA~1)', () => {
    // `mcopy` of a file with that name onto a fresh mkfs.fat image, root directory slots 1 and 2.
    expect(checksumOf('OVERLA~1   ')).toBe(0x55);
    const entries = encodeLongNameEntries('overlay-LIVE-1234-ABCD', 0x55).map((entry) => entry.toString('hex'));
    expect(entries).toEqual([
      '4231003200330034002d000f005541004200430044000000ffff0000ffffffff',
      '016f007600650072006c000f0055610079002d004c0049005600000045002d00',
    ]);
  });

  it('leaves out the terminator when the name fills its last entry exactly (§7)', () => {
    const [entry] = encodeLongNameEntries('abcdefghijklm', 1);
    expect(entry?.readUInt8(0)).toBe(0x41);
    expect(entry?.readUInt16LE(30)).toBe('m'.charCodeAt(0));
    expect(longNameEntryCount('abcdefghijklm')).toBe(1);
    expect(longNameEntryCount('abcdefghijklmn')).toBe(2);
  });

  it('reads back through the FAT reader with checksums that match, for names of every length', () => {
    const names = ['a', 'squashfs.img', 'abcdefghijklm', 'Ünïcødé – 名前 🚀.txt', 'x'.repeat(255)];
    const entries = names.map((longName, index) => ({
      longName,
      shortName: `NAME~${index + 1}  TXT`,
      attributes: 0x20,
      firstCluster: 100 + index,
      size: index,
      modified: new Date(Date.UTC(2024, 2, 15, 10, 20, 31)),
    }));
    const parsed = parseDirectoryEntries(encodeDirectoryEntries(entries));
    expect(parsed.entries.map((entry) => entry.name)).toEqual(names);
    expect(parsed.entries.map((entry) => entry.firstCluster)).toEqual([100, 101, 102, 103, 104]);
    expect(parsed.entries[0]?.modified).toBe('2024-03-15T10:20:30');
  });
});

describe('longNameProblem', () => {
  it('accepts long names Linux and Windows both accept', () => {
    for (const name of ['squashfs.img', 'overlay-LIVE-1234-ABCD', 'a b', '.hidden', 'x'.repeat(255), 'naïve 名前']) {
      expect(longNameProblem(name), name).toBeNull();
    }
  });

  it('refuses reserved, forbidden and over-long names', () => {
    for (const name of ['', '.', '..', 'a:b', 'a*', 'a?', 'a"b', 'a<b', 'a|b', 'a\\b', 'tab\t', 'dot.', 'space ', 'x'.repeat(256), '\ud800x']) {
      expect(longNameProblem(name), JSON.stringify(name)).not.toBeNull();
    }
  });
});

describe('encodeFatTimestamp', () => {
  it('encodes §6.3 fields from UTC and clamps to 1980–2107', () => {
    expect(encodeFatTimestamp(new Date(Date.UTC(2024, 2, 15, 10, 20, 31, 500)))).toEqual({
      date: (44 << 9) | (3 << 5) | 15,
      time: (10 << 11) | (20 << 5) | 15,
      hundredths: 150,
    });
    expect(encodeFatTimestamp(new Date(Date.UTC(1970, 0, 1)))).toEqual({ date: (1 << 5) | 1, time: 0, hundredths: 0 });
    expect(encodeFatTimestamp(new Date(Date.UTC(2200, 0, 1))).date).toBe((127 << 9) | (12 << 5) | 31);
  });
});
