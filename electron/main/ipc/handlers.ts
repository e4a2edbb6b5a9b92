// The main process's API implementation: plain async functions, so tests run them under Node.
// Only read-only engine parts run here, unprivileged; anything that writes goes to the elevated
// worker as a job, and main only relays its events.
import { randomUUID } from 'node:crypto';
import type { ApiHandlers } from './registerApi';
import type { Drive, ListDrivesOptions } from '../../../shared/contract/drive';
import type { WorkerEvent } from '../../../shared/contract/events';
import { JOB_PROTOCOL_VERSION, type Job } from '../../../shared/contract/job';
import type { WriteRequest } from '../../../shared/contract/writeRequest';
import type { RawWriteRequest, RestoreRequest } from '../../../shared/contract/rawRequest';
import { ImageChangeResult, StickImageList, type AddImageRequest, type RemoveImageRequest } from '../../../shared/contract/multiImage';
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
  /** Jobs that change a drive (writes, adds, removes), by job id: one at a time per drive. */
  const running = new Map<string, { device: string; doing: string; job: RunningJob }>();

  /** The renderer may only name a drive main itself listed: never an arbitrary path. */
  const findDrive = async (device: string): Promise<Drive> => {
    const drive = (await deps.listDrives()).find((d) => d.device === device);
    if (!drive) throw new StickwrightError('TARGET_NOT_FOUND', `${device} is not among the drives Stickwright lists`, { path: device });
    return drive;
  };

  /** Refuses what this OS build cannot do yet (the UI hides it; a page could still ask). */
  const requireCapability = (what: 'write' | 'usage' | 'multiImage' | 'rawWrite' | 'restore') => {
    if (!platformCapabilities(deps.platform)[what]) {
      const words = {
        write: 'writing sticks',
        usage: 'reading and maintaining sticks',
        multiImage: 'several images on one stick',
        rawWrite: 'writing an image byte for byte',
        restore: 'restoring a stick to a plain drive',
      }[what];
      throw new StickwrightError('PLATFORM_NOT_SUPPORTED', `${words} is not available on ${deps.platform} yet`);
    }
  };

  /** Refuses a drive a job is changing. */
  const requireIdle = (device: string) => {
    for (const other of running.values()) {
      if (other.device === device) throw new StickwrightError('TARGET_BUSY', `${device} is still ${other.doing}`, { path: device });
    }
  };

  /** A listed drive no job is changing. */
  const findIdleDrive = async (device: string): Promise<Drive> => {
    const drive = await findDrive(device);
    requireIdle(device);
    return drive;
  };

  /** A listed, idle drive of the size the person chose it at (another size: a swapped stick). */
  const findChosenDrive = async (device: string, expectedSize: number): Promise<Drive> => {
    const drive = await findDrive(device);
    if (drive.size !== expectedSize) {
      throw new StickwrightError('TARGET_CHANGED', `${drive.device} is now ${drive.size} bytes, not the ${expectedSize} chosen`, { path: drive.device });
    }
    requireIdle(drive.device);
    return drive;
  };

  /** Starts a job that changes `device`, kept in `running` (busy, cancellable) until it ends. */
  const track = (device: string, doing: string): JobRunner => ({
    start: (job, onEvent) => {
      const handle = deps.jobs.start(job, onEvent);
      running.set(job.id, { device, doing, job: handle });
      void handle.done.finally(() => running.delete(job.id));
      return handle;
    },
  });

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
      const drive = await findChosenDrive(request.device, request.expectedSize);
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
        ...(request.unmount === true ? { unmount: true } : {}),
      };
      track(drive.device, 'being written').start(job, deps.sendJobEvent);
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

    listStickImages: async (device: string) => {
      requireCapability('multiImage');
      await findIdleDrive(device);
      return StickImageList.parse(await jobResult(deps.jobs, { v: JOB_PROTOCOL_VERSION, id: randomUUID(), kind: 'list-images', stick: device }));
    },

    startAddImage: async (request: AddImageRequest) => {
      requireCapability('multiImage');
      const drive = await findChosenDrive(request.device, request.expectedSize);
      const jobId = randomUUID();
      const job: Job = {
        v: JOB_PROTOCOL_VERSION,
        id: jobId,
        kind: 'add-image',
        isoPath: request.isoPath,
        stick: drive.device,
        expectedSize: request.expectedSize,
        overlaySize: request.overlaySize,
        homeSize: request.homeSize,
        ...(request.name === undefined ? {} : { name: request.name }),
      };
      // Events go to the page like a write's: it shows the add's progress.
      track(drive.device, 'getting another image').start(job, deps.sendJobEvent);
      return { jobId };
    },

    removeImage: async (request: RemoveImageRequest) => {
      requireCapability('multiImage');
      const drive = await findChosenDrive(request.device, request.expectedSize);
      const job: Job = { v: JOB_PROTOCOL_VERSION, id: randomUUID(), kind: 'remove-image', stick: drive.device, expectedSize: request.expectedSize, dir: request.dir, liveUuid: request.liveUuid };
      return ImageChangeResult.parse(await jobResult(track(drive.device, 'having an image removed'), job));
    },

    startRawWrite: async (request: RawWriteRequest) => {
      requireCapability('rawWrite');
      const drive = await findChosenDrive(request.device, request.expectedSize);
      const job: Job = {
        v: JOB_PROTOCOL_VERSION,
        id: randomUUID(),
        kind: 'write-raw',
        imagePath: request.imagePath,
        target: drive.device,
        expectedSize: request.expectedSize,
        verify: request.verify,
        ...(request.unmount === true ? { unmount: true } : {}),
      };
      track(drive.device, 'being written').start(job, deps.sendJobEvent);
      return { jobId: job.id };
    },

    startRestore: async (request: RestoreRequest) => {
      requireCapability('restore');
      const drive = await findChosenDrive(request.device, request.expectedSize);
      const job: Job = { v: JOB_PROTOCOL_VERSION, id: randomUUID(), kind: 'restore', target: drive.device, expectedSize: request.expectedSize, fs: request.fs, label: request.label };
      track(drive.device, 'being restored').start(job, deps.sendJobEvent);
      return { jobId: job.id };
    },

    ejectDrive: async (device: string) => {
      await findIdleDrive(device);
      return deps.ejectDrive(device);
    },
  };
}
