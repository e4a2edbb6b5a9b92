import { describe, expect, it } from 'vitest';
import { rewriteGrubConfig, type GrubRewrite } from './rewriteGrubConfig';

const UUID = '0b3c8a52-6f1e-4a8e-9d6a-2f4c1e7b9a10';
const base: GrubRewrite = {
  fsUuid: UUID,
  fsModule: 'ext2',
  firmware: 'uefi',
  liveArgs: { rootSpec: `UUID=${UUID}`, liveDir: 'LiveOS', overlay: { spec: `UUID=${UUID}`, overlayfs: false }, fsType: 'ext4' },
  origin: '/isos/f41.iso:/EFI/BOOT/grub.cfg',
};

// Shaped like Fedora 41's EFI/BOOT/grub.cfg (lorax config_files/x86/grub2-efi.cfg).
const FEDORA = `set default="1"

function load_video {
  insmod all_video
}

load_video
set gfxpayload=keep
insmod gzio
insmod part_gpt
insmod ext2
insmod chain

set timeout=60
### END /etc/grub.d/00_header ###

search --no-floppy --set=root -l 'Fedora-WS-Live-41'

### BEGIN /etc/grub.d/10_linux ###
menuentry 'Start Fedora-Workstation-Live 41' --class fedora --class gnu-linux --class gnu --class os {
	linuxefi /images/pxeboot/vmlinuz root=live:CDLABEL=Fedora-WS-Live-41 rd.live.image quiet rhgb
	initrdefi /images/pxeboot/initrd.img
}
menuentry 'Test this media & start Fedora-Workstation-Live 41' --class fedora --class gnu-linux --class gnu --class os {
	linuxefi /images/pxeboot/vmlinuz root=live:CDLABEL=Fedora-WS-Live-41 rd.live.image rd.live.check quiet
	initrdefi /images/pxeboot/initrd.img
}
`;

describe('rewriteGrubConfig', () => {
  it('points a Fedora EFI menu at the stick', () => {
    const out = rewriteGrubConfig(FEDORA, base);
    expect(out).toMatch(/^# Written by Stickwright from \/isos\/f41\.iso/);
    expect(out).toContain(`search --no-floppy --fs-uuid --set=root ${UUID}`);
    expect(out).not.toMatch(/-l 'Fedora-WS-Live-41'/);
    expect(out).toContain('insmod part_msdos');
    expect(out).not.toContain('insmod part_gpt');
    expect(out).toContain('insmod ext2');
    expect(out).toContain(`\tlinuxefi /images/pxeboot/vmlinuz root=live:UUID=${UUID} rd.live.image rw rd.live.dir=LiveOS rd.live.overlay=UUID=${UUID} quiet rhgb`);
    expect(out).not.toContain('rd.live.check'); // a media check of a CD means nothing on a stick
    expect(out).not.toContain('CDLABEL');
    expect(out).toContain('\tinitrdefi /images/pxeboot/initrd.img'); // the EFI copy keeps EFI commands
    expect(out).toContain('set timeout=60');
    expect(out).toContain('function load_video {');
  });

  it('the BIOS copy uses plain linux/initrd and the stick fs module', () => {
    const out = rewriteGrubConfig(FEDORA, { ...base, firmware: 'bios', fsModule: 'f2fs' });
    expect(out).toMatch(/^\tlinux \/images\/pxeboot\/vmlinuz root=live:UUID=/m);
    expect(out).toMatch(/^\tinitrd \/images\/pxeboot\/initrd.img$/m);
    expect(out).not.toMatch(/linuxefi|initrdefi/);
    expect(out).toContain('insmod f2fs');
  });

  it('handles kiwi stubs: a file search and a configfile', () => {
    const kiwi = "search --file --set=root /boot/0x53574649\nset prefix=($root)/boot/grub2\nconfigfile ($root)/boot/grub2/grub.cfg\n";
    const out = rewriteGrubConfig(kiwi, base);
    expect(out).toContain(`search --no-floppy --fs-uuid --set=root ${UUID}\nset prefix=($root)/boot/grub2\nconfigfile ($root)/boot/grub2/grub.cfg`);
  });

  it('replaces set root=, leaves a search that sets another variable, drops findiso', () => {
    const text = "set root='cd0'\nsearch --no-floppy --set=isodev -f /x\nset findiso=/x.iso\nlinux ($root)/vmlinuz root=live:CDLABEL=A rd.live.image";
    const out = rewriteGrubConfig(text, base);
    expect(out).toContain(`search --no-floppy --fs-uuid --set=root ${UUID}`);
    expect(out).toContain('search --no-floppy --set=isodev -f /x');
    expect(out).not.toContain('findiso');
    expect(out).toContain(`linux ($root)/vmlinuz root=live:UUID=${UUID} rd.live.image`);
  });

  it('is idempotent: rewriting a rewritten config changes nothing', () => {
    const once = rewriteGrubConfig(FEDORA, base);
    expect(rewriteGrubConfig(once, base)).toBe(once);
  });
});
