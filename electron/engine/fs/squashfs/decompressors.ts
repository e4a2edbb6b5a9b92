// Decompression of squashfs metadata blocks, per compressor (squashfs_fs.h compressor ids).
// gzip: node:zlib. xz: xz-decompress (xz-embedded compiled to WebAssembly; no native addon).
// zstd: fzstd (pure JavaScript). lz4: our own block decoder. lzo and legacy lzma: not read.
import { inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import xzDecompress from 'xz-decompress';
import { FilesystemError } from '../filesystemError';
import { decompressLz4Block } from './lz4Block';

export type Decompressor = (input: Buffer, maxOutput: number) => Promise<Buffer>;

const gzip: Decompressor = async (input, maxOutput) => {
  // squashfs "gzip" is a zlib stream (zlib_wrapper.c uses zlib_inflate with a zlib header).
  return inflateSync(input, { maxOutputLength: maxOutput });
};

const xz: Decompressor = async (input, maxOutput) => {
  // xz_wrapper.c writes a complete .xz stream per block, so a stream decoder reads it.
  const compressed = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(input));
      controller.close();
    },
  });
  const reader = new xzDecompress.XzReadableStream(compressed).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxOutput) {
      await reader.cancel();
      throw new FilesystemError('xz', `a block inflates past ${maxOutput} bytes`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
};

const zstd: Decompressor = async (input) => Buffer.from(zstdDecompress(new Uint8Array(input)));

const lz4: Decompressor = async (input, maxOutput) => decompressLz4Block(input, maxOutput);

const DECOMPRESSORS: Readonly<Record<string, Decompressor>> = { gzip, xz, zstd, lz4 };

/** The decompressor for a compressor name; throws an "unsupported" FilesystemError otherwise. */
export function decompressorFor(compression: string): Decompressor {
  const found = DECOMPRESSORS[compression];
  if (!found) throw new FilesystemError('squashfs', `${compression} compression cannot be read here`, true);
  return async (input, maxOutput) => {
    try {
      return await found(input, maxOutput);
    } catch (error) {
      if (error instanceof FilesystemError) throw error;
      throw new FilesystemError(compression, `a block does not decompress (${error instanceof Error ? error.message : String(error)})`);
    }
  };
}
