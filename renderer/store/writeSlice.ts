import type { StateCreator } from 'zustand';
import type { Drive } from '../../shared/contract/drive';
import type { PhaseName, WorkerEvent } from '../../shared/contract/events';
import { WriteJobResult } from '../../shared/contract/writeRequest';
import { RawWriteJobResult } from '../../shared/contract/rawRequest';
import type { WriteMode } from '../lib/writeMode';
import type { ErrorPayload } from '../../shared/errors';
import type { StickPlan } from '../../shared/plan/stickPlan';
import { bridge } from '../lib/api';
import { plan, toWriteOptions } from '../lib/planning';
import type { AppState } from './index';

export interface WriteProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly speed: number;
  readonly eta: number | null;
}

export type WriteStatus = 'idle' | 'starting' | 'running' | 'done' | 'failed';

export interface WriteSlice {
  readonly writeStatus: WriteStatus;
  readonly jobId: string | null;
  readonly phase: PhaseName | null;
  /** Every phase entered so far, in order. */
  readonly phasesSeen: readonly PhaseName[];
  readonly progress: WriteProgress | null;
  /** Cancel was asked for; the worker stops at its next safe point. */
  readonly cancelRequested: boolean;
  readonly writeError: ErrorPayload | null;
  /** The phase the error happened in, when the worker said. */
  readonly errorPhase: PhaseName | null;
  readonly writeResult: WriteJobResult | null;
  /** A raw-mode write's result (the image copied byte for byte and read back). */
  readonly rawResult: RawWriteJobResult | null;
  /** What was written where, and how, kept for the Done and failure screens. */
  readonly written: { readonly drive: Drive; readonly plan: StickPlan | null; readonly startedAt: number; readonly mode: WriteMode } | null;
  readonly finishedAt: number | null;
  readonly ejectState: 'idle' | 'ejecting' | 'ejected' | 'failed';
  readonly ejectMessage: string | null;
  /** Main refused the eject (e.g. TARGET_BUSY): shown as code, message and hint. */
  readonly ejectError: ErrorPayload | null;
  /** unmount: the user agreed to have the drive's mounted filesystems unmounted first;
   *  mode raw: the image byte for byte (startRawWrite), else a persistent stick. */
  startWrite: (options?: { readonly unmount?: boolean; readonly mode?: WriteMode }) => Promise<void>;
  cancelWrite: () => Promise<void>;
  handleJobEvent: (event: WorkerEvent) => void;
  ejectWritten: () => Promise<void>;
  /** Leave a finished or failed write behind (Back to review, Write another). */
  clearWrite: () => void;
}

const IDLE = {
  writeStatus: 'idle',
  jobId: null,
  phase: null,
  phasesSeen: [],
  progress: null,
  cancelRequested: false,
  writeError: null,
  errorPhase: null,
  writeResult: null,
  rawResult: null,
  written: null,
  finishedAt: null,
  ejectState: 'idle',
  ejectMessage: null,
  ejectError: null,
} as const;

/** Events that arrive before startWrite has answered with the job id (the worker can be quick). */
let early: WorkerEvent[] = [];

export const createWriteSlice: StateCreator<AppState, [], [], WriteSlice> = (set, get) => ({
  ...IDLE,
  startWrite: async ({ unmount = false, mode = 'persistent' }: { readonly unmount?: boolean; readonly mode?: WriteMode } = {}) => {
    const { isoPath, report, selectedDrive: drive, choices, passphrase, writeStatus } = get();
    if (!isoPath || !drive || writeStatus === 'starting' || writeStatus === 'running') return;
    if (mode === 'persistent' && !report) return;
    const planned = mode === 'persistent' && report ? plan(report, drive.size, choices) : null;
    const options = toWriteOptions(choices);
    early = [];
    set({ ...IDLE, writeStatus: 'starting', written: { drive, plan: planned?.ok ? planned.plan : null, startedAt: Date.now(), mode } });
    get().goTo('write');
    const result =
      mode === 'raw'
        ? await bridge().startRawWrite({ imagePath: isoPath, device: drive.device, expectedSize: drive.size, verify: true, ...(unmount ? { unmount: true } : {}) })
        : await bridge().startWrite({
            isoPath,
            device: drive.device,
            expectedSize: drive.size,
            options,
            ...(options.encryptHome ? { passphrase } : {}),
            verify: true,
            ...(unmount ? { unmount: true } : {}),
          });
    // The passphrase has gone to main (and on to the worker's stdin): forget it here.
    set({ passphrase: '', passphraseConfirm: '' });
    if (!result.ok) {
      set({ writeStatus: 'failed', writeError: result.error, finishedAt: Date.now() });
      return;
    }
    set({ writeStatus: 'running', jobId: result.value.jobId });
    const pending = early.filter((e) => e.jobId === result.value.jobId);
    early = [];
    for (const event of pending) get().handleJobEvent(event);
  },
  cancelWrite: async () => {
    const { jobId, writeStatus } = get();
    if (!jobId || writeStatus !== 'running') return;
    set({ cancelRequested: true });
    await bridge().cancelJob(jobId);
  },
  handleJobEvent: (event) => {
    const { jobId, writeStatus } = get();
    if (writeStatus === 'starting') {
      early.push(event);
      return;
    }
    if (writeStatus !== 'running' || event.jobId !== jobId) return;
    switch (event.type) {
      case 'phase':
        set((s) => ({ phase: event.phase, phasesSeen: s.phasesSeen.includes(event.phase) ? s.phasesSeen : [...s.phasesSeen, event.phase] }));
        break;
      case 'progress':
        set((s) => ({
          phase: event.phase,
          phasesSeen: s.phasesSeen.includes(event.phase) ? s.phasesSeen : [...s.phasesSeen, event.phase],
          progress: { bytesDone: event.bytesDone, bytesTotal: event.bytesTotal, speed: event.speed, eta: event.eta },
        }));
        break;
      case 'log':
        break;
      case 'result': {
        if (get().written?.mode === 'raw') {
          const raw = RawWriteJobResult.safeParse(event.value);
          set({ writeStatus: 'done', rawResult: raw.success ? raw.data : null, finishedAt: Date.now() });
        } else {
          const parsed = WriteJobResult.safeParse(event.value);
          set({ writeStatus: 'done', writeResult: parsed.success ? parsed.data : null, finishedAt: Date.now() });
        }
        get().goTo('done');
        break;
      }
      case 'error':
        set({ writeStatus: 'failed', writeError: event.error, errorPhase: event.phase, finishedAt: Date.now() });
        break;
    }
  },
  ejectWritten: async () => {
    const drive = get().written?.drive;
    if (!drive) return;
    set({ ejectState: 'ejecting', ejectMessage: null, ejectError: null });
    const result = await bridge().ejectDrive(drive.device);
    if (result.ok) set({ ejectState: result.value.ejected ? 'ejected' : 'failed', ejectMessage: result.value.message });
    else set({ ejectState: 'failed', ejectError: result.error });
  },
  clearWrite: () => set({ ...IDLE }),
});
