// The "Restore a stick" view: the drives it offers, the chosen one, the filesystem and label, and
// the restore the worker runs (startRestore; its phases arrive on the one job channel). The drive
// is kept as it was listed when the restore started: its size is what main and the worker check
// again (a swapped stick is refused).
import type { StateCreator } from 'zustand';
import type { Drive } from '../../shared/contract/drive';
import type { PhaseName, WorkerEvent } from '../../shared/contract/events';
import type { RestoreFs } from '../../shared/contract/job';
import { RestoreJobResult } from '../../shared/contract/rawRequest';
import { toErrorPayload, type ErrorPayload } from '../../shared/errors';
import { bridge } from '../lib/api';
import type { AppState } from './index';

const GiB = 2 ** 30;
export type RestoreStatus = 'idle' | 'starting' | 'running' | 'done' | 'failed';

export interface RestoreSlice {
  readonly restoreDrives: readonly Drive[];
  readonly restoreDrivesLoaded: boolean;
  readonly restoreDrivesError: ErrorPayload | null;
  readonly restoreDevice: string | null;
  readonly restoreFs: RestoreFs;
  readonly restoreLabel: string;
  readonly restoreStatus: RestoreStatus;
  readonly restoreJobId: string | null;
  readonly restorePhase: PhaseName | null;
  readonly restorePhasesSeen: readonly PhaseName[];
  readonly restoreError: ErrorPayload | null;
  readonly restoreResult: RestoreJobResult | null;
  /** The drive being (or last) restored, as listed when it started. */
  readonly restoreDrive: Drive | null;
  /** Show the view; with a device (from Done) that drive is chosen. */
  openRestore: (device?: string) => void;
  closeRestore: () => void;
  refreshRestoreDrives: () => Promise<void>;
  chooseRestoreDrive: (device: string | null) => void;
  setRestoreFs: (fs: RestoreFs) => void;
  setRestoreLabel: (label: string) => void;
  /** Start the restore of the chosen drive (after the person confirmed). */
  startRestore: () => Promise<void>;
  handleRestoreEvent: (event: WorkerEvent) => void;
  /** Leave a finished or failed restore behind: the form again. */
  clearRestore: () => void;
}

const LABEL_MAX: Readonly<Record<RestoreFs, number>> = { fat32: 11, exfat: 15 };

/** What is wrong with a label for this filesystem, or null (the engine's restoreLabel rules). */
export function restoreLabelProblem(label: string, fs: RestoreFs): string | null {
  if (!label.length) return 'Enter a name for the drive.';
  if (!/^[A-Za-z0-9 _-]+$/.test(label)) return 'Use letters, digits, spaces, "-" and "_" only.';
  if (label.startsWith(' ') || label.endsWith(' ')) return 'The name cannot start or end with a space.';
  if (label.length > LABEL_MAX[fs]) return `At most ${LABEL_MAX[fs]} characters on ${fs === 'fat32' ? 'FAT32' : 'exFAT'}.`;
  return null;
}

/** Windows' own choice: FAT32 up to 32 GiB, exFAT above (the engine's default too). */
export function defaultRestoreFs(size: number): RestoreFs {
  return size <= 32 * GiB ? 'fat32' : 'exfat';
}

const RUN_IDLE = { restoreStatus: 'idle', restoreJobId: null, restorePhase: null, restorePhasesSeen: [], restoreError: null, restoreResult: null } as const;

/** Events that arrive before startRestore has answered with the job id. */
let early: WorkerEvent[] = [];
let drivesCounter = 0;
/** The drive the person chose a filesystem for; any other gets the default for its size. */
let fsChosenFor: string | null = null;

export const createRestoreSlice: StateCreator<AppState, [], [], RestoreSlice> = (set, get) => ({
  restoreDrives: [],
  restoreDrivesLoaded: false,
  restoreDrivesError: null,
  restoreDevice: null,
  restoreFs: 'fat32',
  restoreLabel: 'STICK',
  restoreDrive: null,
  ...RUN_IDLE,

  openRestore: (device) => {
    set({ view: 'restore' });
    if (get().restoreStatus === 'done' || get().restoreStatus === 'failed') get().clearRestore();
    if (device) get().chooseRestoreDrive(device);
    void get().refreshRestoreDrives();
  },
  closeRestore: () => set({ view: 'wizard' }),

  refreshRestoreDrives: async () => {
    const mine = ++drivesCounter;
    const result = await bridge()
      .listDrives({ showAll: false })
      .catch((error: unknown) => ({ ok: false as const, error: toErrorPayload(error) }));
    if (mine !== drivesCounter) return;
    if (!result.ok) {
      set({ restoreDrivesError: result.error, restoreDrivesLoaded: true });
      return;
    }
    const drives = result.value.filter((d) => !d.isSystem);
    set({ restoreDrives: drives, restoreDrivesLoaded: true, restoreDrivesError: null });
    const chosen = get().restoreDevice;
    // A drive that went away is no longer chosen (unless it is being restored).
    if (chosen !== null && !drives.some((d) => d.device === chosen) && get().restoreStatus === 'idle') get().chooseRestoreDrive(null);
    else if (chosen !== null) get().chooseRestoreDrive(chosen);
  },

  chooseRestoreDrive: (device) => {
    const drive = get().restoreDrives.find((d) => d.device === device);
    set({ restoreDevice: device, ...(drive && fsChosenFor !== device ? { restoreFs: defaultRestoreFs(drive.size) } : {}) });
  },
  setRestoreFs: (fs) => {
    fsChosenFor = get().restoreDevice;
    set({ restoreFs: fs });
  },
  setRestoreLabel: (label) => set({ restoreLabel: label }),

  startRestore: async () => {
    const { restoreDevice, restoreDrives, restoreFs: fs, restoreLabel: label, restoreStatus } = get();
    const drive = restoreDrives.find((d) => d.device === restoreDevice);
    if (!drive || restoreStatus === 'starting' || restoreStatus === 'running' || restoreLabelProblem(label, fs)) return;
    early = [];
    set({ ...RUN_IDLE, restoreStatus: 'starting', restoreDrive: drive });
    const result = await bridge()
      .startRestore({ device: drive.device, expectedSize: drive.size, fs, label })
      .catch((error: unknown) => ({ ok: false as const, error: toErrorPayload(error) }));
    if (!result.ok) {
      set({ restoreStatus: 'failed', restoreError: result.error });
      return;
    }
    set({ restoreStatus: 'running', restoreJobId: result.value.jobId });
    const pending = early.filter((e) => e.jobId === result.value.jobId);
    early = [];
    for (const event of pending) get().handleRestoreEvent(event);
  },

  handleRestoreEvent: (event) => {
    const { restoreJobId, restoreStatus } = get();
    if (restoreStatus === 'starting') {
      early.push(event);
      return;
    }
    if (restoreStatus !== 'running' || event.jobId !== restoreJobId) return;
    switch (event.type) {
      case 'phase':
      case 'progress':
        set((s) => ({ restorePhase: event.phase, restorePhasesSeen: s.restorePhasesSeen.includes(event.phase) ? s.restorePhasesSeen : [...s.restorePhasesSeen, event.phase] }));
        break;
      case 'log':
        break;
      case 'result': {
        const parsed = RestoreJobResult.safeParse(event.value);
        set({ restoreStatus: 'done', restoreResult: parsed.success ? parsed.data : null });
        break;
      }
      case 'error':
        set({ restoreStatus: 'failed', restoreError: event.error, restorePhase: event.phase });
        break;
    }
  },

  clearRestore: () => set({ ...RUN_IDLE }),
});
