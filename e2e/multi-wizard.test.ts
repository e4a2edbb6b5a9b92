// The images view ("Add an image to this stick") end to end: the built page in Chromium, the real
// main handlers and the real worker child, on file-backed development sticks. A stick is written
// through the wizard with the `liveos` fixture; from Done, `liveos-two` is added; the list must
// show both images with the names and sizes `stickwright list --json` gives for the same file;
// one is removed after the confirmation, and removing the last is refused by the engine with its
// code and what to do. No boots here: e2e/multi-image.test.ts boots such sticks.
// Screenshots go to docs/screenshots/multi-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright';
import { formatBytes } from '../shared/units';
import { launchApp, type AppHarness } from './harness/launchApp';
import { fixtureFile } from './fixtures/fixture';
import { fsckStick } from './stickChecks';

// Private copies of the CLI and worker bundles (made in beforeAll): a concurrent `npm run build`
// empties dist/ for a moment, which must not fail a test halfway.
let CLI = path.resolve('dist/cli.js');
let workerDir = path.resolve('dist');
const SHOTS = path.resolve('docs', 'screenshots');
/** Where a failing test leaves a picture of the page (not committed). */
const ARTIFACTS = path.resolve('test-results', 'multi-wizard');
const MiB = 2 ** 20;
const GiB = 2 ** 30;

let scratch: string;
let liveos: string;
let liveosTwo: string;
const apps = new Set<AppHarness>();

