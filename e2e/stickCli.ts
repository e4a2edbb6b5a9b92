// The built CLI as the e2e tests drive it: write a virtual stick, read its usage, run a verb; and a
// scratch directory per test file, removed afterwards.
import { afterAll, beforeAll } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageReport } from '../shared/usage/usageReport';

export const CLI = path.resolve('dist/cli.js');

/** `stickwright <args>`, stdin closed (no terminal: questions are refused, not asked). */
export function cli(args: readonly string[], timeoutMs = 300_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
}

export interface StickOptions {
  readonly fs: 'ext4' | 'vfat' | 'f2fs';
  readonly size?: string;
  readonly overlay?: string;
  readonly home?: string;
}

/** `stickwright write` onto an image file; throws with the tail of its output unless it ended with a result. */
export function writeStick(iso: string, stick: string, options: StickOptions): void {
  const run = cli(['write', '--iso', iso, '--target', stick, '--size', options.size ?? '1G', '--fs', options.fs, '--overlay', options.overlay ?? '256M', '--home', options.home ?? '128M', '--yes', '--json']);
  const last = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { type?: string };
  if (run.status !== 0 || last.type !== 'result') throw new Error(`stickwright write failed (${run.status}): ${run.stdout.split('\n').slice(-3).join('\n')}${run.stderr}`);
}

/** `stickwright usage --json`, parsed against its schema. */
export function usageOf(stick: string): UsageReport {
  const run = cli(['usage', stick, '--json'], 120_000);
  if (run.status !== 0) throw new Error(`stickwright usage failed (${run.status}): ${run.stdout}${run.stderr}`);
  return UsageReport.parse((JSON.parse(run.stdout) as { report: unknown }).report);
}

/** A temporary directory for this test file (made before its tests, removed after them). */
export function useScratch(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error('the scratch directory exists only while the tests run');
    return dir;
  };
}
