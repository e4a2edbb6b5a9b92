// GRUB's Reed-Solomon redundancy for the embedded core image, a port of the encoder half of
// grub-core/lib/reed_solomon.c (GRUB 2.06, GPLv3+ like this project). grub-bios-setup fills the
// unused rest of the MBR gap with it (util/setup.c, add_rs_codes, on by default in
// grub-install); at boot startup_raw.S calls grub_reed_solomon_recover() on the decompressor's
// input, so sectors of core.img that other software overwrote in the gap are repaired.
//
// Layout (reed_solomon.c): the data is cut into blocks of at most MAX_BLOCK_SIZE bytes of data
// plus redundancy; inside a block, byte i of every 512-byte sector forms one codeword (column i)
// over GF(2^8) with polynomial x^8 + x^4 + x^3 + x^2 + 1 (GF_POLYNOMIAL 0x1d).

const SECTOR_SIZE = 512;
/** reed_solomon.c MAX_BLOCK_SIZE: 200 sectors of data and redundancy together. */
const MAX_BLOCK_SIZE = 200 * SECTOR_SIZE;
const GF_POLYNOMIAL = 0x1d;

/** gf_powx[i] = x^i (twice over, so sums of two logs need no reduction); gf_powx_inv = log. */
const gfPowx = new Uint8Array(255 * 2);
const gfPowxInv = new Uint8Array(256);
{
  let cur = 1;
  for (let i = 0; i < 255; i++) {
    gfPowx[i] = cur;
    gfPowx[i + 255] = cur;
    gfPowxInv[cur] = i;
    cur = cur & 0x80 ? ((cur << 1) ^ GF_POLYNOMIAL) & 0xff : cur << 1;
  }
}

function at(array: Uint8Array, index: number): number {
  return array[index] ?? 0;
}

function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return at(gfPowx, at(gfPowxInv, a) + at(gfPowxInv, b));
}

/**
 * The generator polynomial of rs_encode(): the product of (X - a^j) for j < rs, built exactly as
 * reed_solomon.c builds it. Cached: a block has at most two distinct redundancy lengths.
 */
const generators = new Map<number, Uint8Array>();
function generator(rs: number): Uint8Array {
  const cached = generators.get(rs);
  if (cached) return cached;
  const poly = new Uint8Array(rs + 1);
  poly[rs] = 1;
  for (let j = 0; j < rs; j++) {
    for (let i = 0; i < rs; i++) {
      const c = at(poly, i);
      poly[i] = c ? at(poly, i + 1) ^ at(gfPowx, j + at(gfPowxInv, c)) : at(poly, i + 1);
    }
    const top = at(poly, rs);
    if (top) poly[rs] = at(gfPowx, j + at(gfPowxInv, top));
  }
  generators.set(rs, poly);
  return poly;
}

/** reed_solomon.c rs_encode(): m[0..s) is data, m[s..s+rs) receives the redundancy. */
function rsEncode(m: Uint8Array, s: number, rs: number): void {
  const poly = generator(rs);
  m.fill(0, s, s + rs);
  // Polynomial division; what is left in m[s..] is the remainder.
  for (let j = 0; j < s; j++) {
    const f = at(m, j);
    if (!f) continue;
    for (let i = 0; i <= rs; i++) m[i + j] = at(m, i + j) ^ gfMul(at(poly, i), f);
  }
}

/** reed_solomon.c encode_block(): one codeword per byte column of the block's sectors. */
function encodeBlock(buf: Uint8Array, ptr: number, s: number, rptr: number, rs: number): void {
  const m = new Uint8Array(MAX_BLOCK_SIZE / SECTOR_SIZE + 1);
  for (let i = 0; i < SECTOR_SIZE; i++) {
    const ds = Math.floor((s + SECTOR_SIZE - 1 - i) / SECTOR_SIZE);
    const rr = Math.floor((rs + SECTOR_SIZE - 1 - i) / SECTOR_SIZE);
    if (!ds || !rr) continue;
    for (let j = 0; j < ds; j++) m[j] = at(buf, ptr + SECTOR_SIZE * j + i);
    rsEncode(m, ds, rr);
    for (let j = 0; j < rr; j++) buf[rptr + SECTOR_SIZE * j + i] = at(m, j + ds);
  }
}

