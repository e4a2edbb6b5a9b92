// What each OS build can do today. The app and the README say the same thing; keep them in step.
export interface Capabilities {
  readonly inspect: boolean;
  readonly write: boolean;
  readonly usage: boolean;
  readonly multiImage: boolean;
  /** Raw mode: an image byte for byte (engine/raw). */
  readonly rawWrite: boolean;
  /** A stick back to a plain FAT32/exFAT drive (engine/restore). */
  readonly restore: boolean;
}

export function platformCapabilities(platform: NodeJS.Platform): Capabilities {
  // Inspect is pure Node and works on every OS. The writer, the usage viewer and multi-image
  // sticks (the worker reads and changes the stick) are Linux-only so far. Linux gets each first.
  const linux = platform === 'linux';
  return { inspect: true, write: linux, usage: linux, multiImage: linux, rawWrite: linux, restore: linux };
}
