// The wizard end to end: the built page in Chromium, the real main-process handlers and the real
// worker child, writing to loop-device sticks this file makes (and always detaches). One stick
// made through the wizard is booted twice in QEMU (SeaBIOS, then OVMF) and must persist; the
// other tests cover cancel, a bad ISO, a too-small drive and hot-plug. Screenshots of every step
// in light and dark go to docs/screenshots/.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync, closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright';
import { launchApp, type AppHarness } from './harness/launchApp';
import { fixtureFile } from './fixtures/fixture';
import { bootImage } from './qemu/boot';
import { fsckStick, readPartitions } from './stickChecks';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const SHOTS = path.resolve('docs', 'screenshots');

let scratch: string;
const loops = new Set<string>();
const apps = new Set<AppHarness>();

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-wizard-'));
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  for (const loop of loops) spawnSync('losetup', ['--detach', loop]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A sparse image file of `bytes`, optionally behind a fresh loop device. */
function makeStick(name: string, bytes: number): string {
  const file = path.join(scratch, name);
  closeSync(openSync(file, 'w'));
  truncateSync(file, bytes);
  return file;
}
function attach(file: string): string {
  const loop = execFileSync('losetup', ['--find', '--show', file], { encoding: 'utf8' }).trim();
  loops.add(loop);
  return loop;
}
function detach(loop: string): void {
  execFileSync('losetup', ['--detach', loop]);
  loops.delete(loop);
}
/** Loop devices whose backing file is `backing` (the job's own loops sit on the stick's device). */
function loopsOver(backing: string): string[] {
  const list = JSON.parse(execFileSync('losetup', ['--list', '--json', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' }) || '{"loopdevices":[]}') as {
    loopdevices?: { name: string; 'back-file': string | null }[];
  };
  return (list.loopdevices ?? []).filter((l) => (l['back-file'] ?? '').trim() === backing).map((l) => l.name);
}

async function open(options: Parameters<typeof launchApp>[0]): Promise<AppHarness> {
  const app = await launchApp(options);
  apps.add(app);
  // The e2e suite shares two cores with QEMU boots and fixture builds: give slow frames time.
  app.page.setDefaultTimeout(90_000);
  return app;
}
async function close(app: AppHarness): Promise<void> {
  apps.delete(app);
  await app.close();
}

/** The same page in light and in dark (prefers-color-scheme), saved as docs/screenshots/<step>-<scheme>.png. */
async function screenshots(page: Page, step: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SHOTS, `${step}-${scheme}.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Light and dark screenshots of the page as it is, in memory. */
async function shoot(page: Page): Promise<Record<'light' | 'dark', Buffer>> {
  const light = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  await page.emulateMedia({ colorScheme: 'light' });
  return { light, dark };
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 2, name });
const button = (page: Page, name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });

/** Image → Drive: the fixture through the stubbed picker. */
async function chooseImage(page: Page): Promise<void> {
  await button(page, 'Choose ISO…').click();
  await page.getByLabel('Image details').getByText('SW-FIXTURE').waitFor({ timeout: 30_000 });
}

/** Drive step: wait for `device` to be listed, choose it, go on. */
async function chooseDrive(page: Page, device: string): Promise<void> {
  const radio = page.getByRole('radio', { name: new RegExp(device.replace(/[/.]/g, '\\$&')) });
  await radio.waitFor({ timeout: 10_000 });
  await radio.check();
  await button(page, 'Next').click();
  await heading(page, 'Persistence').waitFor();
}

/** Controls the accessibility tree shows without a name (Chromium's own computation, via Playwright). */
async function unnamedControls(page: Page): Promise<string[]> {
  const tree = await page.locator('body').ariaSnapshot();
  return tree.split('\n').filter((line) => /^\s*- (button|checkbox|radio|slider|spinbutton|textbox|combobox|link)\b(?! ")/.test(line));
}

/** Start collecting CSP violations in the page (a style or script the policy blocked). */
async function watchCsp(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.sample}`));
  });
}
const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

