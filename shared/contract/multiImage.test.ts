import { describe, expect, it } from 'vitest';
import { apiContract } from './api';
import { Job } from './job';
import { AddImageRequest, ImageName, RemoveImageRequest } from './multiImage';

const GiB = 2 ** 30;
const add = { isoPath: '/isos/two.iso', device: '/dev/sdb', expectedSize: 16 * GiB, overlaySize: GiB, homeSize: 0 };
const remove = { device: '/dev/sdb', expectedSize: 16 * GiB, dir: 'ab12', liveUuid: '372c4cf1-53b0-4109-9fd2-0bd06e1c675a' };

describe('the multi-image contract', () => {
  it('a menu title is one line of at most 200 characters, trimmed', () => {
    expect(ImageName.safeParse('Fedora 42 (KDE)').success).toBe(true);
    for (const bad of ['', ' padded', 'padded ', 'two\nlines', 'bell\u0007', 'x'.repeat(201)]) expect(ImageName.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('an add names a device path, whole-byte sizes and nothing else', () => {
    expect(AddImageRequest.safeParse(add).success).toBe(true);
    expect(AddImageRequest.safeParse({ ...add, name: 'Mine' }).success).toBe(true);
    const bad: Array<[string, unknown]> = [
      ['a relative device', { ...add, device: 'sdb' }],
      ['traversal', { ...add, device: '/dev/../etc/shadow' }],
      ['a NUL in the ISO path', { ...add, isoPath: '/a.iso\0' }],
      ['a newline in the ISO path', { ...add, isoPath: '/a.iso\n/etc/shadow' }],
      ['a negative overlay', { ...add, overlaySize: -1 }],
      ['a fractional home', { ...add, homeSize: 0.5 }],
      ['a huge overlay', { ...add, overlaySize: 2 ** 60 }],
      ['a zero expected size', { ...add, expectedSize: 0 }],
      ['an unknown key', { ...add, dir: '../etc' }],
      ['a two-line name', { ...add, name: 'a\nmenuentry evil {' }],
    ];
    for (const [what, payload] of bad) expect(apiContract.startAddImage.args.safeParse([payload]).success, what).toBe(false);
  });

  it('a remove names one directory, never a path', () => {
    expect(apiContract.removeImage.args.safeParse([remove]).success).toBe(true);
    expect(RemoveImageRequest.safeParse({ ...remove, liveUuid: null }).success).toBe(true);
    for (const dir of ['../etc', 'a/b', '', '.', '..', '-rf', 'Live OS', 'x'.repeat(65)]) expect(RemoveImageRequest.safeParse({ ...remove, dir }).success, dir).toBe(false);
    expect(RemoveImageRequest.safeParse({ ...remove, extra: 1 }).success).toBe(false);
  });

  it('the worker\'s jobs are strict too', () => {
    const base = { v: 1, id: 'j1' };
    expect(Job.safeParse({ ...base, kind: 'list-images', stick: '/dev/sdb' }).success).toBe(true);
    expect(Job.safeParse({ ...base, kind: 'add-image', isoPath: '/a.iso', stick: '/dev/sdb', expectedSize: GiB, overlaySize: 0, homeSize: 0 }).success).toBe(true);
    expect(Job.safeParse({ ...base, kind: 'add-image', isoPath: '/a.iso', stick: '/dev/sdb', expectedSize: GiB, overlaySize: 0, homeSize: 0, dir: 'x' }).success).toBe(false);
    expect(Job.safeParse({ ...base, kind: 'remove-image', stick: '/dev/sdb', expectedSize: GiB, dir: 'ab12', liveUuid: null }).success).toBe(true);
    expect(Job.safeParse({ ...base, kind: 'remove-image', stick: '/dev/sdb', expectedSize: GiB, dir: '../x', liveUuid: null }).success).toBe(false);
    expect(Job.safeParse({ ...base, kind: 'remove-image', stick: '/dev/sdb\0', expectedSize: GiB, dir: 'ab12', liveUuid: null }).success).toBe(false);
  });
});
