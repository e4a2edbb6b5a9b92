import { describe, expect, it } from 'vitest';
import { ProgressMeter, type ProgressSnapshot } from './progressMeter';

describe('ProgressMeter', () => {
  it('throttles to 10 events a second, measures speed and ETA, and always reports the end', () => {
    let now = 0;
    const events: ProgressSnapshot[] = [];
    const meter = new ProgressMeter(100e6, (s) => events.push(s), () => now);
    meter.enter('copy');
    for (let i = 0; i < 100; i += 1) {
      now += 10; // 1 MB every 10 ms = 100 MB/s
      meter.advance(1e6);
    }
    expect(events.length).toBeLessThanOrEqual(12);
    const last = events.at(-1);
    expect(last).toMatchObject({ phase: 'copy', bytesDone: 100e6, bytesTotal: 100e6, eta: 0 });
    const middle = events[5];
    expect(middle?.speed).toBeGreaterThan(90e6);
    expect(middle?.speed).toBeLessThan(110e6);
    expect(middle?.eta).toBeGreaterThan(0);
    for (let i = 1; i < events.length; i += 1) expect(events[i]?.bytesDone).toBeGreaterThanOrEqual(events[i - 1]?.bytesDone ?? 0);
  });

  it('never goes past the total or backwards', () => {
    const events: ProgressSnapshot[] = [];
    let now = 0;
    const meter = new ProgressMeter(10, (s) => events.push(s), () => (now += 200));
    meter.set(8);
    meter.set(3);
    meter.advance(50);
    expect(events.map((e) => e.bytesDone)).toEqual([8, 10]);
  });
});
