// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as ext4 uses it for metadata checksums:
// the raw register update, no final inversion (Linux lib/crc32.c crc32c_le, via ext4_chksum).
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32cUpdate(crc: number, data: Uint8Array): number {
  let c = crc >>> 0;
  for (const byte of data) c = (TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return c >>> 0;
}

/** The standard CRC-32C of `data` (initial ~0, final inversion): 0xE3069283 for "123456789". */
export function crc32c(data: Uint8Array): number {
  return (crc32cUpdate(0xffffffff, data) ^ 0xffffffff) >>> 0;
}
