import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StickwrightError } from '../../../shared/errors';
import { asDeviceGone, probeTarget, targetFailureMapper } from './targetFailure';

const dir = mkdtempSync(path.join(tmpdir(), 'sw-target-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('targetFailure: a failed step asks the target whether it is still there', () => {
  it('a readable target answers; a missing or empty one does not', async () => {
    const file = path.join(dir, 'stick.img');
    writeFileSync(file, Buffer.alloc(65536, 7));
    expect(await probeTarget(file)).toEqual({ answers: true });
    expect(await probeTarget(path.join(dir, 'missing.img'))).toEqual({ answers: false, why: 'it is no longer there' });
    const empty = path.join(dir, 'empty.img');
    writeFileSync(empty, '');
    expect(await probeTarget(empty)).toMatchObject({ answers: false, why: expect.stringMatching(/reads as empty/) });
  });

  it('turns a tool failure on a vanished target into DEVICE_GONE, keeping what the step said and the target state', async () => {
    const failure = new StickwrightError('WRITE_FAILED', 'making the ext4 filesystem: mke2fs exited with 1: Input/output error', { targetTouched: true });
    const mapped = await asDeviceGone(failure, path.join(dir, 'pulled.img'));
    expect(mapped).toBeInstanceOf(StickwrightError);
    expect(mapped).toMatchObject({ code: 'DEVICE_GONE', data: { targetTouched: true, failedAs: 'WRITE_FAILED' } });
    expect((mapped as StickwrightError).detail).toMatch(/no longer there; the step said: making the ext4 filesystem: mke2fs exited with 1/);
  });

  it('leaves a failure alone when the target answers, and specific codes alone always', async () => {
    const file = path.join(dir, 'fine.img');
    writeFileSync(file, Buffer.alloc(65536));
    const failure = new StickwrightError('WRITE_FAILED', 'a real write failure');
    expect(await asDeviceGone(failure, file)).toBe(failure);
    const busy = new StickwrightError('TARGET_BUSY', 'held');
    expect(await asDeviceGone(busy, path.join(dir, 'missing.img'))).toBe(busy);
  });

  it('does not probe an image file the write itself was going to create (it is removed on failure)', async () => {
    const mapper = await targetFailureMapper(path.join(dir, 'new.img'));
    const failure = new StickwrightError('WRITE_FAILED', 'something');
    expect(await mapper(failure)).toBe(failure);
  });
});
