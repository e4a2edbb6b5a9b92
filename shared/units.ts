// Sizes in bytes everywhere; these helpers only format and parse for people.

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const SECTOR = 512;

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 → "1.5 KiB"; exact whole numbers drop the decimals ("4 GiB"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return `${bytes} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
  return `${text} ${UNITS[unit]}`;
}

const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B?)?$/i;

/**
 * Parse a size a person typed: "4G", "512MiB", "1.5GiB", "1000000" (bytes).
 * Binary multiples for K/M/G/T, as dd and livecd-iso-to-disk use. Returns null when unparseable.
 */
export function parseSize(text: string): number | null {
  const match = SIZE_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, number, prefix = ''] = match;
  const power = ['', 'K', 'M', 'G', 'T'].indexOf(prefix.toUpperCase());
  const bytes = Number(number) * 1024 ** power;
  if (!Number.isFinite(bytes) || bytes < 0) return null;
  // Beyond 2^53 a byte count is no longer exact (and no disk is that big).
  const rounded = Math.round(bytes);
  return Number.isSafeInteger(rounded) ? rounded : null;
}
