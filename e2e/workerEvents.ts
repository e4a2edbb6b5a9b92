// Reads a worker's or the CLI's `--json` stdout as it arrives: every line that is a WorkerEvent,
// and the lines that are not (which a test expects to be none).
import type { ChildProcess } from 'node:child_process';
import { WorkerEvent } from '../shared/contract/events';

export interface EventStream {
  /** Everything the child printed on stdout so far. */
  readonly stdout: () => string;
  readonly events: WorkerEvent[];
  readonly garbage: string[];
}

export function readEvents<C extends ChildProcess>(child: C, onEvent?: (event: WorkerEvent, child: C) => void): EventStream {
  let stdout = '';
  let pending = '';
  const events: WorkerEvent[] = [];
  const garbage: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stdout += text;
    pending += text;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      const event = WorkerEvent.safeParse(parsed);
      if (!event.success) {
        garbage.push(line);
        continue;
      }
      events.push(event.data);
      onEvent?.(event.data, child);
    }
  });
  child.stdout?.on('error', () => undefined);
  return { stdout: () => stdout, events, garbage };
}
