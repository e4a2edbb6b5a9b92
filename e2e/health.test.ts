// The "Stick health" view end to end: the built page in Chromium, the real main handlers and the
// real worker child reading sticks this file writes with the built CLI (as e2e/usage.test.ts
// does). Every figure the view shows must be the one `stickwright usage --json` gives for the
// same file. Screenshots in light and dark go to docs/screenshots/health-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright';
import { UsageReport } from '../shared/usage/usageReport';
import { formatBytes } from '../shared/units';
import { expectedStatus, type CowLayoutOptions } from '../electron/engine/usage/testing/syntheticCow';
import { putCowOnExt4, writeCowFile } from './cowOnStick';
import { launchApp, type AppHarness } from './harness/launchApp';
import { fixtureFile } from './fixtures/fixture';

// Private copies of the CLI and worker bundles (made in beforeAll): a concurrent `npm run build`
// empties dist/ for a moment, which must not fail a test halfway.
let CLI = path.resolve('dist/cli.js');
let workerDir = path.resolve('dist');
const SHOTS = path.resolve('docs', 'screenshots');
const ARTIFACTS = path.resolve('test-results', 'health');
const MiB = 1024 * 1024;

let scratch: string;
let iso: string;
const apps = new Set<AppHarness>();

beforeAll(() => {
  // A fixed name, so the screenshots show the same paths from run to run.
  scratch = path.join(tmpdir(), 'sw-health');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch);
  const bundles = path.join(scratch, 'bundles');
  mkdirSync(bundles);
  writeFileSync(path.join(bundles, 'package.json'), '{"type":"module"}\n');
  copyFileSync(CLI, path.join(bundles, 'cli.js'));
  copyFileSync(path.join(workerDir, 'worker.js'), path.join(bundles, 'worker.js'));
  CLI = path.join(bundles, 'cli.js');
  workerDir = bundles;
  iso = fixtureFile('liveos', 'image.iso');
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function run(cmd: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * MiB, ...options });
  return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** `stickwright write` onto a new 1 GiB image file: ext4, 256 MiB overlay, 128 MiB home unless `extra` says otherwise. */
function writeStick(name: string, extra: string[] = []): string {
  const stick = path.join(scratch, name);
  const result = run(process.execPath, [CLI, 'write', '--iso', iso, '--target', stick, '--size', '1G', '--fs', 'ext4', '--overlay', '256M', '--home', '128M', ...extra, '--yes', '--json']);
  const last = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { type?: string };
  if (result.code !== 0 || last.type !== 'result') throw new Error(`stickwright write failed (${result.code}): ${result.stdout.slice(-600)}${result.stderr}`);
  return stick;
}

/** `stickwright usage --json` of the same file: what the view must agree with. */
function cliUsage(stick: string): UsageReport {
  const result = run(process.execPath, [CLI, 'usage', stick, '--json']);
  const parsed = JSON.parse(result.stdout) as { ok: boolean; report: unknown };
  if (result.code !== 0 || !parsed.ok) throw new Error(`stickwright usage failed (${result.code}): ${result.stdout}${result.stderr}`);
  return UsageReport.parse(parsed.report);
}

/**
 * A stick as livecd-iso-to-disk makes it (which is not packaged for Debian): one bootable vfat
 * partition "LIVE", SYSLINUX's menu, /LiveOS with the root image, the dm-snapshot overlay
 * `overlay-LIVE-<UUID>` made by dd (here holding a store `percent` full) and an ext4 home.img.
 */
