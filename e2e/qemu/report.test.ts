// parseReport / cleanSerial on a serial log recorded from a real boot of the `liveos` fixture
// (OVMF, USB stick), trimmed; CR, ANSI escapes and GRUB's menu noise left in on purpose.
import { describe, expect, it } from 'vitest';
import { cleanSerial, parseReport, parseReportLine, parseSnapshotStatus, SerialCleaner } from './report';

const ESC = '\x1b';
const RECORDED = [
  `${ESC}[2J${ESC}[01;01H${ESC}[=3h${ESC}[2J${ESC}[01;01HBdsDxe: loading Boot0002 "UEFI QEMU QEMU USB HARDDRIVE 1-0000:00:02.0-1" from PciRoot(0x0)/Pci(0x2,0x0)/USB(0x0,0x0)\r\n`,
  `${ESC}[0m${ESC}[30m${ESC}[47mWelcome to GRUB!\n\r\n`,
  `\r${ESC}[0m${ESC}[37m${ESC}[40m${ESC}[2J${ESC}[01;01H${ESC}[?25l${ESC}[m${ESC}[H${ESC}[J${ESC}[1;1H${ESC}[2;24HGNU GRUB  version 2.06-13+deb12u2\r\n`,
  '[    0.000000] Command line: BOOT_IMAGE=/images/pxeboot/vmlinuz root=live:CDLABEL=SW-FIXTURE rd.live.image console=ttyS0\r\n',
  '[   20.798617] Not activating Mandatory Access Control as /sbin/tomoyo-init does not exist.\r\n',
  'SW-REPORT start version=1 kernel=6.1.0-56-amd64 cmdline=BOOT_IMAGE=/images/pxeboot/vmlinuz%20root=live:CDLABEL=SW-FIXTURE%20rd.live.image%20console=ttyS0\r\n',
  'SW-REPORT boot n=1\r\n',
  'SW-REPORT mount target=/ present=1 source=/dev/mapper/live-rw fstype=ext4 options=rw,relatime\r\n',
  'SW-REPORT mount target=/run/initramfs/live present=1 source=/dev/sda1 fstype=iso9660 options=ro,relatime,nojoliet,check=s,map=n,blocksize=2048,iocharset=utf8\r\n',
  'SW-REPORT live dev=/dev/disk/by-label/SW-FIXTURE resolved=/dev/sda1\r\n',
  'SW-REPORT overlay mode=dm-snapshot table=0%202097152%20snapshot%207:1%207:2%20PO%208\r\n',
  'SW-REPORT home state=absent\r\n',
  'SW-REPORT mount target=/home present=0\r\n',
  'SW-REPORT persisted files=none\r\n',
  'SW-REPORT write path=/var/lib/sw-data-1 bytes=4194304 ok=1\r\n',
  'SW-REPORT remount target=/ ro=1\r\n',
  'SW-REPORT dm name=live-rw state=active start=0 length=2097152 target=snapshot status=0%202097152%20snapshot%208584/67108864%2048\r\n',
  'SW-REPORT done\r\n',
  '[   22.702514] reboot: Power down\r\n',
].join('');

describe('cleanSerial', () => {
  it('drops CR, ANSI sequences and other controls but keeps the text', () => {
    const clean = cleanSerial(RECORDED);
    expect(clean).not.toMatch(/[\r\x1b]/);
    expect(clean).toContain('BdsDxe: loading Boot0002');
    expect(clean).toContain('GNU GRUB  version 2.06-13+deb12u2\n');
    expect(clean).toContain('\nSW-REPORT done\n');
  });

  it('SerialCleaner gives the same text however the bytes are split', () => {
    const bytes = new TextEncoder().encode(`${RECORDED}tail without newline …`);
    for (const size of [1, 3, 7, 64, bytes.length]) {
      const cleaner = new SerialCleaner();
      let out = '';
      for (let i = 0; i < bytes.length; i += size) out += cleaner.push(bytes.subarray(i, i + size));
      out += cleaner.end();
      expect(out, `chunk size ${size}`).toBe(`${cleanSerial(RECORDED)}tail without newline …\n`);
    }
  });

  it('SerialCleaner removes the power-off kick, even where it split a line', () => {
    // What a stalled tty and the kernel console write interleave to: half a report line, the
    // kernel's marker line, then the rest of the report line.
    const raw = 'SW-REPORT persisted files=sw-data-[   55.123456] SW-KICK\r\n1:4194304\r\nSW-KICK\r\nSW-REPORT done\r\n';
    const bytes = new TextEncoder().encode(raw);
    for (const size of [1, 5, 16, bytes.length]) {
      const cleaner = new SerialCleaner();
      let out = '';
      for (let i = 0; i < bytes.length; i += size) out += cleaner.push(bytes.subarray(i, i + size));
      out += cleaner.end();
      expect(out, `chunk size ${size}`).toBe('SW-REPORT persisted files=sw-data-1:4194304\nSW-REPORT done\n');
    }
  });
});

