import { describe, expect, it } from 'vitest';
import { GrubBiosError } from './grubBiosError';
import { configDirectory, renderGrubEarlyConfig } from './grubEarlyConfig';

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof GrubBiosError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('renderGrubEarlyConfig', () => {
  it('finds the live filesystem by UUID, sets the prefix to the menu’s directory and loads the menu', () => {
    expect(renderGrubEarlyConfig({ rootUuid: '5e1f2c3a-0b4d-4e6f-8a9b-0c1d2e3f4a5b', configPath: '/boot/grub2/grub.cfg' })).toBe(
      [
        'search --no-floppy --fs-uuid --set=root 5e1f2c3a-0b4d-4e6f-8a9b-0c1d2e3f4a5b',
        'set prefix=($root)/boot/grub2',
        'configfile ($root)/boot/grub2/grub.cfg',
        '',
      ].join('\n'),
    );
  });

  it('takes FAT volume ids and can talk on a serial port from the start', () => {
    const text = renderGrubEarlyConfig({ rootUuid: '1A2B-3C4D', configPath: '/grub.cfg', serial: { unit: 1, speed: 9600 } });
    expect(text.split('\n')).toEqual([
      'serial --unit=1 --speed=9600',
      'terminal_input --append serial',
      'terminal_output --append serial',
      'search --no-floppy --fs-uuid --set=root 1A2B-3C4D',
      'set prefix=($root)',
      'configfile ($root)/grub.cfg',
      '',
    ]);
  });

  it('refuses anything GRUB’s parser could split, expand or walk out with', () => {
    for (const rootUuid of ['', '1234-ABCD; reboot', '$(x)', 'zzzz-zzzz', '1234 ABCD', '1234-ABCD\nreboot']) {
      expect(reasonOf(() => renderGrubEarlyConfig({ rootUuid, configPath: '/boot/grub2/grub.cfg' })), rootUuid).toBe('BAD_OPTION');
    }
    for (const configPath of ['boot/grub.cfg', '/boot/../grub.cfg', '/boot//grub.cfg', '/boot/my grub.cfg', '/boot/$x.cfg', '/', '/boot/"a"']) {
      expect(reasonOf(() => configDirectory(configPath)), configPath).toBe('BAD_OPTION');
    }
    expect(reasonOf(() => renderGrubEarlyConfig({ rootUuid: '1234-ABCD', configPath: '/g.cfg', serial: { unit: 9 } }))).toBe('BAD_OPTION');
  });
});
