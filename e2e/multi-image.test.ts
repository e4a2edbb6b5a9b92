// Multi-image sticks (issue 6): `stickwright add`, `list`, `remove` and `next-boot` on sticks
// written by Stickwright (ext4, vfat) and made the way livecd-iso-to-disk makes them. Two
// different fixture images: `liveos-two` (label SW-FIXTURE-2, `sw.image=two` on its kernel line)
// and `liveos` (SW-FIXTURE). Each menu entry must boot its own image (the booted kernel's
// rd.live.dir and marker) and keep its own changes (its boot and home counters); removing one
// leaves the other's files byte for byte as they were, and it boots on with its changes.
import { describe, beforeAll, afterAll, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { bootImage, type Firmware } from './qemu/boot';
import { makeLitdStick } from './litdStick';
import { fsckStick, readPartitions } from './stickChecks';
import { openFileByteSource } from '../electron/engine/io/fileByteSource';
import { openStickFilesystem } from '../electron/engine/usage/stickFilesystem';

const CLI = path.resolve('dist/cli.js');
const MiB = 2 ** 20;
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-multi-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

function ok<T>(args: string[]): T {
  const run = cli([...args, '--json']);
  if (run.status !== 0) throw new Error(`stickwright ${args[0]} failed (${run.status}): ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

interface ListedImage {
  dir: string;
  name: string;
  isDefault: boolean;
  rootImage: { bytes: number } | null;
  overlay: { kind: string; bytes: number | null } | null;
  home: { bytes: number } | null;
}
interface Listing {
  images: ListedImage[];
  totals: { freeBytes: number; fs: string };
}

const list = (stick: string) => ok<Listing>(['list', stick]);

/** sha256 of every file below /<dir> on the live filesystem, read with the offline readers. */
async function hashImage(stick: string, dir: string, liveFs: 'ext4' | 'vfat', start: number): Promise<Record<string, string>> {
  const [live] = readPartitions(stick).filter((p) => p.start === start);
  if (!live) throw new Error(`no partition at ${start}`);
  const file = await openFileByteSource(stick);
  try {
    const fs = await openStickFilesystem(liveFs, file, live.start, live.size);
    const out: Record<string, string> = {};
    const walk = async (at: string) => {
      for (const entry of (await fs.list(at)) ?? []) {
        const p = `${at}/${entry.name}`;
        if (entry.kind === 'directory') await walk(p);
        else if (entry.kind === 'file') {
          const source = await fs.openFile(p);
          const hash = createHash('sha256');
          for (let at2 = 0; at2 < source.size; at2 += 8 * MiB) hash.update(await source.read(at2, Math.min(8 * MiB, source.size - at2)));
          out[p] = hash.digest('hex');
        }
      }
    };
    await walk(`/${dir}`);
    return out;
  } finally {
    await file.close();
  }
}

async function boot(stick: string, firmware: Firmware, name: string) {
  const result = await bootImage({ image: stick, firmware, medium: 'usb', name });
  const args = (result.report.cmdline ?? '').split(/\s+/);
  const dir = args.find((a) => a.startsWith('rd.live.dir='))?.slice('rd.live.dir='.length);
  return { ...result, dir, two: args.includes('sw.image=two'), why: `serial log: ${result.logPath}` };
}

describe.concurrent('multi-image sticks', () => {
  it('ext4: two images boot from one menu under SeaBIOS and OVMF, each keeping its own changes; removing one keeps the other', async ({ expect }) => {
    const stick = path.join(scratch, 'ext4.img');
    const write = cli(['write', '--iso', fixtureFile('liveos-two', 'image.iso'), '--target', stick, '--size', '1G', '--fs', 'ext4', '--overlay', '128M', '--home', '64M', '--yes', '--json']);
    expect(write.status, write.stdout.slice(-500) + write.stderr).toBe(0);
    const start = readPartitions(stick)[0]?.start ?? 0;
    const liveBefore = await hashImage(stick, 'LiveOS', 'ext4', start);

    // Refused without --yes (no terminal), nothing changed.
    const refused = cli(['add', '--iso', fixtureFile('liveos', 'image.iso'), '--target', stick, '--overlay', '128M', '--home', '64M', '--json']);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: 'CONFIRMATION_REQUIRED' } });
    expect(list(stick).images).toHaveLength(1);

    // Too big for the stick: refused with how much is missing.
    const tooBig = cli(['add', '--iso', fixtureFile('liveos', 'image.iso'), '--target', stick, '--overlay', '900M', '--yes', '--json']);
    const tooBigError = (JSON.parse(tooBig.stdout) as { error: { code: string; data: { shortBy: number } } }).error;
    expect(tooBigError.code).toBe('TARGET_TOO_SMALL');
    expect(tooBigError.data.shortBy).toBeGreaterThan(0);

    const added = ok<{ result: { dir: string; name: string } }>(['add', '--iso', fixtureFile('liveos', 'image.iso'), '--target', stick, '--overlay', '128M', '--home', '64M', '--yes']).result;
    const other = added.dir;
    expect(other).toMatch(/^[a-z0-9]{4}$/);
    const listed = list(stick);
    expect(listed.images.map((i) => [i.dir, i.isDefault])).toEqual([['LiveOS', true], [other, false]]);
    expect(listed.images[1]).toMatchObject({ name: added.name, overlay: { kind: 'dm-snapshot', bytes: 128 * MiB }, home: { bytes: 64 * MiB } });
    expect(listed.images[1]?.rootImage?.bytes).toBeGreaterThan(MiB);
    // The first image's files were not touched by the add.
    expect(await hashImage(stick, 'LiveOS', 'ext4', start)).toEqual(liveBefore);
    await fsckStick(stick, 'ext4');

    // SeaBIOS: the default entry is the first image; next-boot picks the other once.
    const expectBoot = (b: Awaited<ReturnType<typeof boot>>, dir: string, count: number) => {
      expect(b.report.done, b.why).toBe(true);
      expect(b.dir, b.why).toBe(dir);
      expect(b.two, b.why).toBe(dir === 'LiveOS');
      expect(b.report.overlay?.mode, b.why).toBe('dm-snapshot');
      expect(b.report.bootCount, b.why).toBe(count);
      expect(b.report.homeBootCount, b.why).toBe(count);
    };
    expectBoot(await boot(stick, 'bios', 'multi-ext4-1'), 'LiveOS', 1);
    ok(['next-boot', stick, other]);
    expectBoot(await boot(stick, 'bios', 'multi-ext4-2'), other, 1);
    // next_entry was for one boot only: the default again.
    expectBoot(await boot(stick, 'bios', 'multi-ext4-3'), 'LiveOS', 2);
    ok(['next-boot', stick, other]);
    expectBoot(await boot(stick, 'bios', 'multi-ext4-4'), other, 2);
    // OVMF: the ISO's own EFI GRUB on the ESP reads the same kind of menu.
    expectBoot(await boot(stick, 'uefi', 'multi-ext4-5'), 'LiveOS', 3);
    ok(['next-boot', stick, other]);
    expectBoot(await boot(stick, 'uefi', 'multi-ext4-6'), other, 3);
    await fsckStick(stick, 'ext4', { afterBoot: true });

    // Remove the first image: the other's files are byte for byte what they were.
    const otherBefore = await hashImage(stick, other, 'ext4', start);
    const noYes = cli(['remove', stick, 'LiveOS', '--json']);
    expect(JSON.parse(noYes.stdout)).toMatchObject({ ok: false, error: { code: 'CONFIRMATION_REQUIRED' } });
    const removed = ok<{ result: { dir: string; removed: string[]; freeAfter: number; freeBefore: number } }>(['remove', stick, 'LiveOS', '--yes']).result;
    expect(removed.dir).toBe('LiveOS');
    expect(removed.removed).toEqual(expect.arrayContaining(['/LiveOS', '/images/pxeboot/vmlinuz', '/images/pxeboot/initrd.img']));
    expect(removed.freeAfter).toBeGreaterThan(removed.freeBefore + 190 * MiB);
    expect(list(stick).images.map((i) => [i.dir, i.isDefault])).toEqual([[other, true]]);
    expect(await hashImage(stick, other, 'ext4', start)).toEqual(otherBefore);
    await fsckStick(stick, 'ext4', { afterBoot: true });
    // The only image left cannot be removed.
    expect(JSON.parse(cli(['remove', stick, other, '--yes', '--json']).stdout)).toMatchObject({ ok: false, error: { code: 'MULTI_NOT_POSSIBLE' } });
    expectBoot(await boot(stick, 'bios', 'multi-ext4-7'), other, 4);
    await fsckStick(stick, 'ext4', { afterBoot: true });
  });

  it('vfat: add a flat image (OverlayFS image file), boot it once, remove it; the other image untouched, fsck clean', async ({ expect }) => {
    // liveos-two first: its EFI GRUB (on the ESP, for every image) has load_env for next-boot.
    const stick = path.join(scratch, 'vfat.img');
    const write = cli(['write', '--iso', fixtureFile('liveos-two', 'image.iso'), '--target', stick, '--size', '1G', '--fs', 'vfat', '--overlay', '96M', '--home', '64M', '--yes', '--json']);
    expect(write.status, write.stdout.slice(-500) + write.stderr).toBe(0);
    const start = readPartitions(stick)[0]?.start ?? 0;
    const liveBefore = await hashImage(stick, 'LiveOS', 'vfat', start);
    const freeBefore = list(stick).totals.freeBytes;
    // A name already used on the stick (case-insensitively on vfat) is refused.
    const clash = cli(['add', '--iso', fixtureFile('liveos', 'image.iso'), '--target', stick, '--dir', 'liveos', '--yes', '--json']);
    expect(JSON.parse(clash.stdout)).toMatchObject({ ok: false, error: { code: 'USAGE' } });

    // A flat image (liveos-flat): on vfat its overlay is an OverlayFS image file, as the planner decides.
    const added = ok<{ result: { dir: string } }>(['add', '--iso', fixtureFile('liveos-flat', 'image.iso'), '--target', stick, '--dir', 'One', '--name', 'Flat fixture', '--overlay', '96M', '--home', '32M', '--yes']).result;
    expect(added.dir).toBe('One');
    const listed = list(stick);
    expect(listed.images.map((i) => [i.dir, i.name])).toEqual([['LiveOS', 'Stickwright fixture'], ['One', 'Flat fixture']]);
    expect(listed.images[1]).toMatchObject({ overlay: { kind: 'overlayfs-image', bytes: 96 * MiB }, home: { bytes: 32 * MiB } });
    expect(freeBefore - listed.totals.freeBytes).toBeGreaterThan(128 * MiB);
    expect(await hashImage(stick, 'LiveOS', 'vfat', start)).toEqual(liveBefore);
    await fsckStick(stick, 'vfat');

    // Boot the added image once (UEFI), chosen for this boot only.
    ok(['next-boot', stick, 'One']);
    const b = await boot(stick, 'uefi', 'multi-vfat-1');
    expect(b.report.done, b.why).toBe(true);
    expect([b.dir, b.two, b.report.overlay?.mode, b.report.bootCount, b.report.homeBootCount], b.why).toEqual(['One', false, 'overlayfs', 1, 1]);

    const removed = ok<{ result: { dir: string } }>(['remove', stick, 'One', '--yes']).result;
    expect(removed.dir).toBe('One');
    expect(list(stick).images.map((i) => i.dir)).toEqual(['LiveOS']);
    expect(await hashImage(stick, 'LiveOS', 'vfat', start)).toEqual(liveBefore);
    await fsckStick(stick, 'vfat', { afterBoot: true });
  });

  it('a livecd-iso-to-disk stick: an image added beside its /LiveOS boots under OVMF', async ({ expect }) => {
    const stick = path.join(scratch, 'litd.img');
    makeLitdStick(stick, fixtureFile('liveos-two', 'image.iso'), { sizeMiB: 512, overlayMiB: 64, homeMiB: 32 });
    const start = readPartitions(stick)[0]?.start ?? 0;
    const liveBefore = await hashImage(stick, 'LiveOS', 'vfat', start);
    const first = list(stick).images;
    // No metadata file: the image's facts come from the boot menus livecd-iso-to-disk left.
    expect(first).toMatchObject([{ dir: 'LiveOS', name: 'Stickwright fixture', isDefault: true }]);

    const added = ok<{ result: { dir: string } }>(['add', '--iso', fixtureFile('liveos', 'image.iso'), '--target', stick, '--overlay', '64M', '--home', '32M', '--yes']).result;
    expect(list(stick).images.map((i) => i.dir)).toEqual(['LiveOS', added.dir]);
    expect(await hashImage(stick, 'LiveOS', 'vfat', start)).toEqual(liveBefore);
    await fsckStick(stick, 'vfat', { withoutEsp: true });

    ok(['next-boot', stick, added.dir]);
    const b = await boot(stick, 'uefi', 'multi-litd-1');
    expect(b.report.done, b.why).toBe(true);
    expect([b.dir, b.two, b.report.bootCount, b.report.homeBootCount], b.why).toEqual([added.dir, false, 1, 1]);
    await fsckStick(stick, 'vfat', { withoutEsp: true, afterBoot: true });
  });
});