/** Press Tab until the focused element's text or label matches `name`; returns how many presses. */
async function tabTo(page: Page, name: RegExp, max = 25): Promise<number> {
  for (let i = 1; i <= max; i += 1) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      if (!el) return '';
      return el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent ?? el.textContent ?? '';
    });
    if (name.test(label)) return i;
  }
  throw new Error(`no control matching ${name} within ${max} tabs`);
}
/** The focused element shows a focus ring (an outline that is not "none"); otherwise what it is. */
const focusVisible = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (el && getComputedStyle(el).outlineStyle !== 'none' && el.matches(':focus-visible')) return true;
    return el ? `${el.outerHTML.slice(0, 120)} outline=${getComputedStyle(el).outlineStyle} focus-visible=${el.matches(':focus-visible')}` : 'nothing focused';
  });

/** The progress bar's value, or null while indeterminate. */
/** The progress bar's value now, or null when there is none (never waits for one to appear). */
async function percentNow(page: Page): Promise<number | null> {
  const bar = page.getByRole('progressbar');
  if ((await bar.count()) === 0) return null;
  const value = await bar.first().getAttribute('aria-valuenow', { timeout: 1_000 }).catch(() => null);
  return value === null ? null : Number(value);
}

describe.concurrent('the wizard', () => {
  // Alone, first: a wall-clock bound means little while a write and a QEMU boot share the cores.
  it.sequential('a stick plugged in while the Drive step is open appears within 2.5 s', async ({ expect }) => {
    const iso = fixtureFile('liveos', 'image.iso');
    const devDrives: string[] = [];
    const app = await open({ pickIsoFile: async () => iso, devDrives });
    const { page } = app;
    try {
      // The first screen, before anything is chosen: what this build can do.
      await page.getByRole('note').getByText('can inspect images').waitFor();
      expect(await button(page, 'Next').isDisabled()).toBe(true);
      await screenshots(page, 'image-start');
      await chooseImage(page);
      await button(page, 'Next').click();
      await expect.poll(() => page.locator('.empty-drives').textContent()).toContain('No USB stick found');
      await screenshots(page, 'drive-empty');
      const stick = makeStick('hotplug.img', 4 * GiB);
      devDrives.push(stick);
      const plugged = Date.now();
      await page.getByRole('radio', { name: new RegExp(stick.replace(/[/.]/g, '\\$&')) }).waitFor({ timeout: 2_500 });
      expect(Date.now() - plugged).toBeLessThan(2_500);
      // Unplugged again: it goes, and a chosen drive that goes is unselected, never replaced.
      await page.getByRole('radio', { name: new RegExp(stick.replace(/[/.]/g, '\\$&')) }).check();
      devDrives.pop();
      await expect.poll(() => page.getByRole('radio').count(), { timeout: 2_500 }).toBe(0);
      expect(await button(page, 'Next').isDisabled()).toBe(true);
    } finally {
      await close(app);
    }
  });

  it('walks Image → Done onto a loop-device stick that then boots twice with persistence', async ({ expect }) => {
    const iso = fixtureFile('liveos', 'image.iso');
    const image = makeStick('walk.img', 2 * GiB);
    const loop = attach(image);
    const app = await open({ pickIsoFile: async () => iso, devDrives: [loop] });
    const { page } = app;
    try {
      await watchCsp(page);
      // Image: what inspect found; Next only once it is read.
      await heading(page, 'Choose a live image').waitFor();
      expect(await button(page, 'Next').isDisabled()).toBe(true);
      await chooseImage(page);
      const details = (await page.getByLabel('Image details').textContent()) ?? '';
      expect(details).toContain('Fedora-style live image (dracut LiveOS)');
      expect(details).toMatch(/device-mapper snapshot/);
      await screenshots(page, 'image');
      expect(await unnamedControls(page), 'image').toEqual([]);
      await button(page, 'Next').click();

      // Drive: the loop stick, 2 GiB, nothing selected for us.
      await heading(page, 'Choose the stick').waitFor();
      const stick = page.getByRole('radio', { name: new RegExp(loop) });
      await stick.waitFor({ timeout: 10_000 });
      expect(await stick.isChecked()).toBe(false);
      expect(await button(page, 'Next').isDisabled()).toBe(true);
      await stick.check();
      await screenshots(page, 'drive');
      expect(await unnamedControls(page), 'drive').toEqual([]);
      await button(page, 'Next').click();

      // Persistence: ext4, overlay 512 MiB, home 256 MiB; the bounds come from the planner.
      await heading(page, 'Persistence').waitFor();
      await page.getByRole('radio', { name: /^ext4/ }).check();
      await page.getByLabel('System changes (overlay) in MiB').fill('512');
      await page.getByLabel('Home folder in MiB').fill('256');
      const overlayMax = Number(await page.getByRole('slider', { name: 'System changes (overlay)' }).getAttribute('max'));
      expect(overlayMax).toBeGreaterThan(512);
      expect(overlayMax).toBeLessThan(2048);
      expect(await page.getByRole('checkbox', { name: 'Use OverlayFS for the overlay' }).isChecked()).toBe(false);
      await expect.poll(() => page.getByLabel("How the stick's space is used").textContent()).toContain('Home 256 MiB');
      // Too much is a problem the moment it is typed, and Next waits for it to be fixed.
      await page.getByLabel('Home folder in MiB').fill('4096');
      await expect.poll(() => page.getByLabel('Problems with these choices').textContent()).toContain('TARGET_TOO_SMALL');
      expect(await button(page, 'Next').isDisabled()).toBe(true);
      await page.getByLabel('Home folder in MiB').fill('256');
      await expect.poll(() => button(page, 'Next').isDisabled()).toBe(false);
      await screenshots(page, 'persistence');
      expect(await unnamedControls(page), 'persistence').toEqual([]);
      await button(page, 'Next').click();

      // Review: what is erased, what is made; the write button waits for the checkbox.
      await heading(page, 'Review').waitFor();
      const erased = (await page.getByLabel('Will be erased').first().textContent()) ?? '';
      expect(erased).toContain(loop);
      expect(erased).toContain('2.1 GB');
      const created = (await page.getByRole('definition').allTextContents()).join('\n');
      expect(created).toContain('image.iso (SW-FIXTURE)');
      expect(created).toMatch(/ext4 “LIVE”/);
      expect(created).toContain('512 MiB overlay file (device-mapper snapshot)');
      expect(created).toContain('256 MiB, not encrypted');
      expect(created).toContain('BIOS and UEFI');
      const write = button(page, 'Erase and write');
      expect(await write.isDisabled()).toBe(true);
      await page.getByRole('checkbox', { name: `I understand everything on ${loop} will be erased` }).check();
      expect(await write.isDisabled()).toBe(false);
      await screenshots(page, 'review');
      expect(await unnamedControls(page), 'review').toEqual([]);
      await write.click();

      // Write: phases in words, a progress bar that moves, then Done.
      await heading(page, `Writing ${loop}`).waitFor();
      // The bar moves — unless the whole write was quicker than a look (an ext4 write of the
      // fixture takes about a second): then the events below still show it moving, and the
      // write step's screenshot keeps its last version.
      const done = heading(page, 'Your stick is ready');
      await expect.poll(async () => (await done.isVisible()) || ((await percentNow(page)) ?? 0) > 0, { timeout: 120_000, interval: 50 }).toBe(true);
      if (!(await done.isVisible())) {
        // Kept only if the page still showed the write when both shots were taken.
        const shots = await shoot(page).catch(() => null);
        if (shots && (await heading(page, `Writing ${loop}`).isVisible())) {
          for (const [scheme, png] of Object.entries(shots)) writeFileSync(path.join(SHOTS, `write-${scheme}.png`), png);
        }
      }
      await done.waitFor({ timeout: 180_000 });
      const progress = app.events.flatMap((e) => (e.type === 'progress' ? [e.bytesDone] : []));
      expect(progress.length).toBeGreaterThan(0);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      const phases = app.events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
      expect(phases).toEqual(expect.arrayContaining(['preflight', 'partition', 'copy', 'boot', 'flush', 'verify']));
      expect(phases.indexOf('flush')).toBeLessThan(phases.indexOf('verify'));
      expect(app.events.at(-1)?.type).toBe('result');
      const summary = (await page.getByLabel('What was made').textContent()) ?? '';
      expect(summary).toContain('512 MiB overlay file');
      expect(await page.getByLabel('Verification').textContent()).toMatch(/^Verified: [\d.]+ MiB read back from the stick match what was written/);
      await button(page, 'Safely eject').click();
      await expect.poll(() => page.locator('.step-status').textContent()).toContain('virtual stick');
      await screenshots(page, 'done');
      expect(await unnamedControls(page), 'done').toEqual([]);
      expect(app.calls).toEqual(expect.arrayContaining(['startWrite', 'ejectDrive']));
      expect(await cspViolations(page)).toEqual([]);
    } finally {
      await close(app);
      detach(loop);
    }

    // The stick from outside: two partitions, clean filesystems; then two boots that persist.
    expect(readPartitions(image)).toHaveLength(2);
    await fsckStick(image, 'ext4');
    const first = await bootImage({ image, firmware: 'bios', medium: 'usb', name: 'wizard-1' });
    const second = await bootImage({ image, firmware: 'uefi', medium: 'usb', name: 'wizard-2' });
    for (const [n, { report, logPath }] of [first, second].entries()) {
      const why = `boot ${n + 1}, serial log: ${logPath}`;
      expect(report.malformed, why).toEqual([]);
      expect(report.done, why).toBe(true);
      expect(report.bootCount, why).toBe(n + 1); // kept in the overlay
      expect(report.mounts['/run/initramfs/live']?.fstype, why).toBe('ext4');
      expect(report.overlay?.mode, why).toBe('dm-snapshot');
      expect(report.dm?.state, why).toBe('active');
      expect(report.dm?.snapshot?.total, why).toBe((512 * MiB) / 512);
      expect(report.home?.state, why).toBe('mounted');
      expect(report.home?.source, why).toBe('/run/initramfs/live/LiveOS/home.img');
      expect(report.homeBootCount, why).toBe(n + 1); // kept in home.img
    }
    expect(second.report.persisted.map((p) => p.name), `serial log: ${second.logPath}`).toContain('sw-data-1');
    await fsckStick(image, 'ext4', { afterBoot: true });
  });

  it('cancels a running write: CANCELLED, the stick’s state, no loop device left behind', async ({ expect }) => {
    const iso = fixtureFile('liveos', 'image.iso');
    const loop = attach(makeStick('cancel.img', 2 * GiB));
    const app = await open({ pickIsoFile: async () => iso, devDrives: [loop] });
    const { page } = app;
    try {
      await chooseImage(page);
      await button(page, 'Next').click();
      await chooseDrive(page, loop);
      await button(page, 'Next').click();
      await page.getByRole('checkbox', { name: /I understand everything on/ }).check();
      await button(page, 'Erase and write').click();
      // Everything the phase line says, recorded in the page (the stop can be quicker than a poll).
      await page.evaluate(() => {
        const said: string[] = [];
        (window as unknown as { __said: string[] }).__said = said;
        new MutationObserver(() => {
          const text = document.querySelector('.phase')?.textContent;
          if (text && said.at(-1) !== text) said.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await expect.poll(() => app.events.some((e) => e.type === 'progress'), { timeout: 60_000, interval: 20 }).toBe(true);
      const cancel = button(page, 'Cancel');
      await cancel.click({ timeout: 15_000 }).catch((error: unknown) => {
        throw new Error(`no Cancel to click; the job said: ${JSON.stringify(app.events.slice(-3))}`, { cause: error });
      });
      await heading(page, 'Write cancelled').waitFor({ timeout: 60_000 });
      expect(await page.evaluate(() => (window as unknown as { __said: string[] }).__said)).toContain('Stopping at a safe point…');
      expect(app.calls).toContain('cancelJob');
      const alert = (await page.getByRole('alert').textContent()) ?? '';
      expect(alert).toContain('CANCELLED');
      expect(alert).toContain('The operation was cancelled.');
      expect(alert).not.toMatch(/\bat .*\.(ts|js):\d+/);
      const state = (await page.getByRole('status', { name: 'State of the stick' }).textContent()) ?? '';
      expect(state).toMatch(/nothing was written|blank and must be written again/i);
      expect(await button(page, 'Back to review').isVisible()).toBe(true);
      await screenshots(page, 'write-cancelled');
      const last = app.events.at(-1);
      expect(last?.type === 'error' && last.error.code).toBe('CANCELLED');
      // The job's own loop devices (over the stick's partitions) are gone; ours is still there.
      await expect.poll(() => loopsOver(loop), { timeout: 10_000 }).toEqual([]);
      expect(loopsOver(path.join(scratch, 'cancel.img'))).toEqual([loop]);
      await button(page, 'Back to review').click();
      await heading(page, 'Review').waitFor();
    } finally {
      await close(app);
      detach(loop);
    }
  });

  it('a file that is not an ISO: the error code and what to do, no stack trace, Next stays disabled', async ({ expect }) => {
    const bogus = path.join(scratch, 'notes.iso');
    writeFileSync(bogus, 'These are my shopping notes, not a disk image.\n'.repeat(2000));
    const app = await open({ pickIsoFile: async () => bogus });
    const { page } = app;
    try {
      await button(page, 'Choose ISO…').click();
      const alert = page.getByRole('alert');
      await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toContain('SOURCE_NOT_ISO9660');
      const text = (await alert.textContent()) ?? '';
      expect(text).toContain('Choose a live .iso image');
      expect(text).not.toMatch(/\bat .*\.(ts|js):\d+|Error:|node:internal/);
      expect(await button(page, 'Next').isDisabled()).toBe(true);
      await screenshots(page, 'image-error');
    } finally {
      await close(app);
    }
  });

  it('a drive with a mounted filesystem: Review names it and asks a second consent; the write unmounts it, then writes', async ({ expect }) => {
    const iso = fixtureFile('liveos', 'image.iso');
    const file = makeStick('mounted.img', 2 * GiB);
    execFileSync('sfdisk', ['--quiet', file], { input: 'start=2048, size=262144, type=83\n' });
    const loop = execFileSync('losetup', ['--find', '--show', '--partscan', file], { encoding: 'utf8' }).trim();
    loops.add(loop);
    // The partition's node: --partscan asks for it, partx makes sure (no udev here).
    spawnSync('partx', ['--add', loop]);
    const mountPoint = path.join(scratch, 'old stick');
    mkdirSync(mountPoint, { recursive: true });
    execFileSync('mkfs.ext4', ['-q', '-F', `${loop}p1`]);
    execFileSync('mount', [`${loop}p1`, mountPoint]);
    const mounted = () => spawnSync('findmnt', ['--source', `${loop}p1`], { encoding: 'utf8' }).status === 0;
    const app = await open({ pickIsoFile: async () => iso, devDrives: [loop] });
    const { page } = app;
    try {
      await chooseImage(page);
      await button(page, 'Next').click();
      expect(await page.locator('.drive-notes').filter({ hasText: 'Mounted at' }).textContent()).toContain(`Mounted at ${mountPoint}: will be unmounted and erased.`);
      await chooseDrive(page, loop);
      await button(page, 'Next').click();
      await page.getByRole('checkbox', { name: /I understand everything on/ }).check();
      // Erasing is one consent, unmounting another (as the CLI's --unmount is not implied by --yes).
      expect(await button(page, 'Erase and write').isDisabled()).toBe(true);
      expect(await page.locator('.step-status').textContent()).toContain('Agree to unmount the mounted filesystems first');
      const unmount = page.getByRole('checkbox', { name: new RegExp(`^Unmount ${mountPoint.replace(/[/.]/g, '\\$&')} first`) });
      await unmount.check();
      await screenshots(page, 'review-unmount');
      await button(page, 'Erase and write').click();
      await heading(page, 'Your stick is ready').waitFor({ timeout: 180_000 });
      expect(mounted()).toBe(false);
      expect(app.events.some((e) => e.type === 'log' && /unmount/i.test(e.message))).toBe(true);
      expect(readPartitions(loop).map((p) => p.type)).toEqual(['83', 'ef']);
    } finally {
      await close(app);
      if (mounted()) spawnSync('umount', [mountPoint]);
    }
  });

  it('a drive too small for the plan is listed disabled, with the reason', async ({ expect }) => {
    const iso = fixtureFile('liveos', 'image.iso');
    const small = makeStick('small.img', 64 * MiB);
    const huge = makeStick('huge.img', 256e9); // sparse: no disk space used
    const app = await open({ pickIsoFile: async () => iso, devDrives: [small, huge] });
    const { page } = app;
    try {
      await chooseImage(page);
      await button(page, 'Next').click();
      const radio = page.getByRole('radio', { name: new RegExp(small.replace(/[/.]/g, '\\$&')) });
      await radio.waitFor({ timeout: 10_000 });
      expect(await radio.isDisabled()).toBe(true);
      const reason = (await page.locator('.drive.disabled .drive-notes').textContent()) ?? '';
      expect(reason).toMatch(/Too small: The stick needs at least [\d.]+ MiB .* the target has 64 MiB/);
      expect(await button(page, 'Next').isDisabled()).toBe(true);
      // A very large drive can be chosen, with a question.
      const large = page.getByRole('radio', { name: /huge\.img/ });
      expect(await large.isDisabled()).toBe(false);
      expect(await page.locator('.drive:not(.disabled) .drive-notes').textContent()).toBe('256.0 GB is very large: is this really a USB stick?');
      // System drives only after a danger confirmation; "Keep them hidden" is the safe default.
      await page.getByRole('checkbox', { name: /Show all drives/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Show system drives?' });
      await dialog.waitFor();
      await screenshots(page, 'drive-show-all');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.getByRole('checkbox', { name: /Show all drives/ }).isChecked()).toBe(false);
      await page.getByRole('checkbox', { name: /Show all drives/ }).click();
      await dialog.getByRole('button', { name: 'Show all drives' }).click();
      await expect.poll(() => page.locator('.drive-note.danger').count(), { timeout: 5_000 }).toBeGreaterThan(0);
      expect(await page.locator('.drive-note.danger').first().textContent()).toContain('System drive');
      await screenshots(page, 'drive-all');
      expect(app.calls.filter((c) => c === 'listDrives').length).toBeGreaterThan(1);
    } finally {
      await close(app);
    }
  });

  it('works from the keyboard alone: tab order, visible focus, Enter and Space, arrows in radio groups', async ({ expect }) => {
    const iso = fixtureFile('liveos', 'image.iso');
    const stick = makeStick('keyboard.img', 4 * GiB);
    const app = await open({ pickIsoFile: async () => iso, devDrives: [stick] });
    const { page } = app;
    try {
      await heading(page, 'Choose a live image').waitFor();
      await tabTo(page, /^Choose ISO…$/);
      expect(await focusVisible(page)).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByLabel('Image details').getByText('SW-FIXTURE').waitFor({ timeout: 30_000 });
      await tabTo(page, /^Next$/);
      await page.keyboard.press('Enter');
      // The new step's title has the focus, so Tab continues inside the step.
      await heading(page, 'Choose the stick').waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Choose the stick');
      await page.getByRole('radio', { name: /keyboard\.img/ }).waitFor({ timeout: 10_000 });
      await tabTo(page, /keyboard\.img/);
      expect(await focusVisible(page)).toBe(true);
      await page.keyboard.press('Space');
      expect(await page.getByRole('radio', { name: /keyboard\.img/ }).isChecked()).toBe(true);
      // The danger dialog: Space opens it, the safe button has the focus, Escape closes it.
      await tabTo(page, /Show all drives/);
      await page.keyboard.press('Space');
      await page.getByRole('dialog').waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep them hidden');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await tabTo(page, /^Next$/);
      await page.keyboard.press('Enter');
      await heading(page, 'Persistence').waitFor();
      await tabTo(page, /^ext4/);
      await page.keyboard.press('ArrowRight');
      expect(await page.getByRole('radio', { name: /^F2FS/ }).isChecked()).toBe(true);
      await page.keyboard.press('ArrowLeft');
      expect(await page.getByRole('radio', { name: /^ext4/ }).isChecked()).toBe(true);
      await tabTo(page, /^System changes \(overlay\)$/);
      const before = Number(await page.getByLabel('System changes (overlay) in MiB').inputValue());
      await page.keyboard.press('ArrowRight');
      expect(Number(await page.getByLabel('System changes (overlay) in MiB').inputValue())).toBe(before + 16);
      await tabTo(page, /^Next$/);
      await page.keyboard.press('Enter');
      await heading(page, 'Review').waitFor();
      await tabTo(page, /I understand everything on/);
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Back');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Erase and write');
      expect(await focusVisible(page)).toBe(true);
      expect(app.calls).not.toContain('startWrite');
    } finally {
      await close(app);
    }
  });

  it('a flat image gets OverlayFS, explained; an encrypted home needs matching passphrases', async ({ expect }) => {
    const iso = fixtureFile('liveos-flat', 'image.iso');
    const stick = makeStick('flat.img', 4 * GiB);
    const app = await open({ pickIsoFile: async () => iso, devDrives: [stick] });
    const { page } = app;
    try {
      await button(page, 'Choose ISO…').click();
      await page.getByLabel('Image details').waitFor({ timeout: 30_000 });
      await button(page, 'Next').click();
      await chooseDrive(page, stick);
      const overlayFs = page.getByRole('checkbox', { name: 'Use OverlayFS for the overlay' });
      expect(await overlayFs.isChecked()).toBe(true);
      expect(await overlayFs.isDisabled()).toBe(true);
      expect(await page.locator('#overlayfs-why').textContent()).toMatch(/^Chosen for you: .*flat/);
      await page.getByRole('checkbox', { name: 'Encrypt the home folder' }).check();
      await page.getByLabel('Passphrase', { exact: true }).fill('correct horse');
      await page.getByLabel('Repeat passphrase').fill('correct hose');
      await expect.poll(() => page.locator('.field-problem').textContent()).toBe('The two passphrases differ.');
      expect(await button(page, 'Next').isDisabled()).toBe(true);
      await page.getByLabel('Repeat passphrase').fill('correct horse');
      await expect.poll(() => button(page, 'Next').isDisabled()).toBe(false);
      expect(await unnamedControls(page)).toEqual([]);
      await screenshots(page, 'persistence-flat-encrypted');
      await button(page, 'Next').click();
      const created = (await page.getByLabel('Will be created').first().textContent()) ?? '';
      expect(created).toContain('OverlayFS directory');
      expect(created).toMatch(/encrypted \(LUKS2\)/);
    } finally {
      await close(app);
    }
  });
});
