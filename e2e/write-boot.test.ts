// The boot matrix of issue 3: the fixture ISO written by `stickwright write` to a virtual stick
// (an image file) with an overlay and a home, for each filesystem, booted twice under SeaBIOS
// and under OVMF as a USB stick. The second boot must see the first boot's changes (the boot
// counter at 2), /home must be the stick's home.img, and the overlay must be what was planned.
import { describe, beforeAll, afterAll, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { bootImage, type Firmware } from './qemu/boot';
import { fsckStick } from './stickChecks';
import { UsageReport } from '../shared/usage/usageReport';

const CLI = path.resolve('dist/cli.js');
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-write-boot-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface Case {
  readonly fixture: 'liveos' | 'liveos-flat' | 'liveos-kiwi';
  readonly fs: 'ext4' | 'vfat' | 'f2fs';
  readonly firmware: Firmware;
  readonly overlay: 'dm-snapshot' | 'overlayfs';
}

const CASES: Case[] = [
  ...(['ext4', 'vfat', 'f2fs'] as const).flatMap((fs) =>
    (['bios', 'uefi'] as const).map((firmware) => ({ fixture: 'liveos' as const, fs, firmware, overlay: 'dm-snapshot' as const })),
  ),
  // Flat roots (a flattened squashfs, kiwi's EROFS) can only have OverlayFS persistence.
  { fixture: 'liveos-flat', fs: 'ext4', firmware: 'bios', overlay: 'overlayfs' },
  { fixture: 'liveos-flat', fs: 'vfat', firmware: 'uefi', overlay: 'overlayfs' },
  { fixture: 'liveos-kiwi', fs: 'ext4', firmware: 'uefi', overlay: 'overlayfs' },
  { fixture: 'liveos-kiwi', fs: 'vfat', firmware: 'bios', overlay: 'overlayfs' },
];

function write(iso: string, stick: string, fs: string): void {
  const run = spawnSync(process.execPath, [CLI, 'write', '--iso', iso, '--target', stick, '--size', '1G', '--fs', fs, '--overlay', '256M', '--home', '128M', '--json'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (run.status !== 0) throw new Error(`stickwright write failed (${run.status}): ${run.stdout.split('\n').slice(-3).join('\n')}${run.stderr}`);
  const last = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { type?: string };
  if (last.type !== 'result') throw new Error(`no result event: ${run.stdout}`);
}

/** `stickwright usage --json` on the stick: what the overlay and home look like offline. */
function usage(stick: string): UsageReport {
  const run = spawnSync(process.execPath, [CLI, 'usage', stick, '--json'], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`stickwright usage failed (${run.status}): ${run.stdout}${run.stderr}`);
  return UsageReport.parse((JSON.parse(run.stdout) as { report: unknown }).report);
}

describe.concurrent('sticks written by stickwright write boot and persist', () => {
  for (const c of CASES) {
    it(`${c.fixture} on ${c.fs}, ${c.firmware === 'bios' ? 'SeaBIOS' : 'OVMF'}: ${c.overlay} overlay and home survive a reboot`, async ({ expect }) => {
      const stick = path.join(scratch, `${c.fixture}-${c.fs}-${c.firmware}.img`);
      rmSync(stick, { force: true }); // a retried test starts from a new virtual stick
      write(fixtureFile(c.fixture, 'image.iso'), stick, c.fs);
      const name = `write-${c.fixture}-${c.fs}-${c.firmware}`;

      const first = await bootImage({ image: stick, firmware: c.firmware, medium: 'usb', name: `${name}-1` });
      // Read offline after each boot, before the next one changes the stick.
      const firstUsage = usage(stick);
      const second = await bootImage({ image: stick, firmware: c.firmware, medium: 'usb', name: `${name}-2` });
      const secondUsage = usage(stick);
      for (const [n, { report, logPath }] of [first, second].entries()) {
        const why = `boot ${n + 1}, serial log: ${logPath}`;
        expect(report.malformed, why).toEqual([]);
        expect(report.done, why).toBe(true);
        expect(report.bootCount, why).toBe(n + 1);
        expect(report.cmdline, why).toMatch(/root=live:UUID=\S+ rd\.live\.image rw rd\.live\.dir=LiveOS rd\.live\.overlay=UUID=/);
        expect(report.mounts['/run/initramfs/live']?.fstype, why).toBe(c.fs === 'vfat' ? 'vfat' : c.fs);
        expect(report.overlay?.mode, why).toBe(c.overlay);
        // livesys-style: /LiveOS/home.img on the stick, mounted on /home, counting its own boots.
        expect(report.home?.state, why).toBe('mounted');
        expect(report.home?.source, why).toBe('/run/initramfs/live/LiveOS/home.img');
        expect(report.mounts['/home']?.fstype, why).toBe('ext4');
        expect(report.homeBootCount, why).toBe(n + 1);
        if (c.overlay === 'dm-snapshot') {
          expect(report.dm?.state, why).toBe('active');
          // A 256 MiB overlay is planned 4 KiB smaller (overflowSafeOverlaySize): 524280 sectors.
          expect(report.dm?.snapshot?.total, why).toBe(524280);
          expect(report.dm?.snapshot?.allocated, why).toBeGreaterThan(8192); // the 4 MiB written + metadata
        } else {
          expect(report.mounts['/']?.fstype, why).toBe('overlay');
        }
      }
      expect(second.report.persisted.map((p) => p.name), `serial log: ${second.logPath}`).toContain('sw-data-1');
      // stickwright usage, offline, against the booted kernel: the dm-snapshot figures are the
      // ones `dmsetup status live-rw` printed as the boot's last act (after / went read-only and
      // was synced); an OverlayFS overlay holds at least the 4 MiB each boot wrote.
      for (const [n, [{ report, logPath }, offline]] of ([[first, firstUsage], [second, secondUsage]] as const).entries()) {
        const why = `boot ${n + 1}, serial log: ${logPath}`;
        const overlay = offline.images[0]?.overlay;
        expect(offline.images.map((i) => i.dir), why).toEqual(['LiveOS']);
        expect(offline.images[0]?.home?.fs, why).toBe('ext4');
        if (c.overlay === 'dm-snapshot') {
          expect(overlay?.kind, why).toBe('dm-snapshot');
          expect(overlay, why).toMatchObject({ state: 'in-use', allocatedSectors: report.dm?.snapshot?.allocated, totalSectors: report.dm?.snapshot?.total, metadataSectors: report.dm?.snapshot?.metadata });
          expect(overlay?.kind === 'dm-snapshot' && `0 ${report.dm?.length} snapshot ${overlay.kernelStatus}`, why).toBe(report.dm?.status);
        } else {
          expect(overlay?.kind, why).toBe(c.fs === 'vfat' ? 'overlayfs-image' : 'overlayfs-dir');
          expect(overlay?.state, why).toBe('in-use');
          const used = overlay?.kind === 'overlayfs-image' || overlay?.kind === 'overlayfs-dir' ? overlay.usedBytes : null;
          expect(used, why).toBeGreaterThanOrEqual((n + 1) * 4 * 1024 * 1024);
        }
      }
      await fsckStick(stick, c.fs, { afterBoot: true });
    });
  }
});
