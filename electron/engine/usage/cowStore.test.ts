import { describe, expect, it } from 'vitest';
import { BufferByteSource } from '../io/bufferByteSource';
import type { ByteSource } from '../io/byteSource';
import { areaLocation, readCowUsage, skipMetadata } from './cowStore';
import { cowBytes, cowSource, expectedStatus } from './testing/syntheticCow';

const MiB = 1024 * 1024;

/** A source that records every read, to check that only the header and metadata chunks are read. */
class RecordingSource implements ByteSource {
  readonly reads: Array<{ offset: number; length: number }> = [];
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Buffer> {
    this.reads.push({ offset, length });
    return this.inner.read(offset, length);
  }
}

function status(u: { allocatedSectors: number; totalSectors: number; metadataSectors: number }) {
  return { allocated: u.allocatedSectors, total: u.totalSectors, metadata: u.metadataSectors };
}

describe('readCowUsage', () => {
  it('reads an all-zero file as a fresh store: the kernel shows 16/<total> 16 once it is loaded', async () => {
    const usage = await readCowUsage(new BufferByteSource(Buffer.alloc(4 * MiB)));
    expect(usage.state).toBe('fresh');
    expect(status(usage)).toEqual({ allocated: 16, total: 8192, metadata: 16 });
    expect(usage.kernelStatus).toBe('16/8192 16');
    expect(usage.chunkSectors).toBe(8);
    expect(usage.bytesRead).toBe(16);
  });

  it('reads an activated but unused store (header, zeroed area 0) as 16/<total> 16', async () => {
    const bytes = cowBytes({ chunkSectors: 8, exceptions: 0, fileSize: 4 * MiB });
    const usage = await readCowUsage(new BufferByteSource(bytes));
    expect(usage.state).toBe('in-use');
    expect(usage.kernelStatus).toBe('16/8192 16');
    expect(usage.exceptions).toBe(0);
  });

  it('counts a partly filled first area', async () => {
    const bytes = cowBytes({ chunkSectors: 8, exceptions: 100, fileSize: 4 * MiB });
    const usage = await readCowUsage(new BufferByteSource(bytes));
    // Header, area 0, 100 data chunks: next_free = 102.
    expect(status(usage)).toEqual({ allocated: 102 * 8, total: 8192, metadata: 16 });
    expect(status(usage)).toEqual(expectedStatus(8, 100, 4 * MiB));
    expect(usage).toMatchObject({ state: 'in-use', exceptions: 100, currentArea: 0, nextFree: 102 });
  });

  it('walks several full areas, skipping the next metadata chunk when the last one is exactly full', async () => {
    for (const exceptions of [256, 3 * 256, 3 * 256 + 5, 10 * 256 + 255]) {
      const bytes = cowBytes({ chunkSectors: 8, exceptions, fileSize: 16 * MiB });
      const source = new RecordingSource(new BufferByteSource(bytes));
      const usage = await readCowUsage(source);
      expect(status(usage), `${exceptions} exceptions`).toEqual(expectedStatus(8, exceptions, 16 * MiB));
      expect(usage.exceptions).toBe(exceptions);
      expect(usage.currentArea).toBe(Math.floor(exceptions / 256));
      // Only chunk 0 (16 bytes of it) and whole metadata chunks, each at most once.
      const [head, ...areas] = source.reads;
      expect(head).toEqual({ offset: 0, length: 16 });
      const locations = areas.map((r) => r.offset / 4096);
      expect(new Set(locations).size).toBe(locations.length);
      for (const { offset, length } of areas) {
        expect(length).toBe(4096);
        expect((offset / 4096 - 1) % 257).toBe(0);
      }
    }
    // 256 exceptions: data chunks 2…257, chunk 258 is area 1's metadata, so next_free is 259.
    expect(expectedStatus(8, 256, 16 * MiB).allocated).toBe(259 * 8);
  });

  it('ignores stale bytes after the area that ends the list', async () => {
    const bytes = cowBytes({ chunkSectors: 8, exceptions: 300, fileSize: 8 * MiB });
    // Garbage where area 2 and later data would be: the kernel never looks past area 1's end marker.
    bytes.fill(0xa5, areaLocation(2, 256) * 4096);
    const usage = await readCowUsage(new BufferByteSource(bytes));
    expect(status(usage)).toEqual(expectedStatus(8, 300, 8 * MiB));
  });

  it('handles chunk sizes other than 8 sectors (the header overrides the table)', async () => {
    for (const chunkSectors of [1, 2, 16, 32, 128, 1024]) {
      const epa = (chunkSectors * 512) / 16;
      for (const exceptions of [0, 1, epa - 1, epa, 2 * epa + 3]) {
        const fileSize = (3 * (epa + 1) + 5) * chunkSectors * 512;
        const usage = await readCowUsage(cowSource({ chunkSectors, exceptions, fileSize }));
        expect(usage.chunkSectors).toBe(chunkSectors);
        expect(status(usage), `chunk ${chunkSectors}, ${exceptions} exceptions`).toEqual(expectedStatus(chunkSectors, exceptions, fileSize));
      }
    }
  });

  it('reports an invalidated store as Invalid, as the kernel does', async () => {
    const bytes = cowBytes({ chunkSectors: 8, exceptions: 40, fileSize: 4 * MiB, valid: 0 });
    const usage = await readCowUsage(new BufferByteSource(bytes));
    expect(usage.state).toBe('invalid');
    expect(usage.kernelStatus).toBe('Invalid');
    expect(usage.note).toMatch(/invalid/);
  });

  it('says "not a DM overlay" for anything but zeros or SnAp at the start', async () => {
    const bytes = Buffer.alloc(MiB);
    bytes.write('LUKS\xba\xbe', 0, 'latin1');
    const usage = await readCowUsage(new BufferByteSource(bytes));
    expect(usage.state).toBe('not-a-dm-overlay');
    expect(usage.kernelStatus).toBeNull();
    expect((await readCowUsage(new BufferByteSource(Buffer.alloc(8)))).state).toBe('not-a-dm-overlay');
  });

  it('refuses versions and chunk sizes the kernel refuses', async () => {
    const v2 = cowBytes({ chunkSectors: 8, exceptions: 0, fileSize: MiB, version: 2 });
    expect((await readCowUsage(new BufferByteSource(v2))).state).toBe('unsupported');
    const odd = cowBytes({ chunkSectors: 8, exceptions: 0, fileSize: MiB });
    odd.writeUInt32LE(12, 12);
    expect((await readCowUsage(new BufferByteSource(odd))).state).toBe('unsupported');
  });

  it('detects an overflowed store: no room for one more chunk (the exhausted test)', async () => {
    // 1 MiB = 256 chunks: area 0 at chunk 1, data chunks 2…255 — 254 exceptions fill it.
    const full = cowBytes({ chunkSectors: 8, exceptions: 254, fileSize: MiB });
    const usage = await readCowUsage(new BufferByteSource(full));
    expect(usage.state).toBe('overflowed');
    expect(status(usage)).toEqual({ allocated: 2048, total: 2048, metadata: 16 });
    const almost = await readCowUsage(new BufferByteSource(cowBytes({ chunkSectors: 8, exceptions: 253, fileSize: MiB })));
    expect(almost.state).toBe('in-use');
    expect(almost.allocatedSectors).toBe(2040);
  });

  it('treats a full last area whose successor lies past the end of the file as unloadable', async () => {
    // 257 + 1 chunks: header, area 0 and its 256 data chunks exactly; area 1 would be chunk 258.
    const bytes = cowBytes({ chunkSectors: 8, exceptions: 256, fileSize: 258 * 4096 });
    const usage = await readCowUsage(new BufferByteSource(bytes));
    expect(usage.state).toBe('invalid');
    expect(usage.note).toMatch(/past the end/);
  });

  it('skip_metadata and area_location follow the kernel', () => {
    expect(areaLocation(0, 256)).toBe(1);
    expect(areaLocation(3, 256)).toBe(1 + 257 * 3);
    expect(skipMetadata(258, 256)).toBe(259);
    expect(skipMetadata(257, 256)).toBe(257);
    expect(skipMetadata(2, 256)).toBe(2);
  });
});
