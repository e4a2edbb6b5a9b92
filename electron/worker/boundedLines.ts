// The worker's stdin, as lines of at most `maxBytes` bytes each. A longer line is never held in
// memory: it is reported as TOO_LONG once and skipped up to its newline. Whatever the parent
// sends (or fails to send), the worker's memory stays bounded.
export const TOO_LONG = Symbol('line too long');

export async function* boundedLines(input: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<string | typeof TOO_LONG, void, undefined> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Inside a line already reported as too long: drop bytes up to its newline. */
  let skipping = false;
  const take = (): string => {
    const line = Buffer.concat(pending).toString('utf8');
    pending = [];
    pendingBytes = 0;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  for await (const raw of input) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    for (;;) {
      const newline = chunk.indexOf(0x0a);
      const head = newline < 0 ? chunk : chunk.subarray(0, newline);
      if (!skipping) {
        if (pendingBytes + head.length > maxBytes) {
          pending = [];
          pendingBytes = 0;
          skipping = newline < 0;
          yield TOO_LONG;
        } else {
          pending.push(head);
          pendingBytes += head.length;
          if (newline >= 0) yield take();
        }
      } else if (newline >= 0) {
        skipping = false;
      }
      if (newline < 0) break;
      chunk = chunk.subarray(newline + 1);
    }
  }
  // A last line without its newline still counts.
  if (!skipping && pendingBytes > 0) yield take();
}