function livecdStick(name: string, cow: Omit<CowLayoutOptions, 'fileSize'>): string {
  const stick = path.join(scratch, name);
  const tree = mkdtempSync(path.join(scratch, 'livecd-tree-'));
  const size = 300 * MiB;
  writeFileSync(stick, '');
  truncateSync(stick, size);
  const steps: Array<[string, string[], string?]> = [
    ['sfdisk', ['-q', stick], 'label: dos\nstart=2048, type=c, bootable\n'],
    ['mkfs.vfat', ['--offset', '2048', '-n', 'LIVE', '-i', '1a2b3c4d', stick, String((size - MiB) / 1024)]],
  ];
  for (const [cmd, args, input] of steps) {
    const result = run(cmd, args, input === undefined ? {} : { input });
    if (result.code !== 0) throw new Error(`${cmd}: ${result.stderr}`);
  }
  mkdirSync(path.join(tree, 'LiveOS'));
  mkdirSync(path.join(tree, 'syslinux'));
  writeFileSync(path.join(tree, 'LiveOS', 'squashfs.img'), Buffer.alloc(3 * MiB, 0x5a));
  writeCowFile(path.join(tree, 'LiveOS', 'overlay-LIVE-1A2B-3C4D'), { ...cow, fileSize: 64 * MiB });
  const home = path.join(tree, 'LiveOS', 'home.img');
  writeFileSync(home, '');
  truncateSync(home, 32 * MiB);
  const mkfs = run('mkfs.ext4', ['-q', '-F', '-L', 'HOME', home]);
  if (mkfs.code !== 0) throw new Error(mkfs.stderr);
  writeFileSync(
    path.join(tree, 'syslinux', 'syslinux.cfg'),
    [
      'default vesamenu.c32',
      'timeout 100',
      'menu title Welcome to Fedora-Workstation-Live!',
      'label linux0',
      '  menu label ^Start Fedora-Workstation-Live',
      '  kernel vmlinuz0',
      '  append initrd=initrd0.img root=live:UUID=1A2B-3C4D rootfstype=vfat rd.live.image rw rd.live.overlay=UUID=1A2B-3C4D quiet rhgb',
      '  menu default',
      '',
    ].join('\n'),
  );
  const copy = run('mcopy', ['-s', '-i', `${stick}@@1M`, path.join(tree, 'LiveOS'), path.join(tree, 'syslinux'), '::/'], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
  if (copy.code !== 0) throw new Error(`mcopy: ${copy.stderr}`);
  return stick;
}

async function open(options: Parameters<typeof launchApp>[0]): Promise<AppHarness> {
  const app = await launchApp({ ...options, workerDir });
  apps.add(app);
  return app;
}
async function close(app: AppHarness): Promise<void> {
  apps.delete(app);
  await app.close();
}

const button = (page: Page | Locator, name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });

/** From the start screen to the health view, through the header button. */
async function openHealth(page: Page): Promise<void> {
  await button(page, 'Stick health').click();
  await page.getByRole('heading', { level: 2, name: 'Stick health' }).waitFor();
}

/** Choose `device` (unless it is the only one, chosen already) and check it; resolves once the report shows. */
async function check(page: Page, device: string): Promise<Locator> {
  const select = page.getByLabel('Stick', { exact: true });
  await expect.poll(() => select.locator('option').allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringContaining(device)]));
  if ((await select.inputValue()) !== device) await select.selectOption(device);
  await button(page, /^Check( again)?$/).click();
  const image = page.getByRole('article', { name: /\/LiveOS/ });
  await image.waitFor({ timeout: 30_000 });
  return image;
}

/** The meter's value and its text, as assistive technology reads them. */
async function meter(scope: Locator | Page, name: string): Promise<{ now: number; text: string }> {
  const m = scope.getByRole('meter', { name, exact: true });
  return { now: Number(await m.getAttribute('aria-valuenow')), text: (await m.getAttribute('aria-valuetext')) ?? '' };
}

/** The whole view in one picture: the window made as tall as the content, light then dark. */
async function screenshots(page: Page, name: string, schemes: ReadonlyArray<'light' | 'dark'> = ['light', 'dark']): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 960, height: 680 };
  const extra = await page.locator('.health-view .step-body').evaluate((el) => el.scrollHeight - el.clientHeight);
  await page.setViewportSize({ width: viewport.width, height: viewport.height + Math.max(0, extra) });
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(viewport);
}

