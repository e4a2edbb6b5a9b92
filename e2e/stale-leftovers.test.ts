// What a killed writer leaves behind (kill -9 while mke2fs runs: a loop device over one partition
// of the target, and its staging directory) does not stand in the next write's way: the next
// write detaches the loop device, says so, and removes the dead process's stage.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureFile } from './fixtures/fixture';

const CLI = path.resolve('dist/cli.js');
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-stale-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const loopsOver = (file: string) =>
  execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim().endsWith(file))
    .map((line) => line.trim().split(/\s+/)[0] as string);

describe('leftovers of a killed write', () => {
  it('a stale partition window and a dead process\'s stage are cleared by the next write', () => {
    const stick = path.join(scratch, 'stick.img');
    writeFileSync(stick, '');
    execFileSync('truncate', ['-s', '1G', stick]);
    const stage = path.join(scratch, 'stage');
    // A pid that cannot be running (above pid_max's default), and one that is: this process.
    const dead = path.join(stage, 'sw-stage-4194999-x1y2z3');
    const alive = path.join(stage, `sw-stage-${process.pid}-a1b2c3`);
    for (const dir of [dead, alive]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'squashfs.img'), 'half staged');
    }
    const window = execFileSync('losetup', ['--find', '--show', '--offset', String(4 * 2 ** 20), '--sizelimit', String(100 * 2 ** 20), stick], { encoding: 'utf8' }).trim();
    try {
      const run = spawnSync(process.execPath, [CLI, 'write', '--iso', fixtureFile('liveos', 'image.iso'), '--target', stick, '--fs', 'ext4', '--overlay', '256M', '--yes'], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, STICKWRIGHT_STAGING: stage },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain(`detached ${window}: left attached to ${stick} by a write that was killed`);
      expect(loopsOver(stick)).toEqual([]);
      expect(existsSync(dead)).toBe(false);
      // A stage of a process that is alive is not ours to remove.
      expect(readdirSync(stage)).toEqual([path.basename(alive)]);
    } finally {
      for (const loop of loopsOver(stick)) spawnSync('losetup', ['--detach', loop]);
    }
  });

  it('a window someone mounted is not touched: the write is refused instead', () => {
    const stick = path.join(scratch, 'mounted.img');
    writeFileSync(stick, '');
    execFileSync('truncate', ['-s', '1G', stick]);
    const window = execFileSync('losetup', ['--find', '--show', '--offset', String(4 * 2 ** 20), '--sizelimit', String(64 * 2 ** 20), stick], { encoding: 'utf8' }).trim();
    const mountPoint = path.join(scratch, 'mnt');
    mkdirSync(mountPoint);
    execFileSync('mkfs.ext4', ['-q', window]);
    execFileSync('mount', [window, mountPoint]);
    try {
      const run = spawnSync(process.execPath, [CLI, 'write', '--iso', fixtureFile('liveos', 'image.iso'), '--target', stick, '--fs', 'ext4', '--overlay', '256M', '--yes'], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/TARGET_MOUNTED|TARGET_BUSY/);
      expect(loopsOver(stick)).toEqual([window]);
    } finally {
      spawnSync('umount', [mountPoint]);
      spawnSync('losetup', ['--detach', window]);
    }
  });
});
