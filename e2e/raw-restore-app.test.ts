// Raw mode and restore in the app, end to end: the built page in Chromium, the real main handlers
// and the real worker child, writing to loop-device sticks this file makes (and always detaches).
// (a) the raw-only fixture (a FreeBSD-like hybrid ISO): the app picks "Write as is" and says why,
//     skips Persistence, writes byte for byte and says verified; the stick's first bytes hash to
//     the image's. (b) a live ISO overridden to raw mode: the same, the image's bytes on the stick.
// (c) that stick restored from Done to FAT32: one partition, blkid -p finds vfat with the label,
//     fsck.fat -n is clean. Screenshots go to docs/screenshots/raw-*.png and restore-*.png.
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright';
import { launchApp, type AppHarness } from './harness/launchApp';
import { fixtureFile } from './fixtures/fixture';
import { readPartitions, withPartition } from './stickChecks';

const MiB = 2 ** 20;
const SHOTS = path.resolve('docs', 'screenshots');

let scratch: string;
let workerDir = path.resolve('dist');
const loops = new Set<string>();
const apps = new Set<AppHarness>();

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-raw-app-'));
  // A private copy of the worker: a concurrent `npm run build` empties dist/ for a moment.
  const bundles = path.join(scratch, 'bundles');
  mkdirSync(bundles);
  writeFileSync(path.join(bundles, 'package.json'), '{"type":"module"}\n');
  copyFileSync(path.join(workerDir, 'worker.js'), path.join(bundles, 'worker.js'));
  workerDir = bundles;
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  for (const loop of loops) spawnSync('losetup', ['--detach', loop]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A sparse file of `bytes` behind a fresh loop device (filled with 0xAA first MiB, so a write that never happened shows). */
function loopStick(name: string, bytes: number): string {
  const file = path.join(scratch, name);
  closeSync(openSync(file, 'w'));
  truncateSync(file, bytes);
  writeFileSync(file, Buffer.alloc(MiB, 0xaa), { flag: 'r+' });
  const loop = execFileSync('losetup', ['--find', '--show', file], { encoding: 'utf8' }).trim();
  loops.add(loop);
  return loop;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The first `bytes` of a device, read as root would. */
function head(device: string, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  const fd = openSync(device, 'r');
  try {
    let done = 0;
    while (done < bytes) {
      const n = readSync(fd, out, done, bytes - done, done);
      if (n === 0) break;
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** blkid -p's KEY=VALUE pairs (low-level probe, no cache). */
function probe(file: string, offset: number): Record<string, string> {
  const run = spawnSync('blkid', ['-p', '-o', 'export', '-O', String(offset), file], { encoding: 'utf8' });
  const found: Record<string, string> = {};
  for (const line of run.stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) found[line.slice(0, at)] = line.slice(at + 1).replace(/\\(.)/g, '$1');
  }
  return found;
}

async function open(options: Parameters<typeof launchApp>[0]): Promise<AppHarness> {
  const app = await launchApp({ ...options, workerDir });
  apps.add(app);
  app.page.setDefaultTimeout(60_000);
  return app;
}
async function close(app: AppHarness): Promise<void> {
  apps.delete(app);
  await app.close();
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 2, name });
const button = (scope: Page | Locator, name: string | RegExp) => scope.getByRole('button', { name, exact: typeof name === 'string' });

/** The page as it is, light then dark, as docs/screenshots/<name>-<scheme>.png (the whole step). */
async function screenshots(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 960, height: 680 };
  const extra = await page.locator('.step-body:visible').evaluate((el) => el.scrollHeight - el.clientHeight);
  await page.setViewportSize({ width: viewport.width, height: viewport.height + Math.max(0, extra) });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(viewport);
}

/** Drive → Review (no Persistence step) → write → Done, in raw mode; returns the Done page's text. */
async function writeRaw(page: Page, loop: string, expect: ExpectStatic, shots: string | null, imageFile = 'image.iso'): Promise<string> {
  await heading(page, 'Choose the stick').waitFor();
  const radio = page.getByRole('radio', { name: new RegExp(loop.replace(/[/.]/g, '\\$&')) });
  await radio.waitFor({ timeout: 10_000 });
  await radio.check();
  if (shots) await screenshots(page, `${shots}-drive`);
  await button(page, 'Next').click();

  // Review, straight after Drive: what is erased, and that the image is copied byte for byte and read back.
  await heading(page, 'Review').waitFor();
  expect(await page.getByRole('navigation', { name: 'Progress through the steps' }).textContent()).not.toContain('Persistence');
  expect(await page.getByLabel('Will be erased').first().textContent()).toContain(loop);
  const written = (await page.getByLabel('Will be written as is').last().textContent()) ?? '';
  expect(written).toContain(imageFile);
  expect(written).toMatch(/byte for byte/);
  expect(written).toMatch(/read back from the stick and compared/);
  await page.getByRole('checkbox', { name: `I understand everything on ${loop} will be erased` }).check();
  if (shots) await screenshots(page, `${shots}-review`);
  await button(page, 'Erase and write').click();

  // Write, then Done saying verified.
  await heading(page, `Writing ${loop}`).waitFor();
  await heading(page, 'Your stick is ready').waitFor({ timeout: 90_000 });
  const done = (await page.locator('#done-step-title').locator('..').textContent()) ?? '';
  expect(await page.getByLabel('Verification').textContent()).toMatch(/^Verified: all .+ of the image were read back from the stick and match it byte for byte\.$/);
  if (shots) await screenshots(page, `${shots}-done`);
  return done;
}

describe('raw mode and restore in the app', () => {
  it('(a) a raw-only hybrid image: the app picks "Write as is", says why, and writes it byte for byte, verified', async ({ expect }) => {
    const iso = fixtureFile('iso-rawonly', 'image.iso');
    const image = readFileSync(iso);
    const loop = loopStick('rawonly.img', 64 * MiB);
    const app = await open({ pickIsoFile: async () => iso, devDrives: [loop] });
    const { page } = app;
    try {
      await heading(page, 'Choose a live image').waitFor();
      await button(page, 'Choose ISO…').click();
      const mode = page.getByLabel('How it will be written');
      await mode.waitFor({ timeout: 30_000 });
      const why = (await mode.textContent()) ?? '';
      expect(why).toContain('Write as is (byte for byte)');
      expect(why).toMatch(/no Linux live layout/);
      expect(why).toMatch(/hybrid image/);
      // No choice to make: persistence is not possible for it.
      expect(await mode.getByRole('radio').count()).toBe(0);
      await screenshots(page, 'raw-image');
      await button(page, 'Next').click();
      const done = await writeRaw(page, loop, expect, 'raw');
      expect(done).toContain('written byte for byte and flushed and verified');
      // The stick's first bytes are the image's.
      expect(sha256(head(loop, image.length))).toBe(sha256(image));
      expect(app.calls).toContain('startRawWrite');
      expect(app.calls).not.toContain('startWrite');
      const result = app.events.find((e) => e.type === 'result');
      expect(result && result.type === 'result' ? result.value : null).toMatchObject({ target: loop, bytesWritten: image.length, verified: { bytes: image.length } });
    } finally {
      await close(app);
    }
  });

  it('(d) a disk image that is no ISO (.img.xz) from the picker: written as is; a .img.gz too big for its stick: the error code and what to do', async ({ expect }) => {
    const iso = fixtureFile('iso-rawonly', 'image.iso');
    const image = readFileSync(iso);
    const xz = path.join(scratch, 'memstick.img.xz');
    writeFileSync(xz, execFileSync('xz', ['-1', '-c', iso], { maxBuffer: 64 * MiB }));
    const gz = path.join(scratch, 'memstick.img.gz');
    writeFileSync(gz, execFileSync('gzip', ['-1', '-c', iso], { maxBuffer: 64 * MiB }));
    const loop = loopStick('xz.img', 64 * MiB);
    const tiny = loopStick('tiny.img', 2 * MiB);
    let picked = xz;
    const app = await open({ pickIsoFile: async () => picked, devDrives: [loop, tiny] });
    const { page } = app;
    try {
      await heading(page, 'Choose a live image').waitFor();
      await button(page, 'Choose ISO…').click();
      const mode = page.getByLabel('How it will be written');
      await mode.waitFor({ timeout: 30_000 });
      expect(await mode.textContent()).toContain('Not an ISO but a disk image (.img.xz): it will be written as is, byte for byte, decompressed on the way.');
      // inspect's "not an ISO" is no error here.
      expect(await page.getByRole('alert').count()).toBe(0);
      await button(page, 'Next').click();
      await writeRaw(page, loop, expect, null, 'memstick.img.xz');
      expect(sha256(head(loop, image.length))).toBe(sha256(image));

      // Write another: a gzip image (its size known only at the end) onto a 2 MiB stick.
      await button(page, 'Write another').click();
      picked = gz;
      await button(page, 'Choose ISO…').click();
      await expect.poll(() => mode.textContent(), { timeout: 30_000 }).toContain('(.img.gz)');
      await button(page, 'Next').click();
      await heading(page, 'Choose the stick').waitFor();
      await page.getByRole('radio', { name: new RegExp(tiny.replace(/[/.]/g, '\\$&')) }).check();
      await button(page, 'Next').click();
      await page.getByRole('checkbox', { name: `I understand everything on ${tiny} will be erased` }).check();
      await button(page, 'Erase and write').click();
      await heading(page, 'The write failed').waitFor({ timeout: 60_000 });
      const alert = page.getByRole('alert');
      expect(await alert.getByLabel('Error code TARGET_TOO_SMALL').count()).toBe(1);
      expect(await alert.textContent()).toMatch(/What to do: /);
      expect(await page.locator('body').textContent()).not.toMatch(/\bat .+\.(js|ts):\d+/);
      expect(await page.getByLabel('State of the stick').textContent()).toMatch(/larger stick/);
      await screenshots(page, 'raw-error');
    } finally {
      await close(app);
    }
  });

  it('(b) a live ISO overridden to "Write as is", then (c) restored from Done to FAT32: one vfat partition with the label, fsck clean', async ({ expect }) => {
    const iso = fixtureFile('liveos', 'image.iso');
    const image = readFileSync(iso);
    const loop = loopStick('override.img', 128 * MiB);
    const app = await open({ pickIsoFile: async () => iso, devDrives: [loop] });
    const { page } = app;
    try {
      await heading(page, 'Choose a live image').waitFor();
      await button(page, 'Choose ISO…').click();
      const mode = page.getByLabel('How it will be written');
      await mode.waitFor({ timeout: 30_000 });
      // Picked for us: persistence; the override is one plain choice away.
      const persistent = mode.getByRole('radio', { name: /With persistence/ });
      const asIs = mode.getByRole('radio', { name: /Write as is, without persistence/ });
      expect(await persistent.isChecked()).toBe(true);
      expect(await page.getByRole('navigation', { name: 'Progress through the steps' }).textContent()).toContain('Persistence');
      await asIs.check();
      expect(await page.getByRole('navigation', { name: 'Progress through the steps' }).textContent()).not.toContain('Persistence');
      await screenshots(page, 'raw-override');
      await button(page, 'Next').click();
      await writeRaw(page, loop, expect, null);
      expect(sha256(head(loop, image.length))).toBe(sha256(image));
      expect(app.calls.filter((c) => c === 'startRawWrite')).toHaveLength(1);
      expect(app.calls).not.toContain('startWrite');

      // (c) From Done: restore this stick to a plain FAT32 drive.
      await button(page, 'Restore this stick to a plain drive').click();
      await heading(page, 'Restore a stick').waitFor();
      await expect.poll(() => page.getByRole('combobox', { name: 'Stick' }).inputValue()).toBe(loop);
      expect(await page.getByRole('radio', { name: /^FAT32/ }).isChecked()).toBe(true);
      const name = page.getByRole('textbox', { name: 'Name' });
      await name.fill('MY FILES 123'); // 12 characters: too long for FAT32
      await expect.poll(() => page.locator('.step-status:visible').textContent()).toContain('At most 11 characters on FAT32');
      expect(await button(page, 'Restore…').isDisabled()).toBe(true);
      await name.fill('MYFILES');
      await screenshots(page, 'restore-form');
      await button(page, 'Restore…').click();
      const dialog = page.getByRole('dialog', { name: `Erase ${loop}?` });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain(`Everything on ${loop}`);
      expect(await dialog.textContent()).toContain('one FAT32 partition named “MYFILES”');
      await screenshots(page, 'restore-confirm');
      await button(dialog, 'Erase and restore').click();
      await heading(page, 'The stick is a plain drive again').waitFor({ timeout: 90_000 });
      expect(await page.getByLabel('Filesystem check').textContent()).toMatch(/^Checked: fsck read the new filesystem/);
      await screenshots(page, 'restore-done');
      expect(app.calls).toContain('startRestore');

      // From outside: one MBR partition (type 0x0c) at 1 MiB, vfat "MYFILES" in it, fsck.fat -n clean.
      const parts = readPartitions(loop);
      expect(parts).toHaveLength(1);
      expect(parts[0]).toMatchObject({ start: MiB, type: 'c' });
      const found = probe(loop, MiB);
      expect(found.TYPE).toBe('vfat');
      expect(found.LABEL).toBe('MYFILES');
      const fsck = withPartition(loop, parts[0] as (typeof parts)[number], (device) => spawnSync('fsck.fat', ['-n', device], { encoding: 'utf8' }));
      expect(fsck.status, `${fsck.stdout}${fsck.stderr}`).toBe(0);
      // The image's ISO 9660 signature is gone with it.
      expect(head(loop, 0x8006).subarray(0x8001, 0x8006).toString('latin1')).not.toBe('CD001');
    } finally {
      await close(app);
    }
  });
});
