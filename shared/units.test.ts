import { describe, expect, it } from 'vitest';
import { formatBytes, parseSize, GiB, MiB } from './units';

describe('units', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.50 KiB'],
    [4 * GiB, '4 GiB'],
    [300 * MiB + 512 * 1024, '300.5 MiB'],
  ])('formatBytes(%d) = %s', (n, text) => expect(formatBytes(n)).toBe(text));

  it.each([
    ['4G', 4 * GiB],
    ['512MiB', 512 * MiB],
    ['1.5GiB', 1.5 * GiB],
    ['1000', 1000],
    ['2 M', 2 * MiB],
  ])('parseSize(%s)', (text, n) => expect(parseSize(text)).toBe(n));

  it.each(['', 'abc', '-1G', '1X', '1e9', 'G'])('parseSize rejects %s', (text) => expect(parseSize(text)).toBeNull());
});
