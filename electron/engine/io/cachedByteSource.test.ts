import { describe, expect, it } from 'vitest';
import { ByteRangeError } from './byteSource';
import { BufferByteSource } from './bufferByteSource';
import { CachedByteSource } from './cachedByteSource';
import { ExtentByteSource } from './extentByteSource';

const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));

describe('CachedByteSource', () => {
  it('returns the same bytes as the source and counts what it fetched', async () => {
    const cache = new CachedByteSource(new BufferByteSource(bytes), { blockSize: 4096, maxBlocks: 8 });
    expect(await cache.read(4000, 200)).toEqual(bytes.subarray(4000, 4200));
    expect(cache.bytesRead).toBe(8192);
    expect(await cache.read(4100, 50)).toEqual(bytes.subarray(4100, 4150));
    expect(cache.bytesRead).toBe(8192);
    expect(await cache.read(99_990, 10)).toEqual(bytes.subarray(99_990));
    // A large read goes straight through and is counted as it is.
    expect(await cache.read(10_000, 60_000)).toEqual(bytes.subarray(10_000, 70_000));
    expect(cache.bytesRead).toBe(8192 + (100_000 - 98_304) + 60_000);
    await expect(cache.read(99_999, 2)).rejects.toBeInstanceOf(ByteRangeError);
  });

  it('shares one fetch between concurrent readers of a block', async () => {
    const cache = new CachedByteSource(new BufferByteSource(bytes), { blockSize: 4096 });
    await Promise.all([cache.read(0, 10), cache.read(100, 10), cache.read(4000, 10)]);
    expect(cache.bytesRead).toBe(4096);
  });
});

describe('ExtentByteSource', () => {
  it('reads a file laid out in several extents as one', async () => {
    const file = new ExtentByteSource(new BufferByteSource(bytes), [
      { start: 1000, length: 10 },
      { start: 50_000, length: 0 },
      { start: 20, length: 5 },
    ]);
    expect(file.size).toBe(15);
    expect(await file.read(8, 4)).toEqual(Buffer.concat([bytes.subarray(1008, 1010), bytes.subarray(20, 22)]));
    expect(await file.read(10, 5)).toEqual(bytes.subarray(20, 25));
  });
});