describe('parseReport on a recorded boot', () => {
  const report = parseReport(RECORDED);

  it('reads every line', () => {
    expect(report.malformed).toEqual([]);
    expect(report.lines.map((l) => l.key)).toEqual([
      'start', 'boot', 'mount', 'mount', 'live', 'overlay', 'home', 'mount', 'persisted', 'write', 'remount', 'dm', 'done',
    ]);
    expect(report.done).toBe(true);
  });

  it('decodes values and types the figures', () => {
    expect(report.version).toBe(1);
    expect(report.kernel).toBe('6.1.0-56-amd64');
    expect(report.cmdline).toBe('BOOT_IMAGE=/images/pxeboot/vmlinuz root=live:CDLABEL=SW-FIXTURE rd.live.image console=ttyS0');
    expect(report.bootCount).toBe(1);
    expect(report.mounts['/']).toEqual({
      target: '/', present: true, source: '/dev/mapper/live-rw', fstype: 'ext4', options: ['rw', 'relatime'],
    });
    expect(report.mounts['/run/initramfs/live']?.options).toContain('ro');
    expect(report.mounts['/home']).toEqual({ target: '/home', present: false });
    expect(report.live).toEqual({ dev: '/dev/disk/by-label/SW-FIXTURE', resolved: '/dev/sda1' });
    expect(report.overlay).toEqual({ mode: 'dm-snapshot', table: '0 2097152 snapshot 7:1 7:2 PO 8' });
    expect(report.home).toEqual({ state: 'absent' });
    expect(report.persisted).toEqual([]);
    expect(report.written).toEqual({ path: '/var/lib/sw-data-1', bytes: 4194304, ok: true });
    expect(report.rootReadOnly).toBe(true);
    expect(report.dm).toEqual({
      name: 'live-rw', state: 'active', target: 'snapshot', start: 0, length: 2097152,
      status: '0 2097152 snapshot 8584/67108864 48',
      snapshot: { allocated: 8584, total: 67108864, metadata: 48 },
    });
  });

  it('a log cut off before the end is not done', () => {
    const cut = RECORDED.slice(0, RECORDED.indexOf('SW-REPORT remount'));
    const partial = parseReport(cut);
    expect(partial.done).toBe(false);
    expect(partial.dm).toBeUndefined();
    expect(partial.written?.ok).toBe(true);
  });
});

describe('parseReport on other outcomes', () => {
  it('OverlayFS mode, a second boot, a persistent home and no dm device', () => {
    const r = parseReport(
      [
        'SW-REPORT boot n=2',
        'SW-REPORT mount target=/ present=1 source=LiveOS_rootfs fstype=overlay options=rw,relatime,lowerdir=/run/rootfsbase,upperdir=/run/overlayfs,workdir=/run/ovlwork',
        'SW-REPORT overlay mode=overlayfs upper=/run/initramfs/overlayfs/LiveOS/overlay-SW-FIXTURE-2023-11-14-22-13-20-00',
        'SW-REPORT home state=mounted source=/run/initramfs/live/LiveOS/home.img dev=/dev/loop3 fstype=ext4 remounted-live=1',
        'SW-REPORT home-boot n=2',
        'SW-REPORT persisted files=sw-data-1:4194304',
        'SW-REPORT home-umount ok=1',
        'SW-REPORT dm name=live-rw state=none reason=Device%20does%20not%20exist.%0ACommand%20failed.',
        'SW-REPORT done',
      ].join('\n'),
    );
    expect(r.bootCount).toBe(2);
    expect(r.mounts['/']?.options).toContain('upperdir=/run/overlayfs');
    expect(r.overlay?.mode).toBe('overlayfs');
    expect(r.home).toEqual({
      state: 'mounted', source: '/run/initramfs/live/LiveOS/home.img', dev: '/dev/loop3', fstype: 'ext4', remountedLive: true,
    });
    expect(r.homeBootCount).toBe(2);
    expect(r.persisted).toEqual([{ name: 'sw-data-1', bytes: 4194304 }]);
    expect(r.homeUnmounted).toBe(true);
    expect(r.dm).toEqual({ name: 'live-rw', state: 'none', reason: 'Device does not exist.\nCommand failed.' });
  });

  it('a LUKS home is reported locked', () => {
    const r = parseReport('SW-REPORT home state=encrypted-locked source=/run/initramfs/live/LiveOS/home.img dev=/dev/loop2 fstype=crypto_LUKS remounted-live=0');
    expect(r.home?.state).toBe('encrypted-locked');
    expect(r.home?.remountedLive).toBe(false);
  });

  it('snapshot status words instead of numbers', () => {
    expect(parseSnapshotStatus('16/65536 16')).toEqual({ usage: { allocated: 16, total: 65536, metadata: 16 } });
    expect(parseSnapshotStatus('Overflow')).toEqual({ word: 'Overflow' });
    const r = parseReport('SW-REPORT dm name=live-rw state=active start=0 length=8 target=snapshot status=0%208%20snapshot%20Invalid');
    expect(r.dm?.snapshot).toBeUndefined();
    expect(r.dm?.snapshotState).toBe('Invalid');
  });

  it('finds a report after kernel noise on the same line, and flags malformed ones', () => {
    const r = parseReport('[   21.1] EXT4-fs (dm-0): re-mounted. SW-REPORT boot n=3\nSW-REPORT Bad-Key x=1\nSW-REPORT ok =oops\n');
    expect(r.bootCount).toBe(3);
    expect(r.malformed).toEqual(['SW-REPORT Bad-Key x=1', 'SW-REPORT ok =oops']);
  });

  it('parseReportLine keeps the raw text and decodes %-escapes', () => {
    expect(parseReportLine('SW-REPORT x a=1%25%20b c')).toEqual({ key: 'x', fields: { a: '1% b', c: '' }, raw: 'SW-REPORT x a=1%25%20b c' });
    expect(parseReportLine('no report here')).toBeNull();
  });
});
