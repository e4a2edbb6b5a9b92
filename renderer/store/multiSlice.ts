// The "Images on a stick" view: the sticks it offers, the chosen one, its images as the worker
// listed them (listStickImages), and removing one. A newer listing wins over an older one still
// running; a list always names the device it belongs to, and the drive as it was listed then
// (its size is what main and the worker check again: a swapped stick is refused).
import type { StateCreator } from 'zustand';
import type { Drive } from '../../shared/contract/drive';
import type { StickImageList } from '../../shared/contract/multiImage';
import { toErrorPayload, type ErrorPayload } from '../../shared/errors';
import { formatBytes } from '../../shared/units';
import { bridge } from '../lib/api';
import type { AppState } from './index';

export interface RemoveTarget {
  readonly device: string;
  readonly dir: string;
}

export interface MultiSlice {
  /** The drives the view offers (system drives never). */
  readonly multiDrives: readonly Drive[];
  readonly multiDrivesLoaded: boolean;
  readonly multiDrivesError: ErrorPayload | null;
  /** The chosen drive's device path. */
  readonly multiDevice: string | null;
  /** True while the worker lists the stick's images. */
  readonly imagesLoading: boolean;
  readonly imageList: StickImageList | null;
  readonly imageListError: ErrorPayload | null;
  /** The drive the list (or the error) is about, as listed when it was read. */
  readonly imageListDrive: Drive | null;
  /** A remove the worker is running. */
  readonly removing: RemoveTarget | null;
  /** How the last remove ended: a sentence, or the engine's error. */
  readonly removeOutcome: (RemoveTarget & ({ readonly ok: true; readonly message: string } | { readonly ok: false; readonly error: ErrorPayload })) | null;
  /** Show the view; with a device (from Done) that drive is chosen and listed, and with `add` the add begins once it is. */
  openMulti: (device?: string, then?: 'add') => void;
  /** Back to the wizard, where it was. */
  closeMulti: () => void;
  refreshMultiDrives: () => Promise<void>;
  chooseMultiDrive: (device: string | null) => void;
  /** List the chosen drive's images (through the worker). */
  listImages: () => Promise<void>;
  /** Remove the image in `dir` from the listed stick; the list is replaced by the stick's new one. */
  removeImage: (dir: string) => Promise<void>;
}

let listCounter = 0;
let drivesCounter = 0;

export const createMultiSlice: StateCreator<AppState, [], [], MultiSlice> = (set, get) => ({
  multiDrives: [],
  multiDrivesLoaded: false,
  multiDrivesError: null,
  multiDevice: null,
  imagesLoading: false,
  imageList: null,
  imageListError: null,
  imageListDrive: null,
  removing: null,
  removeOutcome: null,

  openMulti: (device, then) => {
    set({ view: 'multi' });
    if (!device) {
      void get().refreshMultiDrives();
      return;
    }
    get().chooseMultiDrive(device);
    void get()
      .refreshMultiDrives()
      .then(async () => {
        if (get().multiDevice !== device || !get().multiDrives.some((d) => d.device === device)) return;
        await get().listImages();
        if (then === 'add' && get().imageList && get().imageListDrive?.device === device) get().beginAdd();
      });
  },
  closeMulti: () => set({ view: 'wizard' }),

  refreshMultiDrives: async () => {
    const mine = ++drivesCounter;
    const result = await bridge()
      .listDrives({ showAll: false })
      .catch((error: unknown) => ({ ok: false as const, error: toErrorPayload(error) }));
    if (mine !== drivesCounter) return;
    if (!result.ok) {
      set({ multiDrivesError: result.error, multiDrivesLoaded: true });
      return;
    }
    const drives = result.value.filter((d) => !d.isSystem);
    const chosen = get().multiDevice;
    // A drive that went away is no longer chosen; with exactly one drive, that one is.
    const still = chosen !== null && drives.some((d) => d.device === chosen);
    const only = drives.length === 1 ? (drives[0]?.device ?? null) : null;
    const device = still ? chosen : only;
    if (device !== chosen) get().chooseMultiDrive(device);
    set({ multiDrives: drives, multiDrivesLoaded: true, multiDrivesError: null });
  },

  chooseMultiDrive: (device) => {
    if (device === get().multiDevice) return;
    listCounter += 1; // a listing of the previous drive still running is no longer wanted
    set({ multiDevice: device, imageList: null, imageListError: null, imageListDrive: null, imagesLoading: false, removeOutcome: null });
  },

  listImages: async () => {
    const device = get().multiDevice;
    const drive = get().multiDrives.find((d) => d.device === device);
    if (!drive || get().removing || get().addStatus === 'running' || get().addStatus === 'starting') return;
    const mine = ++listCounter;
    set({ imagesLoading: true, imageListError: null, removeOutcome: null });
    const result = await bridge()
      .listStickImages(drive.device)
      .catch((error: unknown) => ({ ok: false as const, error: toErrorPayload(error) }));
    if (mine !== listCounter) return;
    if (result.ok) set({ imageList: result.value, imageListError: null, imageListDrive: drive, imagesLoading: false });
    else set({ imageList: null, imageListError: result.error, imageListDrive: drive, imagesLoading: false });
  },

  removeImage: async (dir) => {
    const { imageList: list, imageListDrive: drive, removing, imagesLoading } = get();
    if (!list || !drive || removing || imagesLoading) return;
    const target = { device: drive.device, dir };
    listCounter += 1; // a listing still running would show the stick from before
    set({ removing: target, removeOutcome: null });
    const result = await bridge()
      .removeImage({ device: drive.device, expectedSize: drive.size, dir, liveUuid: list.report.live.uuid })
      .catch((error: unknown) => ({ ok: false as const, error: toErrorPayload(error) }));
    set({ removing: null });
    if (get().multiDevice !== drive.device) return; // another drive was chosen meanwhile
    if (!result.ok) {
      set({ removeOutcome: { ...target, ok: false, error: result.error } });
      return;
    }
    const { name, freeAfter, freeBefore } = result.value;
    const message = `Removed “${name}” (/${dir}) with its overlay and home. ${formatBytes(freeAfter)} free on the stick now (was ${formatBytes(freeBefore)}).`;
    set({ imageList: result.value.list, imageListError: null, removeOutcome: { ...target, ok: true, message } });
  },
});