/**
 * grub_reed_solomon_add_redundancy(): protects buf[offset, offset+dataSize) with `redundancy`
 * bytes written right after it. The data itself is not changed.
 */
export function addGrubReedSolomon(buf: Uint8Array, offset: number, dataSize: number, redundancy: number): void {
  if (offset < 0 || dataSize < 0 || redundancy < 0 || offset + dataSize + redundancy > buf.length) {
    throw new RangeError(`Reed-Solomon range ${offset}+${dataSize}+${redundancy} is outside the ${buf.length}-byte buffer`);
  }
  let s = dataSize;
  let rs = redundancy;
  let ptr = offset;
  let rptr = offset + dataSize;
  if (!rs) return;
  while (s > 0) {
    let cs = s;
    let crs = rs;
    const tt = cs + crs;
    if (tt > MAX_BLOCK_SIZE) {
      cs = Math.floor((cs * (MAX_BLOCK_SIZE / SECTOR_SIZE)) / tt) * SECTOR_SIZE;
      crs = Math.floor((crs * (MAX_BLOCK_SIZE / SECTOR_SIZE)) / tt) * SECTOR_SIZE;
      // GRUB would loop forever here; only absurd ratios (tiny data, huge redundancy) get here.
      if (cs === 0) throw new RangeError(`Reed-Solomon: ${s} data bytes are too few for ${rs} bytes of redundancy`);
    }
    encodeBlock(buf, ptr, cs, rptr, crs);
    ptr += cs;
    rptr += crs;
    s -= cs;
    rs -= crs;
  }
}

/**
 * The check grub_reed_solomon_recover() starts with (rs_recover(): all syndromes zero means no
 * error), over every codeword. For tests and read-back checks; it does not repair.
 */
export function grubReedSolomonIsConsistent(buf: Uint8Array, offset: number, dataSize: number, redundancy: number): boolean {
  let s = dataSize;
  let rs = redundancy;
  let ptr = offset;
  let rptr = offset + dataSize;
  const mm = new Uint8Array(MAX_BLOCK_SIZE / SECTOR_SIZE + 1);
  while (s > 0 && rs > 0) {
    let cs = s;
    let crs = rs;
    const tt = cs + crs;
    if (tt > MAX_BLOCK_SIZE) {
      cs = Math.floor((cs * (MAX_BLOCK_SIZE / SECTOR_SIZE)) / tt) * SECTOR_SIZE;
      crs = Math.floor((crs * (MAX_BLOCK_SIZE / SECTOR_SIZE)) / tt) * SECTOR_SIZE;
    }
    for (let i = 0; i < SECTOR_SIZE; i++) {
      const ds = Math.floor((cs + SECTOR_SIZE - 1 - i) / SECTOR_SIZE);
      const rr = Math.floor((crs + SECTOR_SIZE - 1 - i) / SECTOR_SIZE);
      if (!ds || !rr) continue;
      for (let j = 0; j < ds; j++) mm[j] = at(buf, ptr + SECTOR_SIZE * j + i);
      for (let j = 0; j < rr; j++) mm[j + ds] = at(buf, rptr + SECTOR_SIZE * j + i);
      for (let k = 0; k < rr; k++) if (polEvaluate(mm, ds + rr - 1, k) !== 0) return false;
    }
    ptr += cs;
    rptr += crs;
    s -= cs;
    rs -= crs;
  }
  return true;
}

/** reed_solomon.c pol_evaluate(): pol[degree] is the constant term, x = a^logX. */
function polEvaluate(pol: Uint8Array, degree: number, logX: number): number {
  let s = 0;
  let logXn = 0;
  for (let i = degree; i >= 0; i--) {
    const c = at(pol, i);
    if (c) s ^= at(gfPowx, at(gfPowxInv, c) + logXn);
    logXn += logX;
    if (logXn >= 255) logXn -= 255;
  }
  return s;
}
