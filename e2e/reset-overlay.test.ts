// `stickwright reset-overlay`: a stick booted once (boot counter 1, home counter 1) is reset
// offline; the next boot starts from a clean overlay (boot counter back to 1, the first boot's
// data gone) while home.img kept its contents (home counter 2). Per overlay kind it can reset:
// dm-snapshot on ext4 and F2FS, the OverlayFS image on vfat; an OverlayFS directory is refused.
import { describe, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { bootImage, type Firmware } from './qemu/boot';
import { fsckStick } from './stickChecks';
import { cli, usageOf as usage, useScratch, writeStick } from './stickCli';

const scratchDir = useScratch('sw-reset-');
const write = (iso: string, stick: string, fs: 'ext4' | 'vfat' | 'f2fs') => writeStick(iso, stick, { fs });

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface Case {
  readonly fixture: 'liveos' | 'liveos-flat';
  readonly fs: 'ext4' | 'vfat' | 'f2fs';
  readonly firmware: Firmware;
  readonly kind: 'dm-snapshot' | 'overlayfs-image';
}

const CASES: Case[] = [
  { fixture: 'liveos', fs: 'ext4', firmware: 'bios', kind: 'dm-snapshot' },
  { fixture: 'liveos', fs: 'f2fs', firmware: 'uefi', kind: 'dm-snapshot' },
  { fixture: 'liveos-flat', fs: 'vfat', firmware: 'bios', kind: 'overlayfs-image' },
];

describe.concurrent('stickwright reset-overlay', () => {
  for (const c of CASES) {
    it(`${c.kind} on ${c.fs}: the next boot starts clean, home is kept`, async ({ expect }) => {
      const stick = path.join(scratchDir(), `${c.fixture}-${c.fs}.img`);
      write(fixtureFile(c.fixture, 'image.iso'), stick, c.fs);
      const name = `reset-${c.fixture}-${c.fs}`;
      const first = await bootImage({ image: stick, firmware: c.firmware, medium: 'usb', name: `${name}-1` });
      expect(first.report.bootCount, first.logPath).toBe(1);
      expect(first.report.homeBootCount, first.logPath).toBe(1);
      const used = usage(stick).images[0]?.overlay;
      expect(used).toMatchObject({ kind: c.kind, state: 'in-use' });

      // Without a terminal and without --yes: refused, the stick unchanged.
      const before = sha256(stick);
      const refused = cli(['reset-overlay', stick, '--json']);
      expect(refused.status, refused.stdout).toBe(2);
      expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: 'CONFIRMATION_REQUIRED' } });
      expect(sha256(stick)).toBe(before);

      const reset = cli(['reset-overlay', stick, '--dir', 'LiveOS', '--yes', '--json']);
      expect(reset.status, `${reset.stdout}${reset.stderr}`).toBe(0);
      const result = JSON.parse(reset.stdout) as { ok: boolean; result: { dir: string; before: { state: string }; after: { state: string; kind: string } } };
      expect(result).toMatchObject({ ok: true, result: { dir: 'LiveOS', before: { state: 'in-use' }, after: { kind: c.kind, state: 'fresh' } } });
      const afterReset = usage(stick).images[0];
      expect(afterReset?.overlay?.state).toBe('fresh');
      if (afterReset?.overlay?.kind === 'dm-snapshot') expect(afterReset.overlay.kernelStatus).toBe('16/524280 16');
      expect(afterReset?.home?.usedBytes).toBeGreaterThan(0);
      await fsckStick(stick, c.fs, { afterBoot: true });

      const second = await bootImage({ image: stick, firmware: c.firmware, medium: 'usb', name: `${name}-2` });
      const why = `serial log: ${second.logPath}`;
      expect(second.report.done, why).toBe(true);
      expect(second.report.overlay?.mode, why).toBe(c.kind === 'dm-snapshot' ? 'dm-snapshot' : 'overlayfs');
      expect(second.report.bootCount, why).toBe(1); // the overlay started clean
      expect(second.report.persisted.map((p) => p.name), why).not.toContain('sw-data-1');
      expect(second.report.homeBootCount, why).toBe(2); // home.img kept its contents
      await fsckStick(stick, c.fs, { afterBoot: true });
    });
  }

  it('refuses what it cannot reset offline, and names a missing image', async ({ expect }) => {
    const stick = path.join(scratchDir(), 'flat-ext4.img');
    write(fixtureFile('liveos-flat', 'image.iso'), stick, 'ext4');
    const before = sha256(stick);
    const dir = cli(['reset-overlay', stick, '--yes', '--json']);
    expect(dir.status).toBe(4);
    const payload = JSON.parse(dir.stdout) as { ok: false; error: { code: string; detail: string } };
    expect(payload.error.code).toBe('RESET_NOT_POSSIBLE');
    expect(payload.error.detail).toContain('rd.live.overlay.reset');
    const missing = cli(['reset-overlay', stick, '--dir', 'Other', '--yes', '--json']);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, error: { code: 'IMAGE_NOT_FOUND' } });
    expect(missing.stdout).toContain('LiveOS');
    expect(sha256(stick)).toBe(before);
  });
});
