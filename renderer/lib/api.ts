// The only module that touches window.stickwright. Components and the store call these functions,
// so tests can swap the bridge and nothing else in the page knows about Electron.
import type { StickwrightApi } from '../../shared/contract/api';

export interface Bridge extends StickwrightApi {
  /** The file-system path of a dropped File (Electron's webUtils.getPathForFile). */
  readonly pathForFile: (file: File) => string;
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
