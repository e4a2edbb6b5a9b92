// How many bytes a block device has written so far, from /sys/block/<dev>/stat (field 7:
// sectors written, in 512-byte units; Documentation/block/stat.rst). Lets us show real progress
// while an external tool (mke2fs, sload.f2fs) fills a filesystem.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export async function bytesWritten(device: string): Promise<number> {
  try {
    const fields = (await readFile(`/sys/block/${path.basename(device)}/stat`, 'utf8')).trim().split(/\s+/);
    return Number(fields[6] ?? 0) * 512;
  } catch {
    return 0;
  }
}

/** Calls `onBytes` with the device's bytes written since the start, every `intervalMs`, until stopped. */
export function watchDeviceWrites(device: string, onBytes: (bytes: number) => void, intervalMs = 250): { stop(): Promise<void> } {
  let base: number | null = null;
  let stopped = false;
  const tick = async () => {
    const now = await bytesWritten(device);
    base ??= now;
    if (!stopped) onBytes(now - base);
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await tick();
      stopped = true;
    },
  };
}