describe('the Stick health view', () => {
  it('a fresh stick: /LiveOS, the kernel figure 16/524280 16, fresh, home 128 MiB — the numbers of `stickwright usage --json`', async () => {
    const stick = writeStick('fresh.img');
    const want = cliUsage(stick);
    const app = await open({ devDrives: [stick] });
    const { page } = app;
    try {
      // Reached from the start screen; keyboard only from the title: the list, Refresh, Check.
      await page.getByRole('heading', { level: 2, name: 'Choose a live image' }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'start.png') });
      await openHealth(page);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Stick health');
      const select = page.getByLabel('Stick', { exact: true });
      await expect.poll(() => select.inputValue(), { timeout: 10_000 }).toBe(stick); // the only stick is chosen
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('health-drive');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Check');
      await page.keyboard.press('Enter');
      const card = page.getByRole('article', { name: /\/LiveOS/ });
      await card.waitFor({ timeout: 30_000 });
      expect(app.calls).toContain('readUsage');

      const image = want.images[0];
      const overlay = image?.overlay;
      const home = image?.home;
      if (!image || overlay?.kind !== 'dm-snapshot' || !home || home.usedBytes === null || home.capacityBytes === null) throw new Error('unexpected CLI report');
      expect(overlay.kernelStatus).toBe('16/524280 16');
      const text = (await card.textContent()) ?? '';
      expect(text).toContain('/LiveOS');
      expect(text).toContain(`“${image.bootLabel}”`);
      expect(text).toContain('dm-snapshot file');
      expect(text).toContain(overlay.path);
      expect(await card.getByLabel('dmsetup status figure 16/524280 16').textContent()).toBe('16/524280 16');
      expect(text).toContain('what dmsetup status live-rw will show on the running live system');
      expect(text).toContain('Fresh: no changes stored yet.');
      expect(text).toContain(overlay.note ?? 'no note');
      expect(text).toContain('128 MiB, ext4 “HOME”');
      expect(text).toContain(`stickwright reset-overlay ${stick} --dir LiveOS`);
      expect(text).toContain(`stickwright grow ${stick} --overlay 512M --dir LiveOS`);
      // Nothing to reset on a fresh overlay; growing is offered, twice the size to start with.
      expect(await button(card, 'Reset overlay…').isDisabled()).toBe(true);
      expect(await card.getByLabel('New size').inputValue()).toBe('512');
      expect(await button(card, 'Grow…').isEnabled()).toBe(true);

      // The bars carry the CLI's figures exactly.
      expect(await meter(card, 'Overlay used')).toEqual({ now: overlay.percent, text: `${formatBytes(overlay.allocatedBytes)} of ${formatBytes(overlay.totalBytes)} used (${overlay.percent}%)` });
      expect(await meter(card, 'Home used')).toEqual({ now: home.percent, text: `${formatBytes(home.usedBytes)} of ${formatBytes(home.capacityBytes)} used, ${formatBytes(home.freeBytes ?? 0)} free (${home.percent}%)` });
      expect(await meter(page, 'Free space on the stick')).toEqual({ now: want.live.percent, text: `${formatBytes(want.live.freeBytes)} free of ${formatBytes(want.live.capacityBytes)} (${want.live.percent}% used)` });
      expect(await page.getByText('Healthy: nothing is near full.').count()).toBe(1);
      expect(want.source).toBe('offline');
      expect(await page.getByText('Offline, from the stick itself (nothing mounted or changed)').count()).toBe(1);
      expect(await page.getByRole('alert').count()).toBe(0);
      await screenshots(page, 'health');

      // Back to the wizard where it was, and in again.
      await button(page, 'Write a stick').click();
      await page.getByRole('heading', { level: 2, name: 'Choose a live image' }).waitFor();
      await openHealth(page);
    } finally {
      await close(app);
    }
  });

  it('an overlay 95 % full shows the critical warning and what to do; grown, then reset from the app; another stick chosen drops the old report', async () => {
    const fresh = writeStick('other.img');
    const stick = writeStick('full.img');
    const overlayPath = cliUsage(stick).images[0]?.overlay?.path;
    if (!overlayPath) throw new Error('no overlay');
    const fileSize = 256 * MiB - 4096;
    const options = { chunkSectors: 8, exceptions: 62_500, fileSize };
    const cow = path.join(scratch, 'full.cow');
    writeCowFile(cow, options);
    putCowOnExt4(stick, overlayPath, cow);
    const want = cliUsage(stick);
    const overlay = want.images[0]?.overlay;
    const status = expectedStatus(8, options.exceptions, fileSize);
    expect(overlay).toMatchObject({ kind: 'dm-snapshot', state: 'in-use', allocatedSectors: status.allocated, totalSectors: status.total });
    expect(want.warnings.map((w) => [w.subject, w.severity, w.threshold])).toEqual([['overlay', 'critical', 95]]);
    const warning = want.warnings[0];
    if (overlay?.kind !== 'dm-snapshot' || !warning) throw new Error('unexpected CLI report');

    const app = await open({ devDrives: [fresh, stick] });
    const { page } = app;
    try {
      await openHealth(page);
      expect(await page.getByLabel('Stick', { exact: true }).inputValue()).toBe(''); // two sticks: none chosen for us
      const card = await check(page, stick);
      const alert = card.getByRole('alert');
      const text = (await alert.textContent()) ?? '';
      expect(text).toContain('Critical');
      expect(text).toContain(warning.message);
      expect(text).toContain(`What to do: ${warning.action}`);
      expect((await meter(card, 'Overlay used')).now).toBe(overlay.percent);
      expect(overlay.percent).toBeGreaterThanOrEqual(95);
      expect(await card.getByLabel(`dmsetup status figure ${overlay.kernelStatus}`).count()).toBe(1);
      expect(await page.getByText(/^Needs attention now: 1 critical problem\.$/).count()).toBe(1);
      await screenshots(page, 'health-warning');

      // Grow it to 512 MiB: asked first, then the worker's new report, equal to the CLI's.
      await card.getByLabel('New size').fill('512');
      await button(page, 'Grow…').click();
      const growDialog = page.getByRole('dialog', { name: 'Grow the overlay of /LiveOS to 512 MiB?' });
      await growDialog.waitFor();
      expect(await growDialog.textContent()).toContain('From 256.0 MiB to 512 MiB. Nothing is lost');
      await button(page, 'Grow overlay').click();
      await expect.poll(() => card.getByRole('status').filter({ hasText: 'every change was kept' }).count(), { timeout: 60_000 }).toBe(1);
      expect(app.calls).toContain('growOverlay');
      const grown = cliUsage(stick);
      const grownOverlay = grown.images[0]?.overlay;
      if (grownOverlay?.kind !== 'dm-snapshot') throw new Error('unexpected CLI report');
      expect(grownOverlay).toMatchObject({ fileBytes: 512 * MiB, totalSectors: (512 * MiB) / 512, exceptions: options.exceptions });
      expect(await card.getByLabel(`dmsetup status figure ${grownOverlay.kernelStatus}`).count()).toBe(1);
      expect((await meter(card, 'Overlay used')).now).toBe(grownOverlay.percent);
      expect(await card.getByRole('alert').count()).toBe(0); // 48 %: no warning any more
      expect(grown.warnings).toEqual([]);

      // Reset it: Escape keeps the changes; confirmed, it is fresh again at its new size.
      await button(page, 'Reset overlay…').click();
      const resetDialog = page.getByRole('dialog', { name: 'Reset the overlay of /LiveOS?' });
      await resetDialog.waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep my changes');
      await screenshots(page, 'health-reset-confirm', ['light']);
      await page.keyboard.press('Escape');
      await resetDialog.waitFor({ state: 'hidden' });
      expect(app.calls).not.toContain('resetOverlay');
      await button(page, 'Reset overlay…').click();
      await button(page, 'Reset overlay').click();
      await expect.poll(() => card.getByRole('status').filter({ hasText: 'was reset' }).count(), { timeout: 60_000 }).toBe(1);
      const reset = cliUsage(stick).images[0]?.overlay;
      expect(reset).toMatchObject({ state: 'fresh', kernelStatus: '16/1048576 16' });
      expect(await card.getByLabel('dmsetup status figure 16/1048576 16').count()).toBe(1);
      expect((await card.textContent()) ?? '').toContain('Fresh: no changes stored yet.');

      // Another stick: the old report goes at once, the new one is its own.
      await page.getByLabel('Stick', { exact: true }).selectOption(fresh);
      expect(await page.getByRole('article').count()).toBe(0);
      await check(page, fresh);
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(await page.getByLabel('dmsetup status figure 16/524280 16').count()).toBe(1);
    } finally {
      await close(app);
    }
  });

  it('a stick made the livecd-iso-to-disk way (vfat, SYSLINUX, an overlay 82 % full) reads the same, with the 80 % warning', async () => {
    const stick = livecdStick('livecd.img', { chunkSectors: 8, exceptions: 13_400 });
    const want = cliUsage(stick);
    const image = want.images[0];
    const overlay = image?.overlay;
    if (overlay?.kind !== 'dm-snapshot') throw new Error('unexpected CLI report');
    expect(image?.bootLabel).toBe('Start Fedora-Workstation-Live');
    expect(want.warnings.map((w) => [w.subject, w.severity])).toEqual([['overlay', 'warning']]);
    const app = await open({ devDrives: [stick] });
    const { page } = app;
    try {
      await openHealth(page);
      const card = await check(page, stick);
      const text = (await card.textContent()) ?? '';
      expect(text).toContain('“Start Fedora-Workstation-Live”');
      expect(text).toContain('/LiveOS/overlay-LIVE-1A2B-3C4D');
      expect(text).toContain('In use');
      expect(text).toContain('32 MiB, ext4 “HOME”');
      expect(await card.getByLabel(`dmsetup status figure ${overlay.kernelStatus}`).count()).toBe(1);
      expect((await meter(card, 'Overlay used')).now).toBe(overlay.percent);
      const warning = card.getByRole('status').filter({ hasText: 'What to do' });
      expect(await warning.textContent()).toContain(want.warnings[0]?.message);
      expect(await page.getByText('vfat “LIVE” on partition 1').count()).toBe(1);
      expect(text).toContain(`stickwright reset-overlay ${stick} --dir LiveOS`);
      expect(text).toContain('Growing in place works on ext4 sticks only for now; this one is vfat');
      await screenshots(page, 'health-livecd', ['light']);
    } finally {
      await close(app);
    }
  });

  it('OverlayFS sticks: a directory that grows into the free space, an image on vfat, an encrypted home shown as such', async () => {
    const passphrase = path.join(scratch, 'passphrase.txt');
    writeFileSync(passphrase, 'correct horse battery staple\n');
    const dirStick = writeStick('ovl-dir.img', ['--overlayfs', '--home', '0']);
    const imageStick = writeStick('ovl-image.img', ['--fs', 'vfat', '--overlayfs', '--home', '64M', '--encrypt-home', '--passphrase-file', passphrase]);
    const dirWant = cliUsage(dirStick);
    const imageWant = cliUsage(imageStick);
    const dirOverlay = dirWant.images[0]?.overlay;
    const imageOverlay = imageWant.images[0]?.overlay;
    if (dirOverlay?.kind !== 'overlayfs-dir' || imageOverlay?.kind !== 'overlayfs-image') throw new Error(`unexpected CLI reports: ${dirOverlay?.kind} ${imageOverlay?.kind}`);
    const app = await open({ devDrives: [dirStick, imageStick] });
    const { page } = app;
    try {
      await openHealth(page);
      let card = await check(page, dirStick);
      let text = (await card.textContent()) ?? '';
      expect(text).toContain('OverlayFS directory');
      expect(text).toContain(`${dirOverlay.path}/`);
      expect(text).toContain('None: /home lives in the overlay');
      expect(text).toContain('already grows into the free space of the stick');
      expect(text).toContain('cannot be reset offline');
      expect(await card.getByText('Kernel figure').count()).toBe(0); // a dm-snapshot figure only
      expect((await meter(card, 'Overlay used')).now).toBe(dirOverlay.percent);
      await page.screenshot({ path: path.join(ARTIFACTS, 'overlayfs-dir.png'), fullPage: true });

      await page.getByLabel('Stick', { exact: true }).selectOption(imageStick);
      card = await check(page, imageStick);
      text = (await card.textContent()) ?? '';
      expect(text).toContain('OverlayFS image (ext4)');
      expect(text).toContain('encrypted (luks2), 64 MiB');
      expect(text).toContain('can be seen only on the live system');
      expect(await card.getByRole('meter', { name: 'Home used' }).count()).toBe(0);
      expect(await meter(card, 'Overlay used')).toEqual({ now: imageOverlay.percent, text: `${formatBytes(imageOverlay.usedBytes)} of ${formatBytes(imageOverlay.capacityBytes)} used (${imageOverlay.percent}%)` });
      expect(text).toContain(`stickwright reset-overlay ${imageStick} --dir LiveOS`);
      await screenshots(page, 'health-overlayfs', ['dark']);
    } finally {
      await close(app);
    }
  });

  it('a file with no live image says STICK_NO_LIVE_IMAGE and what to do, not a stack trace', async () => {
    const file = path.join(scratch, 'zeros.img');
    writeFileSync(file, '');
    truncateSync(file, 64 * MiB);
    const app = await open({ devDrives: [file] });
    const { page } = app;
    try {
      await openHealth(page);
      await expect.poll(() => page.getByLabel('Stick', { exact: true }).inputValue(), { timeout: 10_000 }).toBe(file);
      await button(page, 'Check').click();
      const alert = page.getByRole('alert');
      await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toContain('STICK_NO_LIVE_IMAGE');
      const text = (await alert.textContent()) ?? '';
      expect(text).toContain('No live image was found on the stick.');
      expect(text).toContain('What to do: Give a whole stick written by Stickwright or livecd-iso-to-disk');
      expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(await page.getByRole('article').count()).toBe(0);
      await screenshots(page, 'health-error', ['light']);
    } finally {
      await close(app);
    }
  });
});
