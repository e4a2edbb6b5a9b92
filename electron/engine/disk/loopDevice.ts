// Loop devices over a byte range of the target (an image file or a whole disk). The engine makes
// each filesystem through one of these before any partition table exists, so an interrupted
// write never leaves a plausible half-made stick (the table is written last). Every device we
// attach is remembered and detached again, also when the process is interrupted.
import { execaSync } from 'execa';
import { StickwrightError } from '../../../shared/errors';
import { runTool } from '../system/runTool';

const attached = new Set<string>();
let exitHookInstalled = false;

export interface LoopDevice {
  readonly device: string;
  detach(): Promise<void>;
}

export async function attachLoop(backing: string, offset: number, size: number, options: { readOnly?: boolean; signal?: AbortSignal } = {}): Promise<LoopDevice> {
  installExitHook();
  const args = ['--find', '--show', '--offset', String(offset), '--sizelimit', String(size)];
  if (options.readOnly) args.push('--read-only');
  // No abort signal for losetup itself: killed after the kernel attached the device but before it
  // printed the name, it would leave a device nobody knows about. Attach, record, then check.
  const { stdout } = await runTool('losetup', [...args, backing], { what: `attaching a loop device to ${backing}` });
  const device = stdout.trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`losetup answered "${device}"`);
  attached.add(device);
  const loop: LoopDevice = {
    device,
    detach: async () => {
      if (!attached.delete(device)) return;
      await runTool('losetup', ['--detach', device], { what: `detaching ${device}` });
    },
  };
  if (options.signal?.aborted) {
    await loop.detach();
    throw new StickwrightError('CANCELLED', `while attaching a loop device to ${backing}`);
  }
  return loop;
}

/** Runs `body` with a loop device over the range and always detaches it. */
export async function withLoop<T>(backing: string, offset: number, size: number, body: (device: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const loop = await attachLoop(backing, offset, size, { signal });
  try {
    return await body(loop.device);
  } finally {
    await loop.detach();
  }
}

/** The same, read-only (for checks that must not change anything). */
export async function withLoopReadOnly<T>(backing: string, offset: number, size: number, body: (device: string) => Promise<T>): Promise<T> {
  const loop = await attachLoop(backing, offset, size, { readOnly: true });
  try {
    return await body(loop.device);
  } finally {
    await loop.detach();
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const device of attached) {
      try {
        execaSync('losetup', ['--detach', device], { reject: false });
      } catch {
        // best effort at exit
      }
    }
  });
}

export function attachedLoopDevices(): readonly string[] {
  return [...attached];
}
