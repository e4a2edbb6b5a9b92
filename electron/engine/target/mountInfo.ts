// /proc/self/mountinfo, parsed (proc(5)): which block devices (major:minor) are mounted where.
export interface MountEntry {
  readonly device: string; // "8:17"
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

/** mountinfo escapes spaces and the like as \040 octal sequences. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-');
    if (fields.length < 10 || separator < 6) continue;
    entries.push({
      device: fields[2] ?? '',
      mountPoint: unescape(fields[4] ?? ''),
      fsType: fields[separator + 1] ?? '',
      source: unescape(fields[separator + 2] ?? ''),
    });
  }
  return entries;
}
