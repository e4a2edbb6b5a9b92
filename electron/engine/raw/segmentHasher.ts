// SHA-256 of the decompressed image, 32 MiB segment by segment, on a worker thread: the chunks
// lie in shared memory (a shared WebAssembly memory, page-aligned for O_DIRECT), so the hasher
// reads the same bytes the targets write — no copy — while the main thread goes on reading
// and handing out. Each chunk is reported hashed (its slot may then be reused); each segment's
// digest comes back when it is closed.
import { Worker } from 'node:worker_threads';

// Plain CommonJS for an eval'd worker (the bundle has no separate file to start).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const memory = Buffer.from(workerData.memory);
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'chunk') {
    let hash = hashes.get(m.segment);
    if (!hash) hashes.set(m.segment, (hash = createHash('sha256')));
    hash.update(memory.subarray(m.at, m.at + m.length));
    parentPort.postMessage({ type: 'hashed', id: m.id });
  } else if (m.type === 'end') {
    const hash = hashes.get(m.segment) || createHash('sha256');
    hashes.delete(m.segment);
    parentPort.postMessage({ type: 'digest', segment: m.segment, digest: hash.digest() });
  }
});
`;

export class SegmentHasher {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly hashed = new Map<number, () => void>();
  private readonly digests = new Map<number, { resolve: (digest: Buffer) => void; reject: (error: Error) => void }>();
  private failure: Error | null = null;

  constructor(private readonly memory: SharedArrayBuffer) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory } });
    this.worker.unref();
    this.worker.on('message', (m: { type: 'hashed'; id: number } | { type: 'digest'; segment: number; digest: Uint8Array }) => {
      if (m.type === 'hashed') {
        const done = this.hashed.get(m.id);
        this.hashed.delete(m.id);
        done?.();
      } else {
        const waiter = this.digests.get(m.segment);
        this.digests.delete(m.segment);
        waiter?.resolve(Buffer.from(m.digest));
      }
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiter of this.digests.values()) waiter.reject(error);
      this.digests.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the hashing thread stopped (exit ${code})`)));
  }

  /** Hashes `chunk` (a view into the shared memory) into `segment`; `onHashed` once it is read. */
  add(segment: number, chunk: Buffer, onHashed: () => void): void {
    if (chunk.buffer !== this.memory) throw new Error('a chunk outside the shared memory');
    const id = this.nextId++;
    this.hashed.set(id, onHashed);
    this.worker.postMessage({ type: 'chunk', id, segment, at: chunk.byteOffset, length: chunk.length });
  }

  /** Closes `segment`: its SHA-256, once every chunk added to it is hashed. */
  finish(segment: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.digests.set(segment, { resolve, reject });
      this.worker.postMessage({ type: 'end', segment });
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
