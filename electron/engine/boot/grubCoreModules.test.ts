import { describe, expect, it } from 'vitest';
import { GrubBiosError } from './grubBiosError';
import { GRUB_BIOS_BASE_MODULES, grubCoreModules } from './grubCoreModules';

describe('grubCoreModules', () => {
  it('puts the partition map and the filesystem first, then everything a BIOS live menu uses', () => {
    const modules = grubCoreModules({ fsModule: 'f2fs', partitionTable: 'msdos' });
    expect(modules.slice(0, 2)).toEqual(['part_msdos', 'f2fs']);
    expect(modules).toEqual(
      expect.arrayContaining(['biosdisk', 'search', 'normal', 'configfile', 'linux', 'echo', 'test', 'serial', 'terminal', 'gzio', 'halt', 'reboot']),
    );
    expect(modules).toHaveLength(2 + GRUB_BIOS_BASE_MODULES.length);
    expect(grubCoreModules({ fsModule: 'ext2', partitionTable: 'gpt' }).slice(0, 2)).toEqual(['part_gpt', 'ext2']);
  });

  it('adds extra modules once and refuses names that are not module names', () => {
    const modules = grubCoreModules({ fsModule: 'fat', partitionTable: 'msdos', extraModules: ['part_gpt', 'ext2', 'fat', 'normal'] });
    expect(modules.filter((m) => m === 'fat')).toHaveLength(1);
    expect(modules).toContain('part_gpt');
    expect(() => grubCoreModules({ fsModule: 'fat', partitionTable: 'msdos', extraModules: ['../x'] })).toThrow(GrubBiosError);
    expect(() => grubCoreModules({ fsModule: 'fat', partitionTable: 'msdos', extraModules: ['-o'] })).toThrow(GrubBiosError);
  });
});
