// The main process's API implementation: plain async functions, so tests run them under Node.
// Only read-only engine parts here; anything that writes goes through the elevated worker.
import type { ApiHandlers } from './registerApi';
import { inspectIso } from '../../engine/inspect/inspectIso';
import { platformCapabilities } from '../platformCapabilities';

export interface HandlerDeps {
  readonly version: string;
  readonly platform: NodeJS.Platform;
  /** Shows the OS file picker; resolves to the chosen path or null. */
  readonly pickIsoFile: () => Promise<string | null>;
}

export function createHandlers(deps: HandlerDeps): ApiHandlers {
  return {
    appInfo: async () => ({
      version: deps.version,
      platform: deps.platform === 'linux' || deps.platform === 'darwin' || deps.platform === 'win32' ? deps.platform : 'other',
      capabilities: platformCapabilities(deps.platform),
    }),
    inspectIso: (isoPath) => inspectIso(isoPath),
    chooseIso: () => deps.pickIsoFile(),
  };
}
