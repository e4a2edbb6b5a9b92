// Page-aligned buffers for O_DIRECT writes. Node has no aligned allocation, and O_DIRECT needs
// the user buffer aligned to the device's logical block (EINVAL otherwise). A WebAssembly
// memory's backing store is reserved page by page by V8, so its start is page-aligned: slices of
// it at multiples of 4 KiB are too. A small pool, because a few writes may be in flight.
export const ALIGNMENT = 4096;

// The WebAssembly global, typed just as far as we use it (the Node types leave it out here).
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly;

export class AlignedBufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly slotBytes: number,
    slots: number,
  ) {
    if (slotBytes % 65536 !== 0) throw new RangeError('slot size must be a multiple of 64 KiB');
    const memory = new Memory({ initial: (slotBytes * slots) / 65536 });
    const all = Buffer.from(memory.buffer);
    for (let i = 0; i < slots; i += 1) this.free.push(all.subarray(i * slotBytes, (i + 1) * slotBytes));
  }

  /** A free slot, or null when all are in use (the caller then writes the slow way). */
  acquire(): Buffer | null {
    return this.free.pop() ?? null;
  }

  release(slot: Buffer): void {
    this.free.push(slot);
  }
}
