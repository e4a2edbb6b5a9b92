// Synthetic dm-snapshot stores put onto written sticks, for the usage tests: a store with a chosen
// number of exceptions (electron/engine/usage/testing/syntheticCow.ts) replaces a stick's overlay.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cowLayout, type CowLayoutOptions } from '../electron/engine/usage/testing/syntheticCow';
import { readPartitions } from './stickChecks';

/** A sparse host file holding a dm-snapshot store (header and metadata chunks only). */
export function writeCowFile(file: string, options: CowLayoutOptions): void {
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, options.fileSize);
    for (const w of cowLayout(options)) writeSync(fd, w.bytes, 0, w.bytes.length, w.offset);
  } finally {
    closeSync(fd);
  }
}

/** Replaces the ext4 stick's overlay file with `cow` (debugfs rm + write, holes kept). */
export function putCowOnExt4(stick: string, overlay: string, cow: string): void {
  const [live] = readPartitions(stick);
  if (!live) throw new Error(`${stick} has no partition 1`);
  const result = spawnSync('debugfs', ['-w', '-f', '-', `${stick}?offset=${live.start}`], { encoding: 'utf8', input: `rm ${overlay}\nwrite ${cow} ${overlay}\n` });
  if (result.status !== 0 || /error|not found/i.test((result.stderr ?? '').replace(/^debugfs [\d.]+ .*$/m, ''))) throw new Error(`debugfs: ${result.stderr}`);
}
