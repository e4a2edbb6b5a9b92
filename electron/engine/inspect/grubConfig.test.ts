import { describe, expect, it } from 'vitest';
import { grubPath, parseGrubConfig } from './grubConfig';
import { expandWord, lexGrubScript } from './grubScriptLexer';

const reader = (files: Record<string, string>) => async (path: string) => files[path] ?? null;

describe('GRUB script words', () => {
  it('keeps single quotes literal, expands in double quotes and joins continued lines', () => {
    const tokens = lexGrubScript(`echo 'a $x' "b $x \\"q\\" \\$x" c\\\n  d # comment\nnext;last`);
    const words = tokens.map((token) => (token.kind === 'word' ? expandWord(token.parts, new Map([['x', 'X']])) : token.kind));
    expect(words).toEqual(['echo', 'a $x', 'b X "q" $x', 'c', 'd', 'end', 'next', 'end', 'last']);
  });

  it('leaves unknown variables as written and strips GRUB device prefixes from paths', () => {
    const [word] = lexGrubScript('${known}/$unknown/${other}');
    expect(word?.kind === 'word' ? expandWord(word.parts, new Map([['known', 'k']])) : null).toBe('k/$unknown/${other}');
    expect(grubPath('($root)/boot/x86_64/loader/linux')).toBe('/boot/x86_64/loader/linux');
    expect(grubPath('(hd0,gpt2)/vmlinuz')).toBe('/vmlinuz');
  });
});

describe('parseGrubConfig', () => {
  it('lists entries with kernel, initrds and command line; default by index', async () => {
    const { entries } = await parseGrubConfig(
      '/boot/grub2/grub.cfg',
      reader({
        '/boot/grub2/grub.cfg': `set default="1"
function load_video {
  insmod all_video
}
load_video
set root_spec=live:CDLABEL=Fedora-WS-Live-40
menuentry 'Start Fedora' --class fedora --class gnu-linux {
	linuxefi /images/pxeboot/vmlinuz root=\${root_spec}  rd.live.image quiet rhgb
	initrdefi /images/pxeboot/initrd.img
}
menuentry "Test this media & start Fedora" --id=check {
	linux /images/pxeboot/vmlinuz root=$root_spec rd.live.image \\
	      rd.live.check quiet
	initrd /images/pxeboot/initrd.img /images/pxeboot/extra.img
}
submenu 'Troubleshooting -->' {
	menuentry 'Basic graphics' { linux /images/pxeboot/vmlinuz nomodeset; initrd /images/pxeboot/initrd.img; }
}
`,
      }),
    );
    expect(entries).toEqual([
      { title: 'Start Fedora', kernel: '/images/pxeboot/vmlinuz', initrd: ['/images/pxeboot/initrd.img'], cmdline: 'root=live:CDLABEL=Fedora-WS-Live-40 rd.live.image quiet rhgb', isDefault: false },
      {
        title: 'Test this media & start Fedora',
        kernel: '/images/pxeboot/vmlinuz',
        initrd: ['/images/pxeboot/initrd.img', '/images/pxeboot/extra.img'],
        cmdline: 'root=live:CDLABEL=Fedora-WS-Live-40 rd.live.image rd.live.check quiet',
        isDefault: true,
      },
      { title: 'Troubleshooting --> > Basic graphics', kernel: '/images/pxeboot/vmlinuz', initrd: ['/images/pxeboot/initrd.img'], cmdline: 'nomodeset', isDefault: false },
    ]);
  });

  it('follows source and configfile, with $prefix and ($root) paths, and defaults by --id or submenu path', async () => {
    const files = {
      '/EFI/BOOT/grub.cfg': 'search --file --set=root /boot/marker\nset prefix=($root)/boot/grub2\nconfigfile $prefix/grub.cfg\n',
      '/boot/grub2/grub.cfg': `default=archlinux
source \${prefix}/entries.cfg
submenu 'More' --id more {
  menuentry 'Inner' --id inner { linux /k inner }
}`,
      '/boot/grub2/entries.cfg': `menuentry 'Arch' --class arch --id 'archlinux' {
  linux ($root)/arch/vmlinuz archisobasedir=arch
}`,
    };
    const parsed = await parseGrubConfig('/EFI/BOOT/grub.cfg', reader(files));
    expect(parsed.files).toEqual(['/EFI/BOOT/grub.cfg', '/boot/grub2/grub.cfg', '/boot/grub2/entries.cfg']);
    expect(parsed.entries.map((entry) => [entry.title, entry.kernel, entry.isDefault])).toEqual([
      ['Arch', '/arch/vmlinuz', true],
      ['More > Inner', '/k', false],
    ]);
    const nested = await parseGrubConfig('/g.cfg', reader({ '/g.cfg': `set default='1>0'\n${files['/boot/grub2/grub.cfg'].replace(/^default=archlinux\nsource.*\n/u, "menuentry 'First' { linux /a }\n")}` }));
    expect(nested.entries.find((entry) => entry.isDefault)?.title).toBe('More > Inner');
  });

  it('tells the reader once `search --set=root` has moved to another volume', async () => {
    const contexts: boolean[] = [];
    await parseGrubConfig('/stub.cfg', async (path, context) => {
      contexts.push(context?.rootSearched ?? false);
      return path === '/stub.cfg' ? 'search --no-floppy --set=root -l LABEL\nsource /stub.cfg\n' : null;
    });
    expect(contexts).toEqual([false, true]);
  });

  it('survives hostile input: unbalanced braces, self-inclusion, huge files', async () => {
    const parsed = await parseGrubConfig('/a.cfg', reader({ '/a.cfg': 'menuentry "x" {\n linux /k\nsource /a.cfg\n}}}} {{{ source /a.cfg' }));
    expect(parsed.entries[0]?.kernel).toBe('/k');
    const huge = await parseGrubConfig('/b.cfg', reader({ '/b.cfg': 'x'.repeat(2_000_000) }));
    expect(huge.entries).toEqual([]);
  });
});
