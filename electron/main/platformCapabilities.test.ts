import { describe, expect, it } from 'vitest';
import { platformCapabilities } from './platformCapabilities';

describe('platformCapabilities', () => {
  it('Linux inspects, writes, reads usage and keeps several images on a stick', () => {
    expect(platformCapabilities('linux')).toEqual({ inspect: true, write: true, usage: true, multiImage: true, rawWrite: true, restore: true });
  });
  it.each(['darwin', 'win32', 'freebsd'] as const)('%s only inspects', (platform) => {
    expect(platformCapabilities(platform)).toEqual({ inspect: true, write: false, usage: false, multiImage: false, rawWrite: false, restore: false });
  });
});
