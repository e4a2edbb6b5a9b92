// The LZ4 block format (lz4/doc/lz4_Block_format.md), as squashfs stores LZ4 blocks: raw blocks
// without the frame header. Small enough to carry rather than depend on a package.
import { FilesystemError } from '../filesystemError';

export function decompressLz4Block(input: Uint8Array, maxOutput: number): Buffer {
  const output = Buffer.alloc(maxOutput);
  let ip = 0;
  let op = 0;
  const fail = (what: string): FilesystemError => new FilesystemError('lz4', what);
  while (ip < input.length) {
    const token = input[ip++] ?? 0;
    // Literal run: high nibble, 15 means more length bytes follow (each 255 means continue).
    let literals = token >> 4;
    if (literals === 15) {
      let byte = 255;
      while (byte === 255) {
        if (ip >= input.length) throw fail('literal length runs past the input');
        byte = input[ip++] ?? 0;
        literals += byte;
      }
    }
    if (ip + literals > input.length || op + literals > maxOutput) throw fail('literals overrun');
    output.set(input.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip >= input.length) break; // the last sequence has literals only
    if (ip + 2 > input.length) throw fail('match offset runs past the input');
    const distance = (input[ip] ?? 0) | ((input[ip + 1] ?? 0) << 8);
    ip += 2;
    if (distance === 0 || distance > op) throw fail(`match offset ${distance} is invalid`);
    let matchLength = (token & 0x0f) + 4;
    if ((token & 0x0f) === 15) {
      let byte = 255;
      while (byte === 255) {
        if (ip >= input.length) throw fail('match length runs past the input');
        byte = input[ip++] ?? 0;
        matchLength += byte;
      }
    }
    if (op + matchLength > maxOutput) throw fail('match overruns the output');
    // Byte by byte: a match may overlap its own output (distance < length).
    for (let i = 0; i < matchLength; i += 1, op += 1) output[op] = output[op - distance] ?? 0;
  }
  return output.subarray(0, op);
}
