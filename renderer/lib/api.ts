// The only module that touches window.stickwright. Components and the store call these functions,
// so tests can swap the bridge and nothing else in the page knows about Electron.
import type { StickwrightApi } from '../../shared/contract/api';
import type { WorkerEvent } from '../../shared/contract/events';

export interface Bridge extends StickwrightApi {
  /** The file-system path of a dropped File (Electron's webUtils.getPathForFile). */
  readonly pathForFile: (file: File) => string;
  /** Every event of running jobs (progress, phase, result, error); returns the unsubscribe. */
  readonly onJobEvent: (listener: (event: WorkerEvent) => void) => () => void;
}

declare global {
  interface Window {
    readonly stickwright?: Bridge;
  }
}

export function bridge(): Bridge {
  const api = window.stickwright;
  if (!api) throw new Error('window.stickwright is missing: the page was not loaded by Stickwright');
  return api;
}
