import { describe, expect, it } from 'vitest';
import { dirNameProblem, entryDir, ImageMeta, imageFromBootEntries, imageNameFromTitle, ownKernelArgs, randomDirName } from './imageMeta';

describe('image metadata', () => {
  it('keeps only the image\'s own kernel arguments', () => {
    expect(ownKernelArgs('root=live:CDLABEL=X rd.live.image quiet rhgb console=ttyS0 ro rd.live.check')).toBe('quiet rhgb console=ttyS0');
    expect(ownKernelArgs('initrd=/syslinux/initrd.img root=live:UUID=1 rw rd.live.image rd.live.dir=ab rd.live.overlay=UUID=1 rd.live.overlay.overlayfs sw.image=two')).toBe('sw.image=two');
    expect(ownKernelArgs('rd.live.image')).toBe('');
  });

  it('names an image after its menu title', () => {
    expect(imageNameFromTitle('Start Fedora-Workstation-Live 41')).toBe('Fedora-Workstation-Live 41');
    expect(imageNameFromTitle('F42 ~Start Fedora-KDE-Live 42')).toBe('Fedora-KDE-Live 42');
    expect(imageNameFromTitle('Start')).toBe('Start');
  });

  it('draws short random directory names that clash with nothing, case-insensitively', () => {
    let n = 0;
    const sequence = [0, 0, 0, 0, 0, 0, 0, 0, 0.99, 0.99, 0.99, 0.99];
    const random = () => sequence[n++ % sequence.length] ?? 0;
    expect(randomDirName(['AAAA'], random)).toBe('9999');
    expect(randomDirName([], Math.random)).toMatch(/^[a-z0-9]{4}$/);
  });

  it('refuses directory names that are taken, reserved or unsafe', () => {
    expect(dirNameProblem('F42', ['LiveOS'])).toBeNull();
    expect(dirNameProblem('liveos', ['LiveOS'])).toContain('already');
    expect(dirNameProblem('EFI', [])).toContain('boot loaders');
    expect(dirNameProblem('../x', [])).toContain('not a directory name');
    expect(dirNameProblem('.hidden', [])).toContain('not a directory name');
  });

  it('validates the metadata file', () => {
    const good = { version: 1, name: 'X', dir: 'ab12', kernel: '/ab12/boot/vmlinuz', initrd: ['/ab12/boot/initrd.img'], args: '', isoLabel: 'L', family: 'dracut-liveos', addedAt: '2026-01-01T00:00:00.000Z' };
    expect(ImageMeta.safeParse(good).success).toBe(true);
    expect(ImageMeta.safeParse({ ...good, dir: '../etc' }).success).toBe(false);
    expect(ImageMeta.safeParse({ ...good, kernel: 'vmlinuz' }).success).toBe(false);
    expect(ImageMeta.safeParse({ ...good, extra: 1 }).success).toBe(false);
  });
});

describe('imageFromBootEntries (sticks without metadata)', () => {
  const UUID = 'ABCD-1234';
  // A livecd-iso-to-disk --multi stick: the second image's SYSLINUX entry names paths relative to
  // /F42/syslinux, its UEFI grub.cfg entry absolute ones with a "<dir> ~" title prefix.
  const syslinux = { title: 'Start Fedora-KDE-Live 42', kernel: 'vmlinuz', initrd: ['initrd.img'], cmdline: `root=live:UUID=${UUID} rw rd.live.image rd.live.dir=F42 rd.live.overlay=UUID=${UUID} quiet`, isDefault: true };
  const grub = { title: 'F42 ~Start Fedora-KDE-Live 42', kernel: '/F42/syslinux/vmlinuz', initrd: ['/F42/syslinux/initrd.img'], cmdline: `root=live:UUID=${UUID} rw rd.live.image rd.live.dir=F42 rd.live.overlay=UUID=${UUID} quiet rhgb`, isDefault: false };

  it('prefers an entry with absolute paths, and names the image after its title', () => {
    expect(imageFromBootEntries('F42', [syslinux, grub])).toEqual({
      version: 1, name: 'Fedora-KDE-Live 42', dir: 'F42', kernel: '/F42/syslinux/vmlinuz', initrd: ['/F42/syslinux/initrd.img'], args: 'quiet rhgb', isoLabel: null, family: 'dracut-liveos', addedAt: null,
    });
  });

  it('resolves SYSLINUX paths against the image\'s syslinux directory', () => {
    expect(imageFromBootEntries('F42', [syslinux])).toMatchObject({ kernel: '/F42/syslinux/vmlinuz', initrd: ['/F42/syslinux/initrd.img'], args: 'quiet' });
    expect(imageFromBootEntries('LiveOS', [{ ...syslinux, cmdline: 'root=live:UUID=x rd.live.image' }])).toMatchObject({ kernel: '/syslinux/vmlinuz' });
    expect(imageFromBootEntries('F42', [])).toBeNull();
  });

  it('tells which image an entry starts', () => {
    expect(entryDir(grub)).toBe('F42');
    expect(entryDir({ ...grub, cmdline: 'root=live:CDLABEL=X rd.live.image' })).toBe('LiveOS');
    expect(entryDir({ ...grub, cmdline: 'root=/dev/sda2 ro' })).toBeNull();
  });
});
