import { describe, expect, it } from 'vitest';
import { restoreLabel, restorePartition } from './restoreStick';

const MiB = 2 ** 20;

describe('restore: the one partition', () => {
  it('starts at 1 MiB and spans the rest of the disk, typed for its filesystem', () => {
    expect(restorePartition(1024 * MiB, 'fat32')).toEqual({ start: MiB, size: 1023 * MiB, type: 0x0c });
    expect(restorePartition(1024 * MiB + 1000, 'exfat')).toEqual({ start: MiB, size: 1023 * MiB + 512, type: 0x07 });
  });

  it('stops where an MBR stops addressing (2 TiB)', () => {
    const p = restorePartition(4 * 2 ** 40, 'exfat');
    expect(p.start / 512 + p.size / 512).toBe(2 ** 32 - 1);
  });

  it('too small for the filesystem: TARGET_TOO_SMALL', () => {
    expect(() => restorePartition(32 * MiB, 'fat32')).toThrow(expect.objectContaining({ code: 'TARGET_TOO_SMALL' }));
    expect(restorePartition(32 * MiB, 'exfat').size).toBe(31 * MiB);
  });
});

describe('restore: the label', () => {
  it('FAT32 upper-case, at most 11; exFAT as given, at most 15', () => {
    expect(restoreLabel('stick', 'fat32')).toBe('STICK');
    expect(restoreLabel('My Stick', 'exfat')).toBe('My Stick');
    expect(() => restoreLabel('TWELVE_CHARS', 'fat32')).toThrow(expect.objectContaining({ code: 'LABEL_INVALID' }));
    expect(restoreLabel('FIFTEEN_CHARS__', 'exfat')).toBe('FIFTEEN_CHARS__');
  });

  it.each(['', ' lead', 'trail ', 'a/b', 'x"y', 'dot.ted'])('refuses %j', (label) => {
    expect(() => restoreLabel(label, 'exfat')).toThrow(expect.objectContaining({ code: 'LABEL_INVALID' }));
  });
});
