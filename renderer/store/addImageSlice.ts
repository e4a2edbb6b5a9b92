// Adding a live image to a listed stick: the steps (ISO, sizes, review, the job, done), the ISO
// chosen for it (inspected like the wizard's), the sizes, and the job as the worker reports it on
// the same event channel as a write. The stick is the one the list was read from, with its size
// then: main and the worker refuse another (TARGET_CHANGED).
import type { StateCreator } from 'zustand';
import type { Drive } from '../../shared/contract/drive';
import type { PhaseName, WorkerEvent } from '../../shared/contract/events';
import type { IsoReport } from '../../shared/contract/isoReport';
import { ImageChangeResult, type StickImageList } from '../../shared/contract/multiImage';
import { toErrorPayload, type ErrorPayload } from '../../shared/errors';
import { bridge } from '../lib/api';
import { cannotAddReason, stickRoom } from '../multi/addPlanning';
import type { WriteProgress } from './writeSlice';
import type { AppState } from './index';

export const ADD_STEPS = ['iso', 'sizes', 'review', 'run', 'done'] as const;
export type AddStep = (typeof ADD_STEPS)[number];
export type AddStatus = 'idle' | 'starting' | 'running' | 'done' | 'failed';

export interface AddImageSlice {
  /** Where the add is; null: the list of the stick's images. */
  readonly addStep: AddStep | null;
  /** The stick the add is for, and its images, as listed when the add began. */
  readonly addTarget: { readonly drive: Drive; readonly list: StickImageList } | null;
  readonly addIsoPath: string | null;
  readonly addIsoReport: IsoReport | null;
  readonly addInspecting: boolean;
  readonly addIsoError: ErrorPayload | null;
  readonly addOverlaySize: number;
  readonly addHomeSize: number;
  /** The ISO and stick the sizes were fitted to; another gets new defaults. */
  readonly addSizedFor: string | null;
  /** The boot menu title; '' keeps the ISO's own. */
  readonly addName: string;
  readonly addStatus: AddStatus;
  readonly addJobId: string | null;
  readonly addPhase: PhaseName | null;
  readonly addPhasesSeen: readonly PhaseName[];
  readonly addProgress: WriteProgress | null;
  readonly addCancelRequested: boolean;
  readonly addError: ErrorPayload | null;
  readonly addErrorPhase: PhaseName | null;
  readonly addResult: ImageChangeResult | null;
  /** Start an add on the listed stick (its list must be shown, and the stick able to take one). */
  beginAdd: () => void;
  goAddStep: (step: AddStep | null) => void;
  chooseAddIso: (path: string) => Promise<void>;
  setAddSizes: (sizes: { readonly overlaySize?: number; readonly homeSize?: number }, fittedFor?: string) => void;
  setAddName: (name: string) => void;
  startAdd: () => Promise<void>;
  cancelAdd: () => Promise<void>;
  handleAddEvent: (event: WorkerEvent) => void;
  /** Back to the stick's images, the add forgotten (after done, a failure, or instead of going on). */
  leaveAdd: () => void;
}

const NO_JOB = {
  addStatus: 'idle',
  addJobId: null,
  addPhase: null,
  addPhasesSeen: [],
  addProgress: null,
  addCancelRequested: false,
  addError: null,
  addErrorPhase: null,
  addResult: null,
} as const;

const NO_ADD = {
  ...NO_JOB,
  addStep: null,
  addTarget: null,
  addIsoPath: null,
  addIsoReport: null,
  addInspecting: false,
  addIsoError: null,
  addOverlaySize: 0,
  addHomeSize: 0,
  addSizedFor: null,
  addName: '',
} as const;

/** Events that arrive before startAddImage has answered with the job id. */
let early: WorkerEvent[] = [];

