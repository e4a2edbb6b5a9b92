import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { PACKAGED_WORKER_WRAPPER, pkexecEnvironment, workerCommand, workerEnvironment } from './launchWorker';
import { StickwrightError } from '../../../shared/errors';

const appDir = '/opt/app/dist';
const script = path.join(appDir, 'worker.js');

describe('workerCommand', () => {
  it('as root: this executable runs worker.js as Node (ELECTRON_RUN_AS_NODE=1), no pkexec', () => {
    for (const packaged of [false, true]) {
      const command = workerCommand({ packaged, appDir }, 0);
      expect(command.file).toBe(process.execPath);
      expect(command.args).toEqual([script]);
      expect(command.env.ELECTRON_RUN_AS_NODE).toBe('1');
    }
  });

  it.runIf(process.platform === 'linux')('not root, packaged (Linux): pkexec on the polkit-named wrapper and nothing else', () => {
    const command = workerCommand({ packaged: true, appDir }, 1000);
    expect(command.file).toBe('pkexec');
    expect(command.args).toEqual([PACKAGED_WORKER_WRAPPER]);
    // No job, path or switch on the command line (argv is visible to every user).
    expect(command.args.join(' ')).not.toContain(appDir);
  });

  it.runIf(process.platform === 'linux')('not root, development (Linux): pkexec env ELECTRON_RUN_AS_NODE=1 <this executable> worker.js', () => {
    const command = workerCommand({ packaged: false, appDir }, 1000);
    expect(command.file).toBe('pkexec');
    expect(command.args).toEqual(['env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, script]);
  });

  it('an explicit command wins (tests)', () => {
    const command = { file: '/bin/true', args: ['x'], env: {} };
    expect(workerCommand({ packaged: true, appDir, command }, 1000)).toBe(command);
  });

  it('not root on a platform without pkexec: PLATFORM_NOT_SUPPORTED', () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform');
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    try {
      expect(() => workerCommand({ packaged: true, appDir }, 501)).toThrow(StickwrightError);
      expect(() => workerCommand({ packaged: true, appDir }, 501)).toThrow(/PLATFORM_NOT_SUPPORTED/);
    } finally {
      if (platform) Object.defineProperty(process, 'platform', platform);
    }
  });
});

describe('the worker gets an explicit minimal environment (T25)', () => {
  const hostile = { NODE_OPTIONS: '--require=/tmp/evil.js', LD_PRELOAD: '/tmp/evil.so', LD_LIBRARY_PATH: '/tmp', NODE_PATH: '/tmp', PATH: '/tmp/evil-bin:/usr/bin', DISPLAY: ':0' };

  it('as root: only PATH (the system directories), LANG and ELECTRON_RUN_AS_NODE, whatever the parent has', () => {
    const saved = { ...process.env };
    Object.assign(process.env, hostile);
    try {
      const command = workerCommand({ packaged: true, appDir }, 0);
      expect(command.env).toEqual(workerEnvironment());
      expect(Object.keys(command.env).sort()).toEqual(['ELECTRON_RUN_AS_NODE', 'LANG', 'PATH']);
      expect(command.env.PATH).toBe('/usr/sbin:/usr/bin:/sbin:/bin');
      for (const packaged of [false, true]) {
        if (process.platform !== 'linux') continue;
        const viaPkexec = workerCommand({ packaged, appDir }, 1000);
        for (const key of ['NODE_OPTIONS', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'NODE_PATH']) expect(viaPkexec.env).not.toHaveProperty(key);
        expect(viaPkexec.env.PATH).toBe('/usr/sbin:/usr/bin:/sbin:/bin');
      }
    } finally {
      for (const key of Object.keys(hostile)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('pkexec keeps only what its password dialog needs to find the display', () => {
    expect(pkexecEnvironment({ ...hostile, XAUTHORITY: '/run/user/1000/xauth', HOME: '/home/u' })).toEqual({
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: 'C.UTF-8',
      DISPLAY: ':0',
      XAUTHORITY: '/run/user/1000/xauth',
    });
  });
});

describe('what the packaged launcher hands pkexec (T28)', () => {
  it.runIf(process.platform === 'linux')('the polkit-named wrapper only: never a shell, env(1) or an interpreter', () => {
    const command = workerCommand({ packaged: true, appDir }, 1000);
    expect(command.file).toBe('pkexec');
    expect(command.args).toEqual([PACKAGED_WORKER_WRAPPER]);
    for (const arg of command.args) expect(arg).not.toMatch(/(^|\/)(env|sh|bash|dash|zsh|node|python3?)$/);
  });
});
