// The two date encodings of ECMA-119.

/**
 * §8.4.26.1 dec-datetime: 16 ASCII digits "YYYYMMDDhhmmsscc" and a signed offset from GMT in
 * 15-minute units. All-zero digits with offset 0 mean "not specified". Returns ISO 8601 (UTC).
 */
export function parseDecDateTime(bytes: Buffer, offset: number): string | null {
  const digits = bytes.toString('latin1', offset, offset + 16);
  if (!/^\d{16}$/u.test(digits) || /^0{16}$/u.test(digits)) return null;
  const n = (from: number, length: number): number => Number(digits.slice(from, from + length));
  const gmtOffset = bytes.readInt8(offset + 16);
  return toIso(n(0, 4), n(4, 2), n(6, 2), n(8, 2), n(10, 2), n(12, 2), n(14, 2) * 10, gmtOffset);
}

/** §9.1.5 recording date: years since 1900, month, day, hour, minute, second, GMT offset. */
export function parseRecordingDate(bytes: Buffer, offset: number): string | null {
  const year = bytes.readUInt8(offset);
  const month = bytes.readUInt8(offset + 1);
  if (year === 0 && month === 0) return null;
  return toIso(
    1900 + year,
    month,
    bytes.readUInt8(offset + 2),
    bytes.readUInt8(offset + 3),
    bytes.readUInt8(offset + 4),
    bytes.readUInt8(offset + 5),
    0,
    bytes.readInt8(offset + 6),
  );
}

function toIso(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  quarterHours: number,
): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  if (quarterHours < -48 || quarterHours > 52) quarterHours = 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - quarterHours * 15 * 60_000;
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
