import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StickwrightError } from '../../../shared/errors';
import { execa } from 'execa';
import { prepareTarget, resolveTarget } from './resolveTarget';

let dir: string;
let iso: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sw-resolve-'));
  iso = path.join(dir, 'live.iso');
  writeFileSync(iso, Buffer.alloc(4096, 1));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StickwrightError);
  return (error as StickwrightError).code;
}

describe('resolveTarget in check mode changes nothing', () => {
  it('a new image file: planned at --size, not created; prepareTarget creates it sparse', async () => {
    const file = path.join(dir, 'new.img');
    const checked = await resolveTarget({ path: file, createSize: 2 ** 30, sourcePath: iso, mode: 'check' });
    expect(checked).toMatchObject({ kind: 'file', path: file, size: 2 ** 30, exists: false, created: false });
    expect(existsSync(file)).toBe(false);
    const made = await prepareTarget(checked);
    expect(made).toMatchObject({ exists: true, created: true, path: file });
    expect(statSync(file).size).toBe(2 ** 30);
  });

  it('an existing smaller image: planned at --size, grown only by prepareTarget', async () => {
    const file = path.join(dir, 'small.img');
    writeFileSync(file, Buffer.alloc(1024 * 1024));
    const checked = await resolveTarget({ path: file, createSize: 8 * 1024 * 1024, sourcePath: iso, mode: 'check' });
    expect(checked).toMatchObject({ size: 8 * 1024 * 1024, exists: true });
    expect(statSync(file).size).toBe(1024 * 1024);
    await prepareTarget(checked);
    expect(statSync(file).size).toBe(8 * 1024 * 1024);
  });

  it('the default (write) mode still creates the file, as the engine expects', async () => {
    const file = path.join(dir, 'write-mode.img');
    const made = await resolveTarget({ path: file, createSize: 1024 * 1024, sourcePath: iso });
    expect(made).toMatchObject({ created: true, exists: true });
    expect(statSync(file).size).toBe(1024 * 1024);
  });

  it('refusals: no size, no directory, a dangling link, a directory, the ISO itself (also linked)', async () => {
    const check = (target: string, createSize?: number) => resolveTarget({ path: target, createSize, sourcePath: iso, mode: 'check' });
    expect(await codeOf(check(path.join(dir, 'sizeless.img')))).toBe('TARGET_SIZE_REQUIRED');
    expect(await codeOf(check(path.join(dir, 'nowhere', 'x.img'), 1024))).toBe('TARGET_NOT_FOUND');
    const dangling = path.join(dir, 'dangling.img');
    symlinkSync(path.join(dir, 'gone.img'), dangling);
    expect(await codeOf(check(dangling, 1024))).toBe('TARGET_NOT_FOUND');
    expect(existsSync(path.join(dir, 'gone.img'))).toBe(false);
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    expect(await codeOf(check(sub))).toBe('TARGET_NOT_USABLE');
    expect(await codeOf(check(iso))).toBe('TARGET_HOLDS_SOURCE');
    const soft = path.join(dir, 'soft.iso');
    symlinkSync(iso, soft);
    expect(await codeOf(check(soft))).toBe('TARGET_HOLDS_SOURCE');
    const hard = path.join(dir, 'hard.iso');
    linkSync(iso, hard);
    expect(await codeOf(check(hard))).toBe('TARGET_HOLDS_SOURCE');
    expect(await codeOf(check('/dev/sw-unit-test-nothing', 1024))).toBe('TARGET_NOT_FOUND');
  });
});

/** The whole disk holding `/`, as findmnt and lsblk name it (null inside a container, say). */
async function rootDisk(): Promise<string | null> {
  const source = await execa('findmnt', ['--noheadings', '--output', 'SOURCE', '--target', '/'], { reject: false });
  const device = source.stdout.trim();
  if (source.exitCode !== 0 || !device.startsWith('/dev/')) return null;
  const parent = await execa('lsblk', ['--noheadings', '--nodeps', '--output', 'PKNAME', device], { reject: false });
  const name = parent.stdout.trim();
  return name ? `/dev/${name}` : device;
}

describe('the running system\'s disk (T1), in check mode only: nothing is opened for writing', () => {
  it('the disk holding / (findmnt): TARGET_IS_SYSTEM, also through a symlink and with --unmount consent', async (context) => {
    const disk = await rootDisk();
    if (!disk || !statSync(disk, { throwIfNoEntry: false })?.isBlockDevice()) return context.skip();
    const check = (target: string, allowMounted = false) => resolveTarget({ path: target, sourcePath: iso, mode: 'check', allowMounted });
    expect(await codeOf(check(disk))).toBe('TARGET_IS_SYSTEM');
    // Consent to unmount is not consent to erase the running system.
    expect(await codeOf(check(disk, true))).toBe('TARGET_IS_SYSTEM');
    const link = path.join(dir, 'innocent-stick');
    symlinkSync(disk, link);
    const error = await check(link).catch((e: unknown) => e as StickwrightError);
    expect(error).toBeInstanceOf(StickwrightError);
    expect((error as StickwrightError).code).toBe('TARGET_IS_SYSTEM');
    // Named by the resolved device, not the link the user gave.
    expect((error as StickwrightError).data.path).toBe(disk);
  });
});
