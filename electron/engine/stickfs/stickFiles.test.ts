import { describe, expect, it } from 'vitest';
import { parseDebugfsListing } from './stickFiles';

describe('parseDebugfsListing', () => {
  it('tells directories from files by the mode\'s type bits, as debugfs 1.47 prints them (leading 0)', () => {
    const stdout = ['/12/040755/0/0/.//', '/2/040755/0/0/..//', '/13/040755/0/0/boot//', '/14/100644/0/0/squashfs.img/5898240/', '/15/100644/0/0/home.img/67108864/', '/16/120777/0/0/link/4/', ''].join('\n');
    expect(parseDebugfsListing(stdout)).toEqual([
      { name: 'boot', isDirectory: true },
      { name: 'squashfs.img', isDirectory: false },
      { name: 'home.img', isDirectory: false },
      { name: 'link', isDirectory: false },
    ]);
  });

  it('also without the leading 0, and ignores lines that are not entries', () => {
    expect(parseDebugfsListing('/13/40755/0/0/ovlwork//\ndebugfs 1.47.0 (5-Feb-2023)\n')).toEqual([{ name: 'ovlwork', isDirectory: true }]);
  });
});
