import { describe, expect, it } from 'vitest';
import { StickwrightError } from '../../../../shared/errors';
import { checkRange, type ByteSource } from '../../io/byteSource';
import { parseBootSector } from './bootSector';
import { FatContentSizeError, plannedBytes, writeFatVolume, type FatFileContents, type FatVolumeSink } from './fatImageWriter';
import { planFat, type FatLayout, type FatPlanRequest } from './fatLayout';
import { FatVolume } from './fatVolume';

const KIB = 1024;
const MIB = 1024 * KIB;

/** A sink that remembers every write and reads back as an image: zeros where nothing was written. */
class SparseImage implements FatVolumeSink, ByteSource {
  readonly writes: { offset: number; bytes: Buffer }[] = [];

  constructor(readonly size: number) {}

  async write(buffer: Buffer, offset: number): Promise<void> {
    checkRange(offset, buffer.length, this.size, 'image');
    this.writes.push({ offset, bytes: Buffer.from(buffer) });
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length, this.size, 'image');
    const result = Buffer.alloc(length);
    for (const { offset: start, bytes } of this.writes) {
      const from = Math.max(start, offset);
      const to = Math.min(start + bytes.length, offset + length);
      if (from < to) bytes.copy(result, from - offset, from - start, to - start);
    }
    return result;
  }

  /** Bytes covered by writes inside [start, end). */
  writtenWithin(start: number, end: number): number {
    return this.writes.reduce((sum, { offset, bytes }) => sum + Math.max(0, Math.min(end, offset + bytes.length) - Math.max(start, offset)), 0);
  }
}

/** Deterministic bytes (xorshift), so a test failure is reproducible. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed | 1;
  for (let i = 0; i < length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** Yields `data` in pieces of the given sizes, cycling, to cross chunk boundaries at odd places. */
function* inPieces(data: Buffer, sizes: readonly number[]): Generator<Buffer> {
  let at = 0;
  for (let i = 0; at < data.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    yield data.subarray(at, at + size);
    at += size;
  }
}

async function build(request: FatPlanRequest, data: Map<string, Buffer>, chunkSize = 64 * KIB): Promise<{ layout: FatLayout; image: SparseImage }> {
  const layout = planFat(request);
  const image = new SparseImage(request.volumeSize);
  const contents: FatFileContents = (path) => inPieces(data.get(path) ?? Buffer.alloc(0), [1, 4095, 70_000, 513]);
  await writeFatVolume(image, layout, contents, { chunkSize });
  return { layout, image };
}

const espFiles = new Map<string, Buffer>([
  ['/EFI/BOOT/BOOTX64.EFI', pseudoRandomBytes(950_001, 1)],
  ['/EFI/BOOT/grub.cfg', pseudoRandomBytes(511, 2)],
  ['/EFI/BOOT/mmx64.efi', pseudoRandomBytes(512, 3)],
  ['/EFI/BOOT/one', pseudoRandomBytes(1, 4)],
  ['/EFI/BOOT/empty', Buffer.alloc(0)],
  ['/EFI/fedora/a long name with spaces.cfg', pseudoRandomBytes(4097, 5)],
]);
const espRequest: FatPlanRequest = {
  volumeSize: 64 * MIB,
  label: 'ESP',
  volumeId: 0x0badcafe,
  hiddenSectors: 2048,
  timestamp: new Date(Date.UTC(2024, 4, 1, 12, 0, 0)),
  files: [...espFiles].map(([path, bytes]) => ({ path, size: bytes.length })),
  directories: ['/EFI/Linux'],
};