beforeAll(() => {
  // A fixed name, so the screenshots show the same paths from run to run.
  scratch = path.join(tmpdir(), 'sw-multi-wizard');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch);
  const bundles = path.join(scratch, 'bundles');
  mkdirSync(bundles);
  writeFileSync(path.join(bundles, 'package.json'), '{"type":"module"}\n');
  copyFileSync(CLI, path.join(bundles, 'cli.js'));
  copyFileSync(path.join(workerDir, 'worker.js'), path.join(bundles, 'worker.js'));
  CLI = path.join(bundles, 'cli.js');
  workerDir = bundles;
  liveos = fixtureFile('liveos', 'image.iso');
  liveosTwo = fixtureFile('liveos-two', 'image.iso');
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface ListedImage {
  dir: string;
  name: string | null;
  isDefault: boolean;
  rootImage: { path: string; bytes: number } | null;
  overlay: { kind: string; bytes: number | null; percent: number | null } | null;
  home: { bytes: number } | null;
}
interface Listing {
  images: ListedImage[];
  totals: { images: number; fs: string; freeBytes: number; capacityBytes: number };
}

/** `stickwright list <stick> --json`: what the view must agree with. */
function cliList(stick: string): Listing {
  const run = spawnSync(process.execPath, [CLI, 'list', stick, '--json'], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) throw new Error(`stickwright list failed (${run.status}): ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout) as Listing;
}

/** `stickwright write` onto a new image file (for the tests that do not go through the wizard). */
function cliWrite(name: string, fs: 'ext4' | 'f2fs'): string {
  const stick = path.join(scratch, name);
  const run = spawnSync(process.execPath, [CLI, 'write', '--iso', liveos, '--target', stick, '--size', '1G', '--fs', fs, '--overlay', '256M', '--home', '128M', '--yes', '--json'], { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const last = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { type?: string };
  if (run.status !== 0 || last.type !== 'result') throw new Error(`stickwright write failed (${run.status}): ${run.stdout.slice(-600)}${run.stderr}`);
  return stick;
}

/** A blank sparse file: a virtual stick for the wizard to write. */
function blankStick(name: string, bytes: number): string {
  const file = path.join(scratch, name);
  closeSync(openSync(file, 'w'));
  truncateSync(file, bytes);
  return file;
}

async function open(options: Parameters<typeof launchApp>[0]): Promise<AppHarness> {
  const app = await launchApp({ ...options, workerDir });
  apps.add(app);
  // Shared cores (fixture builds, other test files): give slow frames time.
  app.page.setDefaultTimeout(60_000);
  return app;
}
async function close(app: AppHarness, failed: { name: string } | null = null): Promise<void> {
  apps.delete(app);
  if (failed) await app.page.screenshot({ path: path.join(ARTIFACTS, `${failed.name}.png`), fullPage: true }).catch(() => undefined);
  await app.close();
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 2, name });
const button = (scope: Page | Locator, name: string | RegExp) => scope.getByRole('button', { name, exact: typeof name === 'string' });
const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The page as it is, light then dark (or only those asked for), as docs/screenshots/<name>-<scheme>.png;
 *  the window made as tall as the step's content, so nothing is cut off. */
async function screenshots(page: Page, name: string, schemes: ReadonlyArray<'light' | 'dark'> = ['light', 'dark']): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 960, height: 680 };
  const extra = await page.locator('.step-body:visible').evaluate((el) => el.scrollHeight - el.clientHeight);
  await page.setViewportSize({ width: viewport.width, height: viewport.height + Math.max(0, extra) });
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(viewport);
}

/** An image's card in the list, by its menu title. */
const card = (page: Page, name: string) => page.getByRole('article', { name, exact: true });

describe('the images view', () => {
  it('from Done: liveos-two added to a stick the wizard wrote, listed as the CLI lists it; one removed after the question; the last one refused', async () => {
    const stick = blankStick('stick.img', GiB);
    let picked = liveos;
    const app = await open({ devDrives: [stick], pickIsoFile: async () => picked });
    const { page } = app;
    let passed = false;
    try {
      // The wizard writes the stick: liveos, ext4, overlay 256 MiB, home 128 MiB.
      await heading(page, 'Choose a live image').waitFor();
      await button(page, 'Choose ISO…').click();
      await page.getByLabel('Image details').getByText('SW-FIXTURE', { exact: true }).waitFor();
      await button(page, 'Next').click();
      const radio = page.getByRole('radio', { name: new RegExp(escapeRe(stick)) });
      await radio.waitFor({ timeout: 10_000 });
      await radio.check();
      await button(page, 'Next').click();
      await heading(page, 'Persistence').waitFor();
      await page.getByRole('radio', { name: /^ext4/ }).check();
      await page.getByLabel('System changes (overlay) in MiB').fill('256');
      await page.getByLabel('Home folder in MiB').fill('128');
      await expect.poll(() => button(page, 'Next').isDisabled()).toBe(false);
      await button(page, 'Next').click();
      await heading(page, 'Review').waitFor();
      await page.getByRole('checkbox', { name: `I understand everything on ${stick} will be erased` }).check();
      await button(page, 'Erase and write').click();
      await heading(page, 'Your stick is ready').waitFor({ timeout: 180_000 });
      expect(cliList(stick).images.map((i) => [i.dir, i.name])).toEqual([['LiveOS', 'Stickwright fixture']]);

      // Done → "Add an image to this stick": the stick is listed, and the add starts on it.
      await button(page, 'Add an image to this stick').click();
      await heading(page, 'Choose the image to add').waitFor({ timeout: 30_000 });
      expect(app.calls).toContain('listStickImages');
      await page.getByText(`It goes onto ${stick} beside the image already there, in a directory of its own.`).waitFor();
      picked = liveosTwo;
      await button(page, 'Choose ISO…').click();
      await page.getByLabel('Image details').getByText('SW-FIXTURE-2', { exact: true }).waitFor();
      await button(page, 'Next').click();

      // Sizes: its own overlay and home, bounded by the stick's free space; too much is refused at once.
      await heading(page, 'Persistence for the new image').waitFor();
      const before = cliList(stick);
      const overlayMax = Number(await page.getByRole('slider', { name: 'System changes (overlay)' }).getAttribute('max'));
      expect(overlayMax * MiB).toBeGreaterThan(128 * MiB);
      expect(overlayMax * MiB).toBeLessThan(before.totals.freeBytes);
      await page.getByLabel('System changes (overlay) in MiB').fill(String(overlayMax + 64));
      await expect.poll(() => page.getByLabel('Problems with these choices').textContent()).toContain('TARGET_TOO_SMALL');
      expect(await button(page, 'Next').isDisabled()).toBe(true);
      await page.getByLabel('System changes (overlay) in MiB').fill('128');
      await page.getByLabel('Home folder in MiB').fill('64');
      await expect.poll(() => button(page, 'Next').isDisabled()).toBe(false);
      expect(await page.getByLabel('Name in the boot menu').getAttribute('placeholder')).toBe('Stickwright fixture (SW-FIXTURE-2)');
      await expect.poll(() => page.getByLabel("How the stick's free space is used").textContent()).toContain('Home 64 MiB');
      await screenshots(page, 'multi-add-sizes', ['light']);
      await button(page, 'Next').click();

      // Review: the stick as it is, what will be added; nothing erased.
      await heading(page, 'Review').waitFor();
      const stickFacts = (await page.locator('dl[aria-label="The stick"]').textContent()) ?? '';
      expect(stickFacts).toContain(stick);
      expect(stickFacts).toContain('Stickwright fixture');
      expect(stickFacts).toContain(formatBytes(before.totals.freeBytes));
      const added = (await page.locator('dl[aria-label="Will be added"]').textContent()) ?? '';
      expect(added).toContain('image.iso (SW-FIXTURE-2)');
      expect(added).toContain('“Stickwright fixture (SW-FIXTURE-2)”, after the others');
      expect(added).toContain('128 MiB overlay file (device-mapper snapshot)');
      expect(added).toContain('64 MiB home.img (ext4)');
      expect(await page.getByRole('checkbox').count()).toBe(0);
      await screenshots(page, 'multi-add-review', ['dark']);
      await button(page, 'Add image').click();

      // The add runs in the worker, its events on the write's channel, then Done.
      await heading(page, 'The image was added').waitFor({ timeout: 120_000 });
      // The add's job: the one whose result is a stick's new list (the write's is a plan).
      const addJob = app.events.find((e) => e.type === 'result' && typeof e.value === 'object' && e.value !== null && 'list' in e.value)?.jobId;
      expect(addJob).toBeDefined();
      const phases = app.events.filter((e) => e.jobId === addJob && e.type === 'phase').map((e) => (e.type === 'phase' ? e.phase : null));
      expect(phases).toEqual(['preflight', 'copy', 'persist', 'boot', 'verify']);
      const progress = app.events.filter((e) => e.jobId === addJob && e.type === 'progress');
      const last = progress.at(-1);
      expect(last?.type === 'progress' && last.bytesDone === last.bytesTotal && last.bytesTotal > 192 * MiB).toBe(true);
      expect(app.events.filter((e) => e.jobId === addJob && e.type === 'result')).toHaveLength(1);
      const listed = cliList(stick);
      expect(listed.images.map((i) => i.name)).toEqual(['Stickwright fixture', 'Stickwright fixture (SW-FIXTURE-2)']);
      const second = listed.images[1];
      if (!second) throw new Error('no second image');
      expect(second).toMatchObject({ isDefault: false, overlay: { kind: 'dm-snapshot', bytes: 128 * MiB }, home: { bytes: 64 * MiB } });
      const menu = page.getByRole('list', { name: 'Images in the boot menu' });
      expect(await menu.getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(/^Stickwright fixture \/LiveOS · starts by default$/), `Stickwright fixture (SW-FIXTURE-2) /${second.dir} · new`]);
      await page.getByText(`“Stickwright fixture (SW-FIXTURE-2)” is on ${stick} in /${second.dir}, with its own overlay and home.`).waitFor();
      await screenshots(page, 'multi-add-done', ['light']);
      await button(page, 'Show the stick’s images').click();

      // The list: both images with their names and sizes, as `stickwright list` has them.
      await heading(page, 'Images on a stick').waitFor();
      await expect.poll(() => page.getByRole('article').count()).toBe(2);
      for (const image of listed.images) {
        const text = (await card(page, image.name ?? '').textContent()) ?? '';
        expect(text).toContain(`/${image.dir}`);
        expect(text).toContain(formatBytes(image.rootImage?.bytes ?? -1));
        expect(text).toContain(`dm-snapshot file, ${formatBytes(image.overlay?.bytes ?? -1)}, ${image.overlay?.percent}% used`);
        expect(text).toContain(formatBytes(image.home?.bytes ?? -1));
        expect(text.includes('Starts by default')).toBe(image.isDefault);
      }
      const free = page.getByRole('meter', { name: 'Free space on the stick' });
      expect(await free.getAttribute('aria-valuetext')).toContain(`${formatBytes(listed.totals.freeBytes)} free of ${formatBytes(listed.totals.capacityBytes)}`);
      expect(await page.locator('.step-status:visible').textContent()).toBe(`2 images on ${stick}`);
      await screenshots(page, 'multi-list');

      // Remove the added one: asked first (the safe answer focused; Escape keeps it), then gone.
      const twoCard = card(page, 'Stickwright fixture (SW-FIXTURE-2)');
      await button(twoCard, 'Remove…').click();
      const dialog = page.getByRole('dialog', { name: 'Remove “Stickwright fixture (SW-FIXTURE-2)” from the stick?' });
      await dialog.waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
      const question = (await dialog.textContent()) ?? '';
      expect(question).toContain(`the live system in /${second.dir}`);
      expect(question).toContain('its home.img (64 MiB), with every file in it');
      expect(question).toContain('The other images on the stick are not touched');
      await screenshots(page, 'multi-remove-confirm', ['light']);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(app.calls).not.toContain('removeImage');
      expect(cliList(stick).images).toHaveLength(2);
      await button(twoCard, 'Remove…').click();
      await button(page, 'Remove image').click();
      await page.getByRole('status').filter({ hasText: 'Removed “Stickwright fixture (SW-FIXTURE-2)”' }).waitFor({ timeout: 60_000 });
      await expect.poll(() => page.getByRole('article').count()).toBe(1);
      const afterRemove = cliList(stick);
      expect(afterRemove.images.map((i) => [i.dir, i.name])).toEqual([['LiveOS', 'Stickwright fixture']]);
      expect(afterRemove.totals.freeBytes).toBeGreaterThan(listed.totals.freeBytes + 192 * MiB);
      expect(await free.getAttribute('aria-valuetext')).toContain(`${formatBytes(afterRemove.totals.freeBytes)} free`);
      await fsckStick(stick, 'ext4');

      // The last image: the engine refuses, and the page says so with the code and what to do.
      await button(card(page, 'Stickwright fixture'), 'Remove…').click();
      await button(page, 'Remove image').click();
      const alert = page.getByRole('alert');
      await expect.poll(() => alert.textContent(), { timeout: 60_000 }).toContain('MULTI_NOT_POSSIBLE');
      const refusal = (await alert.textContent()) ?? '';
      expect(refusal).toContain('/LiveOS was not removed');
      expect(refusal).toContain("is the stick's only live image");
      expect(refusal).toContain('What to do:');
      expect(refusal).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(cliList(stick).images).toHaveLength(1);
      await expect.poll(() => page.getByRole('article').count()).toBe(1);
      await screenshots(page, 'multi-last-image', ['light']);
      passed = true;
    } finally {
      await close(app, passed ? null : { name: 'from-done' });
    }
  });

  it('from the start screen: the header opens the view, the only stick is read; F2FS sticks say why nothing can be added', async () => {
    const ext4 = cliWrite('ext4.img', 'ext4');
    const f2fs = cliWrite('f2fs.img', 'f2fs');
    const app = await open({ devDrives: [ext4, f2fs] });
    const { page } = app;
    let passed = false;
    try {
      await heading(page, 'Choose a live image').waitFor();
      await page.getByRole('note').getByText('multi-image sticks').waitFor();
      await button(page, 'Add an image').click();
      await heading(page, 'Images on a stick').waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Images on a stick');
      const select = page.getByLabel('Stick', { exact: true });
      await expect.poll(() => select.locator('option').allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringContaining(ext4), expect.stringContaining(f2fs)]));
      expect(await select.inputValue()).toBe(''); // two sticks: none chosen for us
      expect(await button(page, 'Add an image…').isDisabled()).toBe(true);

      await select.selectOption(ext4);
      await button(page, 'Show images').click();
      await expect.poll(() => page.getByRole('article').count(), { timeout: 30_000 }).toBe(1);
      expect((await card(page, 'Stickwright fixture').textContent()) ?? '').toContain('Starts by default');
      expect(await button(page, 'Add an image…').isEnabled()).toBe(true);
      await button(page, 'Add an image…').click();
      await heading(page, 'Choose the image to add').waitFor();
      expect(app.calls).not.toContain('chooseIso');
      await button(page, 'Back to the stick').click();
      await heading(page, 'Images on a stick').waitFor();

      // F2FS: listed, but nothing can be added or removed offline; the page says so before anyone tries.
      await select.selectOption(f2fs);
      expect(await page.getByRole('article').count()).toBe(0); // another stick: the old list goes at once
      await button(page, 'Show images').click();
      await expect.poll(() => page.getByRole('article').count(), { timeout: 30_000 }).toBe(1);
      expect((await page.getByRole('note').filter({ hasText: 'F2FS' }).textContent()) ?? '').toContain('Write the stick with ext4 or FAT to keep several images');
      expect(await button(page, 'Add an image…').isDisabled()).toBe(true);
      expect(await page.locator('.step-status:visible').textContent()).toBe('This image cannot be added to or removed from the stick offline.');

      // Back to the wizard, where it was.
      await button(page, 'Back to writing').click();
      await heading(page, 'Choose a live image').waitFor();
      expect(app.calls.filter((c) => c === 'startAddImage' || c === 'removeImage')).toEqual([]);
      passed = true;
    } finally {
      await close(app, passed ? null : { name: 'from-start' });
    }
  });
});
