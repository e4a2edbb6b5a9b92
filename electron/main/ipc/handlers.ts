// The main process's API implementation: plain async functions, so tests run them under Node.
// Only read-only engine parts run here, unprivileged; anything that writes goes to the elevated
// worker as a job, and main only relays its events.
import { randomUUID } from 'node:crypto';
import type { ApiHandlers } from './registerApi';
import type { Drive, ListDrivesOptions } from '../../../shared/contract/drive';
import type { WorkerEvent } from '../../../shared/contract/events';
import { JOB_PROTOCOL_VERSION, type Job } from '../../../shared/contract/job';
import type { WriteRequest } from '../../../shared/contract/writeRequest';
import { StickwrightError } from '../../../shared/errors';
import { inspectIso } from '../../engine/inspect/inspectIso';
import { platformCapabilities } from '../platformCapabilities';
import type { JobRunner, RunningJob } from '../jobs/jobRunner';
import { jobResult } from '../jobs/jobResult';
import { UsageReport } from '../../../shared/usage/usageReport';

export interface HandlerDeps {
  readonly version: string;
  readonly platform: NodeJS.Platform;
  /** Shows the OS file picker; resolves to the chosen path or null. */
  readonly pickIsoFile: () => Promise<string | null>;
  /** Every drive, system drives included (the handler filters). */
  readonly listDrives: () => Promise<Drive[]>;
  /** Starts the (elevated) worker. */
  readonly jobs: JobRunner;
  /** Delivers a job event to the renderer (webContents.send on JOB_EVENT_CHANNEL). */
  readonly sendJobEvent: (event: WorkerEvent) => void;
  /** Flushes and powers off a drive (udisksctl on Linux); resolves to what happened. */
  readonly ejectDrive: (device: string) => Promise<{ ejected: boolean; message: string }>;
}

export function createHandlers(deps: HandlerDeps): ApiHandlers {
  const running = new Map<string, { device: string; job: RunningJob }>();

  /** The renderer may only name a drive main itself listed: never an arbitrary path. */
  const findDrive = async (device: string): Promise<Drive> => {
    const drive = (await deps.listDrives()).find((d) => d.device === device);
    if (!drive) throw new StickwrightError('TARGET_NOT_FOUND', `${device} is not among the drives Stickwright lists`, { path: device });
    return drive;
  };

  /** Refuses what this OS build cannot do yet (the UI hides it; a page could still ask). */
  const requireCapability = (what: 'write' | 'usage') => {
    if (!platformCapabilities(deps.platform)[what]) {
      throw new StickwrightError('PLATFORM_NOT_SUPPORTED', `${what === 'write' ? 'writing sticks' : 'reading and maintaining sticks'} is not available on ${deps.platform} yet`);
    }
  };

  /** A listed drive no write is running on. */
  const findIdleDrive = async (device: string): Promise<Drive> => {
    const drive = await findDrive(device);
    for (const other of running.values()) {
      if (other.device === device) throw new StickwrightError('TARGET_BUSY', `${device} is still being written`, { path: device });
    }
    return drive;
  };

  return {
    appInfo: async () => ({
      version: deps.version,
      platform: deps.platform === 'linux' || deps.platform === 'darwin' || deps.platform === 'win32' ? deps.platform : 'other',
      capabilities: platformCapabilities(deps.platform),
    }),
    inspectIso: (isoPath) => inspectIso(isoPath),
    chooseIso: () => deps.pickIsoFile(),
    listDrives: async (options: ListDrivesOptions) => (await deps.listDrives()).filter((d) => options.showAll || !d.isSystem),

    startWrite: async (request: WriteRequest) => {
      requireCapability('write');
      const drive = await findDrive(request.device);
      if (drive.size !== request.expectedSize) {
        throw new StickwrightError('TARGET_CHANGED', `${drive.device} is now ${drive.size} bytes, not the ${request.expectedSize} chosen`, { path: drive.device });
      }
      for (const other of running.values()) {
        if (other.device === drive.device) throw new StickwrightError('TARGET_BUSY', `a write to ${drive.device} is already running`, { path: drive.device });
      }
      const jobId = randomUUID();
      const job: Job = {
        v: JOB_PROTOCOL_VERSION,
        id: jobId,
        kind: 'write',
        isoPath: request.isoPath,
        target: drive.device,
        expectedSize: request.expectedSize,
        options: request.options,
        ...(request.passphrase ? { passphrase: request.passphrase } : {}),
        verify: request.verify,
      };
      const handle = deps.jobs.start(job, deps.sendJobEvent);
      running.set(jobId, { device: drive.device, job: handle });
      void handle.done.finally(() => running.delete(jobId));
      return { jobId };
    },

    cancelJob: async (jobId: string) => {
      const entry = running.get(jobId);
      if (!entry) return false;
      entry.job.cancel();
      return true;
    },

    readUsage: async (device: string) => {
      requireCapability('usage');
      // A stick being written reads as half-made: wait for the write to end.
      await findIdleDrive(device);
      const value = await jobResult(deps.jobs, { v: JOB_PROTOCOL_VERSION, id: randomUUID(), kind: 'usage', stick: device });
      return UsageReport.parse(value);
    },

    resetOverlay: async (device: string, dir: string) => {
      requireCapability('usage');
      await findIdleDrive(device);
      return UsageReport.parse(await jobResult(deps.jobs, { v: JOB_PROTOCOL_VERSION, id: randomUUID(), kind: 'reset-overlay', stick: device, dir }));
    },

    growOverlay: async (device: string, dir: string, size: number) => {
      requireCapability('usage');
      await findIdleDrive(device);
      return UsageReport.parse(await jobResult(deps.jobs, { v: JOB_PROTOCOL_VERSION, id: randomUUID(), kind: 'grow-overlay', stick: device, dir, size }));
    },

    ejectDrive: async (device: string) => {
      await findIdleDrive(device);
      return deps.ejectDrive(device);
    },
  };
}
