// One reader, N writers: every chunk the source yields goes to every live consumer, in order.
// The reader may run ahead of the slowest consumer by at most `maxAhead` chunks (the bounded
// buffer: chunks are shared, not copied, so memory is maxAhead × chunk size however many targets
// there are); a slow target slows only the shared read, and only once the buffer is full. A
// consumer that fails is dropped: its queue is let go and it never holds the others back again.
// Pure (no I/O): the raw writer and its unit tests drive it.

interface Consumer<T> {
  readonly queue: T[];
  live: boolean;
  /** A consumer waiting in next() for the next chunk. */
  wake: (() => void) | null;
}

export class FanOut<T> {
  private readonly consumers: Consumer<T>[];
  private ended = false;
  /** The producer waiting in push() for room. */
  private wakeProducer: (() => void) | null = null;
  /** The most chunks any consumer has had queued at once (for tests and the bench). */
  highWater = 0;
  /** Called for each queued chunk a dropped consumer will never take (to give it back). */
  onDiscard: ((item: T) => void) | null = null;

  constructor(
    consumerCount: number,
    readonly maxAhead: number,
  ) {
    if (maxAhead < 1) throw new RangeError('maxAhead must be at least 1');
    this.consumers = Array.from({ length: consumerCount }, () => ({ queue: [], live: true, wake: null }));
  }

  /** How many consumers are still taking chunks. */
  get liveCount(): number {
    return this.consumers.filter((c) => c.live).length;
  }

  /**
   * Hands `item` to every live consumer, then waits while any of them has `maxAhead` or more
   * chunks queued. False when no consumer is left (the reader can stop).
   */
  async push(item: T): Promise<boolean> {
    if (this.ended) throw new Error('push after end');
    let any = false;
    for (const c of this.consumers) {
      if (!c.live) continue;
      any = true;
      c.queue.push(item);
      this.highWater = Math.max(this.highWater, c.queue.length);
      this.wakeConsumer(c);
    }
    if (!any) return false;
    while (this.consumers.some((c) => c.live && c.queue.length >= this.maxAhead)) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    }
    return this.liveCount > 0;
  }

  /** No more chunks: consumers drain what they have, then get null. */
  end(): void {
    this.ended = true;
    for (const c of this.consumers) this.wakeConsumer(c);
  }

  /** The next chunk for consumer `index`, or null once the source ended (or it was dropped). */
  async next(index: number): Promise<T | null> {
    const c = this.consumer(index);
    for (;;) {
      if (!c.live) return null;
      if (c.queue.length) {
        const item = c.queue.shift() as T;
        this.wakeWaitingProducer();
        return item;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => (c.wake = resolve));
    }
  }

  /** Consumer `index` failed: its chunks are let go and it no longer holds the reader back. */
  drop(index: number): void {
    const c = this.consumer(index);
    c.live = false;
    for (const item of c.queue.splice(0)) this.onDiscard?.(item);
    this.wakeConsumer(c);
    this.wakeWaitingProducer();
  }

  private consumer(index: number): Consumer<T> {
    const c = this.consumers[index];
    if (!c) throw new RangeError(`no consumer ${index}`);
    return c;
  }

  private wakeConsumer(c: Consumer<T>): void {
    const wake = c.wake;
    c.wake = null;
    wake?.();
  }

  private wakeWaitingProducer(): void {
    const wake = this.wakeProducer;
    this.wakeProducer = null;
    wake?.();
  }
}
