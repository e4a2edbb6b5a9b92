import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, openSync, closeSync, fstatSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StickwrightError } from '../../../shared/errors';
import { checkOpenedTarget, checkTargetIdentity, readTargetIdentity } from './targetIdentity';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sw-identity-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function changed(run: () => void): StickwrightError | null {
  try {
    run();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(StickwrightError);
    return error as StickwrightError;
  }
}

describe('target identity (T4), image files', () => {
  it('a file not made yet has no identity', () => {
    expect(readTargetIdentity({ path: path.join(dir, 'new.img'), kind: 'file', exists: false })).toBeNull();
  });

  it('the same file, even grown to the planned size, is the same target', () => {
    const file = path.join(dir, 'same.img');
    writeFileSync(file, Buffer.alloc(4096));
    const identity = readTargetIdentity({ path: file, kind: 'file', exists: true });
    expect(identity).not.toBeNull();
    truncateSync(file, 1 << 20);
    expect(changed(() => checkTargetIdentity(identity!))).toBeNull();
  });

  it('another file put in its place: TARGET_CHANGED naming what changed; a file gone: TARGET_CHANGED', () => {
    const file = path.join(dir, 'swapped.img');
    writeFileSync(file, Buffer.alloc(4096));
    const identity = readTargetIdentity({ path: file, kind: 'file', exists: true })!;
    const other = path.join(dir, 'other.img');
    writeFileSync(other, Buffer.alloc(4096));
    renameSync(other, file);
    const error = changed(() => checkTargetIdentity(identity));
    expect(error?.code).toBe('TARGET_CHANGED');
    expect(error?.data).toMatchObject({ path: file, targetTouched: false });
    expect(String(error?.data.changed)).toMatch(/^device /);
    rmSync(file);
    expect(changed(() => checkTargetIdentity(identity))?.code).toBe('TARGET_CHANGED');
  });

  it('a file where a block device was: TARGET_CHANGED', () => {
    const file = path.join(dir, 'not-a-disk.img');
    writeFileSync(file, Buffer.alloc(512));
    expect(changed(() => checkTargetIdentity({ path: file, kind: 'block', node: '7:0', size: 512, facts: {} }))?.code).toBe('TARGET_CHANGED');
  });
});

describe('the opened target (T3 race: a path re-pointed between the check and the open)', () => {
  it('the handle of the file checked passes; the handle of another file is TARGET_CHANGED', () => {
    const file = path.join(dir, 'opened.img');
    const other = path.join(dir, 'opened-other.img');
    writeFileSync(file, Buffer.alloc(4096));
    writeFileSync(other, Buffer.alloc(4096));
    const identity = readTargetIdentity({ path: file, kind: 'file', exists: true })!;
    const fd = openSync(file, 'r');
    const wrong = openSync(other, 'r');
    try {
      expect(changed(() => checkOpenedTarget(fstatSync(fd), identity))).toBeNull();
      const error = changed(() => checkOpenedTarget(fstatSync(wrong), identity));
      expect(error?.code).toBe('TARGET_CHANGED');
      expect(error?.data.targetTouched).toBe(false);
    } finally {
      closeSync(fd);
      closeSync(wrong);
    }
  });
});