export const createAddImageSlice: StateCreator<AppState, [], [], AddImageSlice> = (set, get) => ({
  ...NO_ADD,

  beginAdd: () => {
    const { imageList: list, imageListDrive: drive, multiDevice } = get();
    // An F2FS stick cannot take another image: the list page says why instead.
    if (!list || !drive || drive.device !== multiDevice || cannotAddReason(stickRoom(list))) return;
    set({ ...NO_ADD, addStep: 'iso', addTarget: { drive, list } });
  },

  goAddStep: (step) => {
    const running = get().addStatus === 'starting' || get().addStatus === 'running';
    if (!running) set({ addStep: step });
  },

  chooseAddIso: async (path) => {
    set({ addIsoPath: path, addIsoReport: null, addIsoError: null, addInspecting: true });
    const result = await bridge()
      .inspectIso(path)
      .catch((error: unknown) => ({ ok: false as const, error: toErrorPayload(error) }));
    if (get().addIsoPath !== path) return; // another file was chosen meanwhile
    if (result.ok) set({ addIsoReport: result.value, addInspecting: false });
    else set({ addIsoError: result.error, addInspecting: false });
  },

  setAddSizes: (sizes, fittedFor) =>
    set((s) => ({
      addOverlaySize: sizes.overlaySize ?? s.addOverlaySize,
      addHomeSize: sizes.homeSize ?? s.addHomeSize,
      addSizedFor: fittedFor ?? s.addSizedFor,
    })),

  setAddName: (addName) => set({ addName }),

  startAdd: async () => {
    const { addTarget: target, addIsoPath: isoPath, addIsoReport: report, addOverlaySize, addHomeSize, addName, addStatus } = get();
    if (!target || !isoPath || !report || addStatus === 'starting' || addStatus === 'running') return;
    early = [];
    set({ ...NO_JOB, addStatus: 'starting', addStep: 'run' });
    const name = addName.trim();
    const result = await bridge()
      .startAddImage({
        isoPath,
        device: target.drive.device,
        expectedSize: target.drive.size,
        overlaySize: addOverlaySize,
        homeSize: addHomeSize,
        ...(name ? { name } : {}),
      })
      .catch((error: unknown) => ({ ok: false as const, error: toErrorPayload(error) }));
    if (!result.ok) {
      set({ addStatus: 'failed', addError: result.error });
      return;
    }
    set({ addStatus: 'running', addJobId: result.value.jobId });
    const pending = early.filter((e) => e.jobId === result.value.jobId);
    early = [];
    for (const event of pending) get().handleAddEvent(event);
  },

  cancelAdd: async () => {
    const { addJobId, addStatus } = get();
    if (!addJobId || addStatus !== 'running') return;
    set({ addCancelRequested: true });
    await bridge().cancelJob(addJobId);
  },

  handleAddEvent: (event) => {
    const { addJobId, addStatus } = get();
    if (addStatus === 'starting') {
      early.push(event);
      return;
    }
    if (addStatus !== 'running' || event.jobId !== addJobId) return;
    const seen = (phase: PhaseName) => (s: AppState) => (s.addPhasesSeen.includes(phase) ? s.addPhasesSeen : [...s.addPhasesSeen, phase]);
    switch (event.type) {
      case 'phase':
        set((s) => ({ addPhase: event.phase, addPhasesSeen: seen(event.phase)(s) }));
        break;
      case 'progress':
        set((s) => ({ addPhase: event.phase, addPhasesSeen: seen(event.phase)(s), addProgress: { bytesDone: event.bytesDone, bytesTotal: event.bytesTotal, speed: event.speed, eta: event.eta } }));
        break;
      case 'log':
        break;
      case 'result': {
        const parsed = ImageChangeResult.safeParse(event.value);
        if (!parsed.success) {
          set({ addStatus: 'failed', addError: toErrorPayload(new Error('the worker answered the add with a result of another shape')) });
          break;
        }
        set({ addStatus: 'done', addResult: parsed.data, addStep: 'done' });
        // The stick's list is now the one the worker read after the add.
        if (get().imageListDrive?.device === get().addTarget?.drive.device) set({ imageList: parsed.data.list, imageListError: null });
        break;
      }
      case 'error':
        set({ addStatus: 'failed', addError: event.error, addErrorPhase: event.phase });
        break;
    }
  },

  leaveAdd: () => {
    const running = get().addStatus === 'starting' || get().addStatus === 'running';
    if (!running) set({ ...NO_ADD });
  },
});
