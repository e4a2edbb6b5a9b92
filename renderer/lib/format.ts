// Numbers for people: sizes as sold (decimal GB) for drives, durations, speeds.
import { formatBytes } from '../../shared/units';

/** 16008609792 → "16.0 GB": the figure printed on the stick's packaging. */
export function formatDriveSize(bytes: number): string {
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(1)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return `${Math.round(bytes / 1e6)} MB`;
}

/** 75 → "1 min 15 s"; 8 → "8 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`.replace(/\.\d+ B\/s$/, ' B/s');
}

/** "image.iso (SW-FIXTURE)": the file and the label inspect read from it. */
export function imageName(isoPath: string | null, label: string | undefined): string | undefined {
  const name = isoPath?.split('/').pop();
  if (!name) return undefined;
  return label ? `${name} (${label})` : name;
}

export { formatBytes };
