import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { PACKAGED_WORKER_WRAPPER, workerCommand } from './launchWorker';
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
