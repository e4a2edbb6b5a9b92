import { describe, expect, it } from 'vitest';
import { parseMountInfo } from './mountInfo';

describe('parseMountInfo', () => {
  it('reads device numbers, mount points (with escapes) and sources', () => {
    const text = [
      '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
      '87 22 8:17 / /media/me/My\\040Stick rw,nosuid shared:40 - vfat /dev/sdb1 rw,uid=1000',
      'garbage',
    ].join('\n');
    expect(parseMountInfo(text)).toEqual([
      { device: '254:0', mountPoint: '/', fsType: 'ext4', source: '/dev/vda' },
      { device: '8:17', mountPoint: '/media/me/My Stick', fsType: 'vfat', source: '/dev/sdb1' },
    ]);
  });
});