describe('writeFatVolume', () => {
  it('writes an ESP the FAT reader reads back: geometry, label, tree, contents', async () => {
    const { layout, image } = await build(espRequest, espFiles);
    const geometry = parseBootSector(await image.read(0, 512));
    const { type, bytesPerCluster, reservedSectors, sectorsPerFat, rootEntryCount, totalSectors, dataStart, clusterCount, volumeId } = layout;
    expect(geometry).toMatchObject({ type, bytesPerCluster, reservedSectors, sectorsPerFat, rootEntryCount, totalSectors, dataStart, clusterCount, volumeId });
    expect(geometry.volumeLabel).toBe('ESP');
    const volume = await FatVolume.open(image);
    expect(volume.label).toBe('ESP');
    const walked: string[] = [];
    for await (const entry of volume.walk()) walked.push(`${entry.kind}:${entry.path}`);
    expect(walked).toEqual([
      'directory:/EFI',
      'directory:/EFI/Linux',
      'directory:/EFI/BOOT',
      'file:/EFI/BOOT/BOOTX64.EFI',
      'file:/EFI/BOOT/grub.cfg',
      'file:/EFI/BOOT/mmx64.efi',
      'file:/EFI/BOOT/one',
      'file:/EFI/BOOT/empty',
      'directory:/EFI/fedora',
      'file:/EFI/fedora/a long name with spaces.cfg',
    ]);
    for (const [path, bytes] of espFiles) {
      const entry = await volume.lookup(path);
      expect(entry?.size, path).toBe(bytes.length);
      expect((await volume.readFile(entry!)).equals(bytes), path).toBe(true);
    }
    expect((await volume.lookup('/EFI/BOOT/grub.cfg'))?.modified).toBe('2024-05-01T12:00:00');
  });

  it('writes a FAT32 volume: FSInfo, backup boot sector, files found by the offsets the layout gives', async () => {
    const squashfs = pseudoRandomBytes(3 * MIB + 7, 9);
    const data = new Map([['/LiveOS/squashfs.img', squashfs]]);
    const { layout, image } = await build(
      {
        volumeSize: 600 * MIB,
        label: 'LIVE',
        volumeId: 0x12345678,
        files: [
          { path: '/LiveOS/squashfs.img', size: squashfs.length, alignment: MIB },
          { path: '/LiveOS/overlay-LIVE-1234-5678', size: 100 * MIB, content: { kind: 'reserve', zeroHead: 6000 } },
          { path: '/LiveOS/home.img', size: 50 * MIB, content: { kind: 'external' } },
        ],
      },
      data,
    );
    expect(layout.type).toBe('FAT32');
    const reserved = await image.read(0, layout.reservedSectors * 512);
    expect(reserved.subarray(6 * 512, 7 * 512).equals(reserved.subarray(0, 512))).toBe(true);
    expect(reserved.subarray(7 * 512, 8 * 512).equals(reserved.subarray(512, 1024))).toBe(true);
    // fatgen103 §5: FSI_LeadSig, FSI_StrucSig, FSI_Free_Count, FSI_Nxt_Free, FSI_TrailSig.
    expect(reserved.readUInt32LE(512)).toBe(0x41615252);
    expect(reserved.readUInt32LE(512 + 484)).toBe(0x61417272);
    expect(reserved.readUInt32LE(512 + 488)).toBe(layout.freeClusters);
    expect(reserved.readUInt32LE(512 + 492)).toBe(layout.nextFreeCluster);
    expect(reserved.readUInt32LE(512 + 508)).toBe(0xaa550000);

    const [placed] = layout.files;
    expect((await image.read(placed!.offset, squashfs.length)).equals(squashfs)).toBe(true);
    const volume = await FatVolume.open(image);
    const file = await volume.openFile((await volume.lookup('/LiveOS/squashfs.img'))!);
    expect((await file.read(0, file.size)).equals(squashfs)).toBe(true);
    expect((await volume.lookup('/liveos/OVERLAY-live-1234-5678'))?.size).toBe(100 * MIB);
  });

  it('writes metadata and contents only: not free clusters, not reserve files past their zero head, not external files', async () => {
    const squashfs = pseudoRandomBytes(MIB + 1, 7);
    const request: FatPlanRequest = {
      volumeSize: 600 * MIB,
      label: 'LIVE',
      volumeId: 1,
      files: [
        { path: '/squashfs.img', size: squashfs.length },
        { path: '/overlay', size: 100 * MIB, content: { kind: 'reserve', zeroHead: 6000 } },
        { path: '/home.img', size: 50 * MIB, content: { kind: 'external' } },
      ],
    };
    const { layout, image } = await build(request, new Map([['/squashfs.img', squashfs]]));
    const [, overlay, home] = layout.files;
    // The zero head is written up to the next 4 KiB, inside the file's clusters.
    expect(image.writtenWithin(overlay!.offset, overlay!.offset + overlay!.allocatedBytes)).toBe(8192);
    expect((await image.read(overlay!.offset, 6000)).equals(Buffer.alloc(6000))).toBe(true);
    expect(image.writtenWithin(home!.offset, home!.offset + home!.allocatedBytes)).toBe(0);
    const lastUsed = Math.max(...layout.files.map((file) => file.offset + file.allocatedBytes));
    expect(image.writtenWithin(lastUsed, request.volumeSize)).toBe(0);
    const total = image.writes.reduce((sum, write) => sum + write.bytes.length, 0);
    expect(total).toBe(plannedBytes(layout));
    expect(total).toBeLessThan(squashfs.length + 3 * MIB);
  });

  it('zeroes the reserved sectors first and writes the boot sector last; data and metadata in large writes', async () => {
    const big = pseudoRandomBytes(5 * MIB + 3, 11);
    const { layout, image } = await build(
      { ...espRequest, files: [...espRequest.files, { path: '/big.bin', size: big.length }] },
      new Map([...espFiles, ['/big.bin', big]]),
      MIB,
    );
    const first = image.writes[0];
    const last = image.writes[image.writes.length - 1];
    expect(first?.offset).toBe(0);
    expect(first?.bytes.equals(Buffer.alloc(layout.reservedSectors * 512))).toBe(true);
    expect(last?.offset).toBe(0);
    expect(last?.bytes.readUInt16LE(510)).toBe(0xaa55);
    // FATs, root directory and directory clusters are contiguous and go out as one write here.
    const metadata = image.writes.filter((write) => write.offset >= layout.fatStart && write.offset < layout.files[0]!.offset);
    expect(metadata).toHaveLength(1);
    expect(metadata[0]?.bytes.length).toBe(layout.directories.reduce((end, d) => Math.max(end, d.offset + d.allocatedBytes), 0) - layout.fatStart);
    const bigFile = layout.files[layout.files.length - 1]!;
    const bigWrites = image.writes.filter((write) => write.offset >= bigFile.offset && write.offset < bigFile.offset + bigFile.allocatedBytes);
    // The 3-byte tail is padded with zeros to the end of its 2 KiB cluster, not beyond.
    expect(bigWrites.map((write) => write.bytes.length)).toEqual([MIB, MIB, MIB, MIB, MIB, 2048]);
  });

  it('reports progress up to the planned total', async () => {
    const layout = planFat(espRequest);
    const seen: number[] = [];
    const paths = new Set<string | null>();
    await writeFatVolume(new SparseImage(espRequest.volumeSize), layout, (path) => [espFiles.get(path) ?? Buffer.alloc(0)], {
      onProgress: (progress) => {
        seen.push(progress.bytesWritten);
        paths.add(progress.path);
        expect(progress.totalBytes).toBe(plannedBytes(layout));
      },
    });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe(plannedBytes(layout));
    expect(paths).toContain('/EFI/BOOT/BOOTX64.EFI');
    expect(paths).toContain(null);
  });

  it('refuses a stream that gives more or fewer bytes than planned', async () => {
    const layout = planFat({ ...espRequest, files: [{ path: '/x', size: 10 }] });
    const image = new SparseImage(espRequest.volumeSize);
    await expect(writeFatVolume(image, layout, () => [Buffer.alloc(9)])).rejects.toBeInstanceOf(FatContentSizeError);
    await expect(writeFatVolume(image, layout, () => [Buffer.alloc(6), Buffer.alloc(6)])).rejects.toBeInstanceOf(FatContentSizeError);
  });

  it('stops at the next chunk when cancelled, with no write after it returns and no boot sector', async () => {
    const layout = planFat({ ...espRequest, files: [{ path: '/big', size: 8 * MIB }] });
    const image = new SparseImage(espRequest.volumeSize);
    const controller = new AbortController();
    async function* slowly(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 8; i += 1) {
        if (i === 3) controller.abort();
        yield Buffer.alloc(MIB, 1);
      }
    }
    const error = await writeFatVolume(image, layout, () => slowly(), { signal: controller.signal, chunkSize: MIB }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StickwrightError);
    expect((error as StickwrightError).code).toBe('CANCELLED');
    const count = image.writes.length;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(image.writes).toHaveLength(count);
    expect((await image.read(0, 512)).readUInt16LE(510)).toBe(0);
  });

  it('passes a sink failure on and stops writing', async () => {
    const layout = planFat({ ...espRequest, files: [{ path: '/big', size: 4 * MIB }] });
    let writes = 0;
    const failing: FatVolumeSink = {
      write: async () => {
        writes += 1;
        if (writes === 3) throw new Error('EIO');
      },
    };
    await expect(writeFatVolume(failing, layout, () => [Buffer.alloc(4 * MIB)], { chunkSize: MIB })).rejects.toThrow('EIO');
    expect(writes).toBe(3);
  });

  it('writes FAT12 volumes too', async () => {
    const files = new Map([['/EFI/BOOT/BOOTX64.EFI', pseudoRandomBytes(100_000, 12)]]);
    const { layout, image } = await build(
      { volumeSize: 4 * MIB, label: null, volumeId: 0xdeadbeef, files: [...files].map(([path, bytes]) => ({ path, size: bytes.length })) },
      files,
    );
    expect(layout.type).toBe('FAT12');
    const volume = await FatVolume.open(image);
    expect(volume.label).toBeNull();
    const entry = await volume.lookup('/EFI/BOOT/BOOTX64.EFI');
    expect((await volume.readFile(entry!)).equals(files.get('/EFI/BOOT/BOOTX64.EFI')!)).toBe(true);
  });
});
