import { describe, expect, it } from 'vitest';
import type { ImageMeta } from './imageMeta';
import { GRUBENV_SIZE, menuEntryId, menuPreamble, renderGrubenv, renderMultiImageMenu, usesLinuxEfi } from './multiImageMenu';

const UUID = '63e37cb5-a2ec-4128-b4a9-7dba50d2142e';
const meta = (dir: string, name: string, kernel: string, args = 'console=ttyS0'): ImageMeta => ({
  version: 1,
  name,
  dir,
  kernel,
  initrd: [kernel.replace('vmlinuz', 'initrd.img')],
  args,
  isoLabel: null,
  family: 'dracut-liveos',
  addedAt: null,
});

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

search --no-floppy --set=root -l 'Fedora-WS-Live-41-1-4'

### BEGIN /etc/grub.d/10_linux ###
menuentry 'Start Fedora-Workstation-Live 41' --class fedora --class gnu-linux --class gnu --class os {
	linuxefi /images/pxeboot/vmlinuz root=live:CDLABEL=Fedora-WS-Live-41-1-4  rd.live.image quiet rhgb
	initrdefi /images/pxeboot/initrd.img
}
`;

describe('renderMultiImageMenu', () => {
  const images = [
    { meta: meta('LiveOS', 'Fedora-Workstation-Live 41', '/images/pxeboot/vmlinuz', 'quiet rhgb'), overlay: 'dm-snapshot' as const },
    { meta: meta('f42', "Fedora 42 'KDE'", '/f42/boot/vmlinuz', 'quiet rootfstype=auto'), overlay: 'overlayfs' as const },
    { meta: meta('tmp1', 'No persistence', '/tmp1/boot/vmlinuz'), overlay: 'none' as const },
  ];

  it('keeps the preamble (search by UUID, the fs module, no default of its own) and lists every image, the default first', () => {
    const text = renderMultiImageMenu({ images, fsUuid: UUID, fsModule: 'fat', fsType: 'vfat', firmware: 'uefi', existing: FEDORA });
    expect(text).toContain('function load_video {');
    expect(text).toContain('set timeout=60');
    expect(text).toContain('insmod part_msdos');
    expect(text).toContain('insmod fat');
    expect(text).not.toContain("-l 'Fedora");
    expect(text).not.toContain('set default="1"');
    expect(text.indexOf('set default="0"')).toBeLessThan(text.indexOf('load_env'));
    const entries = text.split('\nmenuentry ').slice(1);
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatch(/^'Fedora-Workstation-Live 41' --id 'sw-LiveOS' /);
    // UEFI menus of an ISO that uses linuxefi keep using it.
    expect(entries[0]).toContain(`\tlinuxefi /images/pxeboot/vmlinuz root=live:UUID=${UUID} rd.live.image rw rd.live.dir=LiveOS rd.live.overlay=UUID=${UUID} quiet rhgb\n`);
    expect(entries[0]).toContain('\tinitrdefi /images/pxeboot/initrd.img\n');
    expect(entries[1]).toMatch(/^'Fedora 42 '\\''KDE'\\''' --id 'sw-f42'/);
    expect(entries[1]).toContain(`rd.live.dir=f42 rd.live.overlay=UUID=${UUID} rd.live.overlay.overlayfs quiet rootfstype=vfat`);
    expect(entries[2]).toContain('rd.live.dir=tmp1 console=ttyS0');
    expect(entries[2]).not.toContain('rd.live.overlay');
    for (const entry of entries) expect(entry).toContain(`\tsearch --no-floppy --fs-uuid --set=root ${UUID}\n`);
  });

  it('BIOS menus use linux/initrd; without a menu it still finds the stick', () => {
    const text = renderMultiImageMenu({ images, fsUuid: UUID, fsModule: 'ext2', fsType: 'ext4', firmware: 'bios', existing: '' });
    expect(text).not.toContain('linuxefi');
    expect(text).toContain('\tlinux /f42/boot/vmlinuz ');
    expect(text.split('\n').filter((l) => l === `search --no-floppy --fs-uuid --set=root ${UUID}`)).toHaveLength(1);
  });

  it('is stable: rendering its own output again gives the same menu (no drift)', () => {
    const once = renderMultiImageMenu({ images, fsUuid: UUID, fsModule: 'ext2', fsType: 'ext4', firmware: 'uefi', existing: FEDORA });
    const twice = renderMultiImageMenu({ images, fsUuid: UUID, fsModule: 'ext2', fsType: 'ext4', firmware: 'uefi', existing: once });
    expect(twice).toBe(once);
    expect(menuPreamble(once)).not.toContain('load_env');
    expect(usesLinuxEfi(once)).toBe(true);
  });

  it('a one-time choice: next_entry is read, then cleared, and names entries by id', () => {
    const text = renderMultiImageMenu({ images, fsUuid: UUID, fsModule: 'ext2', fsType: 'ext4', firmware: 'bios', existing: FEDORA });
    expect(text).toContain('if [ "${next_entry}" ]; then\n  set default="${next_entry}"\n  set next_entry=\n  save_env -f $prefix/grubenv next_entry\nfi');
    const shared = renderMultiImageMenu({ images, fsUuid: UUID, fsModule: 'ext2', fsType: 'ext4', firmware: 'uefi', existing: FEDORA, envFile: '($root)/boot/grub2/grubenv' });
    expect(shared).toContain(`search --no-floppy --fs-uuid --set=root ${UUID}\ninsmod loadenv\nif [ -s ($root)/boot/grub2/grubenv ]; then\n  load_env -f ($root)/boot/grub2/grubenv\nfi`);
    expect(shared).toContain('save_env -f ($root)/boot/grub2/grubenv next_entry');
    expect(text).toContain(`--id '${menuEntryId('f42')}'`);
  });
});

describe('renderGrubenv', () => {
  it('is a 1024-byte block like grub-editenv makes', () => {
    const env = renderGrubenv({ next_entry: 'sw-ab12' });
    expect(env).toHaveLength(GRUBENV_SIZE);
    expect(env.startsWith('# GRUB Environment Block\nnext_entry=sw-ab12\n#')).toBe(true);
    expect(renderGrubenv({})).toBe(`# GRUB Environment Block\n${'#'.repeat(GRUBENV_SIZE - 25)}`);
    expect(() => renderGrubenv({ 'bad name': 'x' })).toThrow();
  });
});
