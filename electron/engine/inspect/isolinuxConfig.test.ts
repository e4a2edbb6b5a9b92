import { describe, expect, it } from 'vitest';
import { parseSyslinuxConfig } from './isolinuxConfig';

const reader = (files: Record<string, string>) => async (path: string) => files[path] ?? null;

describe('parseSyslinuxConfig', () => {
  it('follows INCLUDE relative to the config directory and takes MENU DEFAULT', async () => {
    const parsed = await parseSyslinuxConfig(
      '/isolinux/isolinux.cfg',
      reader({
        '/isolinux/isolinux.cfg': 'include menu.cfg\ndefault vesamenu.c32\nprompt 0\n',
        '/isolinux/menu.cfg': 'MENU TITLE Live\ninclude missing.cfg\nINCLUDE live.cfg\n',
        '/isolinux/live.cfg': `label live
	menu label ^Start live
	kernel vmlinuz0
	append initrd=initrd0.img,extra.img root=live:CDLABEL=X rd.live.image quiet
label check
	menu label Check ^media
	menu default
	linux /images/pxeboot/vmlinuz
	initrd /images/pxeboot/initrd.img
	append root=live:CDLABEL=X rd.live.image rd.live.check
label local
	menu label Boot from local drive
	localboot 0xffff
`,
      }),
    );
    expect(parsed.files).toEqual(['/isolinux/isolinux.cfg', '/isolinux/menu.cfg', '/isolinux/live.cfg']);
    expect(parsed.entries).toEqual([
      {
        title: 'Start live',
        kernel: '/isolinux/vmlinuz0',
        initrd: ['/isolinux/initrd0.img', '/isolinux/extra.img'],
        cmdline: 'root=live:CDLABEL=X rd.live.image quiet',
        isDefault: false,
      },
      { title: 'Check media', kernel: '/images/pxeboot/vmlinuz', initrd: ['/images/pxeboot/initrd.img'], cmdline: 'root=live:CDLABEL=X rd.live.image rd.live.check', isDefault: true },
      { title: 'Boot from local drive', kernel: null, initrd: [], cmdline: '', isDefault: false },
    ]);
  });

  it('uses DEFAULT by label name, a global APPEND, and ignores TEXT HELP blocks', async () => {
    const parsed = await parseSyslinuxConfig(
      '/syslinux/syslinux.cfg',
      reader({ '/syslinux/syslinux.cfg': 'DEFAULT second\nAPPEND quiet\nLABEL first\nKERNEL /a\nLABEL second\nTEXT HELP\nLABEL not-a-label\nENDTEXT\nKERNEL /b\n' }),
    );
    expect(parsed.entries.map((entry) => [entry.title, entry.kernel, entry.cmdline, entry.isDefault])).toEqual([
      ['first', '/a', 'quiet', false],
      ['second', '/b', 'quiet', true],
    ]);
  });

  it('splices the menu of a LABEL … CONFIG target; whichsys.c32 picks the -iso- choice (archiso)', async () => {
    const parsed = await parseSyslinuxConfig(
      '/boot/syslinux/syslinux.cfg',
      reader({
        '/boot/syslinux/syslinux.cfg': 'DEFAULT select\nLABEL select\nCOM32 whichsys.c32\nAPPEND -pxe- pxe -sys- sys -iso- sys\nLABEL pxe\nCONFIG pxe.cfg\nLABEL sys\nCONFIG sys.cfg\n',
        '/boot/syslinux/pxe.cfg': 'LABEL nbd\nLINUX ::/arch/vmlinuz\nAPPEND archiso_nbd_srv=x\n',
        '/boot/syslinux/sys.cfg': 'DEFAULT arch\nLABEL arch\nLINUX /arch/vmlinuz\nINITRD /arch/ucode.img,/arch/initramfs.img\nAPPEND archisobasedir=arch\n',
      }),
    );
    expect(parsed.entries.map((entry) => [entry.title, entry.kernel, entry.isDefault])).toEqual([
      ['select', '/boot/syslinux/whichsys.c32', false],
      ['nbd', '/arch/vmlinuz', false],
      ['arch', '/arch/vmlinuz', true],
    ]);
    expect(parsed.entries[2]?.initrd).toEqual(['/arch/ucode.img', '/arch/initramfs.img']);
  });

  it('does not loop on a config that includes itself', async () => {
    const parsed = await parseSyslinuxConfig('/a.cfg', reader({ '/a.cfg': 'include a.cfg\nlabel x\nkernel /k\nconfig a.cfg\n' }));
    expect(parsed.files).toEqual(['/a.cfg']);
  });
});
