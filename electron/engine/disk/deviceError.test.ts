import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deviceError } from './deviceFile';

const dir = mkdtempSync(path.join(tmpdir(), 'sw-device-error-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const errno = (code: string) => Object.assign(new Error(`${code}: something, write`), { code });

describe('deviceError: what an errno on the target means for the user', () => {
  it('a device that went away: ENODEV, ENXIO, ENOMEDIUM (card pulled), ENOTCONN/ESHUTDOWN (FUSE/network storage gone)', () => {
    for (const code of ['ENODEV', 'ENXIO', 'ENOENT', 'ENOMEDIUM', 'ENOTCONN', 'ESHUTDOWN']) {
      const error = deviceError(errno(code), '/dev/sdz', 'writing at byte 4096');
      expect(error.code, code).toBe('DEVICE_GONE');
      expect(error.data).toMatchObject({ path: '/dev/sdz', errno: code });
    }
  });

  it('EIO: DEVICE_GONE when the target is no longer there; a write failure for an image file (its disk failed)', () => {
    expect(deviceError(errno('EIO'), path.join(dir, 'gone.img'), 'flushing')).toMatchObject({ code: 'DEVICE_GONE', detail: expect.stringMatching(/no longer there/) });
    const file = path.join(dir, 'stick.img');
    writeFileSync(file, Buffer.alloc(4096));
    expect(deviceError(errno('EIO'), file, 'writing at byte 0')).toMatchObject({ code: 'WRITE_FAILED', data: { errno: 'EIO' } });
  });

  it('ENOSPC on an image file: TARGET_FULL with the image size, what is written and what is free', () => {
    const file = path.join(dir, 'full.img');
    writeFileSync(file, Buffer.alloc(8192, 1));
    const error = deviceError(errno('ENOSPC'), file, 'writing at byte 8192');
    expect(error.code).toBe('TARGET_FULL');
    expect(error.data).toMatchObject({ path: file, errno: 'ENOSPC', targetBytes: 8192 });
    expect(error.data.allocatedBytes).toBeGreaterThan(0);
    expect(typeof error.data.freeBytes).toBe('number');
    expect(error.detail).toMatch(/the filesystem holding the 8 KiB image file is full: .* free, .* of the image written so far/);
  });

  it('keeps the older mappings: busy, read-only, anything else a write failure with its errno', () => {
    expect(deviceError(errno('EBUSY'), '/dev/sdz', 'opening the target').code).toBe('TARGET_BUSY');
    expect(deviceError(errno('EROFS'), '/dev/sdz', 'opening the target').code).toBe('TARGET_READ_ONLY');
    expect(deviceError(errno('EINVAL'), '/dev/sdz', 'writing')).toMatchObject({ code: 'WRITE_FAILED', data: { errno: 'EINVAL' } });
  });
});
