// What each OS build can do today. The app and the README say the same thing; keep them in step.
export interface Capabilities {
  readonly inspect: boolean;
  readonly write: boolean;
  readonly usage: boolean;
  readonly multiImage: boolean;
}

export function platformCapabilities(platform: NodeJS.Platform): Capabilities {
  // Inspect is pure Node and works on every OS. The writer and the usage viewer (the worker reads
  // the stick) are Linux-only so far; multi-image sticks are not built yet on any OS. Linux gets
  // each first.
  return { inspect: true, write: platform === 'linux', usage: platform === 'linux', multiImage: false };
}
