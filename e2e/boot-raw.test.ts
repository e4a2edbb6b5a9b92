// The `liveos` fixture ISO copied byte for byte onto a 256 MiB "stick" (what dd, Etcher or
// Fedora Media Writer do) boots under SeaBIOS and under OVMF, and dracut puts / on a
// non-persistent dm-snapshot of the live image.
import { describe, beforeAll, afterAll, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { bootImage, type Firmware, type Medium } from './qemu/boot';

const STICK_BYTES = 256 * 1024 * 1024;
const WRITE_BYTES = 4 * 1024 * 1024; // the init's default sw.write=4 (MiB)
// dracut's temporary overlay: a sparse /overlay of rd.live.overlay.size MiB, default 32768
// (90dmsquash-live/dmsquash-live-root.sh), as a loop device of that many 512-byte sectors.
const TEMP_OVERLAY_SECTORS = 32768 * 2048;
// The fixture's LiveOS/rootfs.img is 1 GiB (e2e/fixtures/lib/liveroot.sh).
const ROOTFS_SECTORS = 2 * 1024 * 1024;

let iso: string;
let scratch: string;

beforeAll(() => {
  iso = fixtureFile('liveos', 'image.iso');
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-boot-raw-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A fresh virtual stick: the ISO at offset 0, the rest of 256 MiB unwritten. */
function rawStick(name: string): string {
  const stick = path.join(scratch, `${name}.img`);
  copyFileSync(iso, stick);
  truncateSync(stick, STICK_BYTES);
  return stick;
}

const cases: { firmware: Firmware; medium: Medium }[] = [
  { firmware: 'bios', medium: 'usb' },
  { firmware: 'uefi', medium: 'usb' },
];

describe.concurrent('liveos ISO written raw to a stick', () => {
  for (const { firmware, medium } of cases) {
    it(`boots under ${firmware === 'bios' ? 'SeaBIOS' : 'OVMF'} as a ${medium} stick onto a dm-snapshot overlay`, async ({ expect }) => {
      const stick = rawStick(`${firmware}-${medium}`);
      const { report, timings, logPath } = await bootImage({ image: stick, firmware, medium, name: 'liveos-raw' });
      console.info(
        `boot-raw ${firmware}/${medium}: kernel at ${timings.kernelMs} ms, init at ${timings.initMs} ms, ` +
          `done at ${timings.doneMs} ms, exit at ${timings.totalMs} ms (log ${logPath})`,
      );
      const why = `serial log: ${logPath}`;

      expect(report.malformed, why).toEqual([]);
      expect(report.done, why).toBe(true);
      expect(report.version).toBe(1);
      expect(report.bootCount, why).toBe(1);
      // GRUB passed the medium's own command line.
      expect(report.cmdline?.split(' ')).toEqual(
        expect.arrayContaining(['root=live:CDLABEL=SW-FIXTURE', 'rd.live.image', 'console=ttyS0']),
      );

      // dracut found the ISO9660 by its label on the stick and mounted it read-only.
      expect(report.live?.dev).toBe('/dev/disk/by-label/SW-FIXTURE');
      const live = report.mounts['/run/initramfs/live'];
      expect(live?.fstype).toBe('iso9660');
      expect(live?.source).toMatch(/^\/dev\/sd[a-z]\d*$/);
      expect(live?.options).toContain('ro');

      // / is ext4 (LiveOS/rootfs.img) through the dm-snapshot live-rw, writable.
      expect(report.mounts['/']).toMatchObject({ present: true, source: '/dev/mapper/live-rw', fstype: 'ext4' });
      expect(report.mounts['/']?.options).toContain('rw');
      expect(report.overlay?.mode).toBe('dm-snapshot');
      expect(report.overlay?.table).toMatch(new RegExp(`^0 ${ROOTFS_SECTORS} snapshot \\d+:\\d+ \\d+:\\d+ PO 8$`));

      // No home.img on a raw-written ISO.
      expect(report.home?.state).toBe('absent');
      expect(report.mounts['/home']?.present).toBe(false);

      expect(report.persisted).toEqual([]);
      expect(report.written).toEqual({ path: '/var/lib/sw-data-1', bytes: WRITE_BYTES, ok: true });
      expect(report.rootReadOnly).toBe(true);

      // The at-rest dm figure, taken last: the written data went into the temporary overlay.
      const last = report.lines.slice(-2).map((l) => l.key);
      expect(last).toEqual(['dm', 'done']);
      expect(report.dm).toMatchObject({ name: 'live-rw', state: 'active', target: 'snapshot', start: 0, length: ROOTFS_SECTORS });
      const usage = report.dm?.snapshot;
      expect(usage, `dm status ${report.dm?.status}`).toBeDefined();
      if (!usage) return;
      expect(usage.total).toBe(TEMP_OVERLAY_SECTORS);
      // 8-sector (4 KiB) chunks; data plus at least the header chunk and one metadata area.
      expect(usage.allocated % 8).toBe(0);
      expect(usage.metadata % 8).toBe(0);
      expect(usage.metadata).toBeGreaterThanOrEqual(16);
      expect(usage.allocated).toBeGreaterThanOrEqual(WRITE_BYTES / 512 + usage.metadata);
      expect(usage.allocated).toBeLessThan(WRITE_BYTES / 512 + 4096); // a 4 MiB write, not much more
    });
  }
});
