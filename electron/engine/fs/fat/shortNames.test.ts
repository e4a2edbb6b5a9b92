import { describe, expect, it } from 'vitest';
import { assignShortNames, basisName, displayShortName, exactShortName } from './shortNames';

describe('exactShortName', () => {
  it('keeps valid upper-case 8.3 names as they are', () => {
    expect(exactShortName('BOOTX64.EFI')).toBe('BOOTX64 EFI');
    expect(exactShortName('EFI')).toBe('EFI        ');
    expect(exactShortName('A-B_C~1.$$$')).toBe('A-B_C~1 $$$');
  });

  it('refuses what needs a long name: lower case, spaces, long parts, two dots', () => {
    for (const name of ['squashfs.img', 'grub.cfg', 'Boot', 'MY FILE.TXT', 'ABCDEFGHI', 'A.BCDE', 'A.B.C', 'A.', '.A', 'A+B', 'ÄBC']) {
      expect(exactShortName(name), name).toBeNull();
    }
  });
});

describe('basisName (fatgen103 §7 basis-name generation)', () => {
  it('upper-cases, strips spaces and leading periods, cuts at 8.3', () => {
    expect(basisName('squashfs.img')).toEqual({ base: 'SQUASHFS', extension: 'IMG', lossy: false, fits: true });
    expect(basisName('overlay-LIVE-1234-ABCD')).toEqual({ base: 'OVERLAY-', extension: '', lossy: false, fits: false });
    expect(basisName('My File.txt')).toEqual({ base: 'MYFILE', extension: 'TXT', lossy: false, fits: false });
    expect(basisName('.bashrc')).toEqual({ base: 'BASHRC', extension: '', lossy: false, fits: false });
    expect(basisName('initrd.img.old')).toEqual({ base: 'INITRD', extension: 'OLD', lossy: false, fits: false });
    expect(basisName('vmlinuz-6.8.9.tar')).toEqual({ base: 'VMLINUZ-', extension: 'TAR', lossy: false, fits: false });
  });

  it('replaces characters 8.3 cannot hold with "_" and marks the name lossy', () => {
    expect(basisName('a+b=c.txt')).toEqual({ base: 'A_B_C', extension: 'TXT', lossy: true, fits: false });
    expect(basisName('café.cfg')).toEqual({ base: 'CAF_', extension: 'CFG', lossy: true, fits: false });
  });
});

describe('assignShortNames', () => {
  const shortNames = (names: string[]): string[] => assignShortNames(names).map((name) => displayShortName(name.shortName));

  it('gives names that fit 8.3 their upper-case form, with a long name when the case differs', () => {
    expect(assignShortNames(['BOOTX64.EFI', 'grub.cfg', 'vmlinuz'])).toEqual([
      { shortName: 'BOOTX64 EFI', needsLongName: false },
      { shortName: 'GRUB    CFG', needsLongName: true },
      { shortName: 'VMLINUZ    ', needsLongName: true },
    ]);
  });

  it('adds ~n tails to names that do not fit, unique in the directory', () => {
    expect(shortNames(['overlay-LIVE-1234-ABCD', 'overlay-LIVE-5678-EF01', 'overlay.img', 'home.img'])).toEqual([
      'OVERLA~1',
      'OVERLA~2',
      'OVERLAY.IMG',
      'HOME.IMG',
    ]);
    // The extension comes from after the last dot; an exact 8.3 name keeps its own ~1.
    expect(shortNames(['initrd.img-6.1', 'initrd.img-5.1', 'INITRD~1.1'])).toEqual(['INITRD~2.1', 'INITRD~3.1', 'INITRD~1.1']);
  });

  it('shortens the base to make room for longer tails', () => {
    const names = Array.from({ length: 12 }, (_, i) => `longfilename${i}.txt`);
    const assigned = shortNames(names);
    expect(assigned[0]).toBe('LONGFI~1.TXT');
    expect(assigned[9]).toBe('LONGF~10.TXT');
    expect(new Set(assigned).size).toBe(names.length);
  });

  it('never hands out the same short name twice, whatever the names', () => {
    const names = ['a b', 'a_b', 'A b.c', 'a+b', 'a=b', 'ab', 'AB~1', 'a.b.c', 'a..c', 'a b c d e f g h', 'ab~1'];
    const assigned = assignShortNames(names).map((name) => name.shortName);
    expect(new Set(assigned).size).toBe(names.length);
    for (const name of assigned) expect(name).toHaveLength(11);
  });
});
