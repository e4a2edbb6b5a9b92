import { describe, expect, it } from 'vitest';
import { entriesByImage } from './bootMenus';

const entry = (title: string, cmdline: string) => ({ title, kernel: '/vmlinuz', initrd: [], cmdline, isDefault: false });

describe('entriesByImage', () => {
  it('groups live entries by rd.live.dir (LiveOS by default), titles de-duplicated in menu order', () => {
    const byDir = entriesByImage([
      entry('Fedora', 'root=live:UUID=1 rd.live.image rw rd.live.overlay=UUID=1'),
      entry('Fedora (basic)', 'root=live:UUID=1 rd.live.image rw rd.live.dir=LiveOS nomodeset'),
      entry('Fedora', 'root=live:UUID=1 rd.live.image rd.live.dir=LiveOS'),
      entry('F42 ~ Start', 'root=live:UUID=1 rd.live.image rd.live.dir=/F42/'),
      entry('Old style', 'root=live:LABEL=X liveimg live_dir=OLD'),
      entry('Memory test', 'memtest'),
      entry('Installed system', 'root=/dev/sda2 ro'),
    ]);
    expect([...byDir.keys()]).toEqual(['LiveOS', 'F42', 'OLD']);
    expect(byDir.get('LiveOS')?.titles).toEqual(['Fedora', 'Fedora (basic)']);
    expect(byDir.get('F42')?.titles).toEqual(['F42 ~ Start']);
    expect(byDir.get('LiveOS')?.overlayPath).toBeNull();
  });

  it('takes an explicit overlay path from rd.live.overlay=<dev>:<path>, as dracut does (text after the last colon)', () => {
    const byDir = entriesByImage([
      entry('A', 'root=live:UUID=1 rd.live.image rd.live.overlay=UUID=1:/LiveOS/my-overlay'),
      entry('B', 'root=live:UUID=1 rd.live.image rd.live.dir=B rd.live.overlay=LABEL=X:auto'),
      entry('C', 'root=live:UUID=1 rd.live.image rd.live.dir=C rd.overlay=UUID=1:C/relative'),
    ]);
    expect(byDir.get('LiveOS')?.overlayPath).toBe('/LiveOS/my-overlay');
    expect(byDir.get('B')?.overlayPath).toBeNull();
    expect(byDir.get('C')?.overlayPath).toBe('/C/relative');
  });
});
