import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StickwrightError } from '../../../shared/errors';
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
