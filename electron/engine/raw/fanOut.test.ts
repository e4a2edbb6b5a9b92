import { describe, expect, it } from 'vitest';
import { FanOut } from './fanOut';
import { RawMeter } from './rawProgress';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('FanOut', () => {
  it('every consumer gets every chunk, in order', async () => {
    const fan = new FanOut<number>(3, 2);
    const got: number[][] = [[], [], []];
    const consumers = got.map(async (list, i) => {
      for (let item = await fan.next(i); item !== null; item = await fan.next(i)) list.push(item);
    });
    for (let i = 0; i < 20; i += 1) await fan.push(i);
    fan.end();
    await Promise.all(consumers);
    for (const list of got) expect(list).toEqual([...Array(20).keys()]);
    expect(fan.highWater).toBeLessThanOrEqual(2);
  });

  it('a slow consumer holds the reader back only once maxAhead chunks wait for it', async () => {
    const fan = new FanOut<number>(2, 3);
    let pushed = 0;
    const reader = (async () => {
      for (let i = 0; i < 10; i += 1) {
        await fan.push(i);
        pushed += 1;
      }
      fan.end();
    })();
    // Consumer 0 is fast, consumer 1 takes nothing yet.
    const fast = (async () => {
      while ((await fan.next(0)) !== null);
    })();
    for (let i = 0; i < 10; i += 1) await tick();
    // Three chunks queued for the slow one: the third push waits.
    expect(pushed).toBe(2);
    expect(fan.highWater).toBe(3);
    // The slow one takes one: the reader goes one further.
    expect(await fan.next(1)).toBe(0);
    for (let i = 0; i < 5; i += 1) await tick();
    expect(pushed).toBe(3);
    while ((await fan.next(1)) !== null);
    await Promise.all([reader, fast]);
    expect(pushed).toBe(10);
  });

  it('a dropped consumer no longer holds the reader back; the others still get everything', async () => {
    const fan = new FanOut<number>(2, 2);
    const got: number[] = [];
    const reader = (async () => {
      for (let i = 0; i < 10; i += 1) await fan.push(i);
      fan.end();
    })();
    const healthy = (async () => {
      for (let item = await fan.next(0); item !== null; item = await fan.next(0)) got.push(item);
    })();
    await fan.next(1);
    const discarded: number[] = [];
    fan.onDiscard = (item) => discarded.push(item);
    fan.drop(1);
    expect(await fan.next(1)).toBeNull();
    await Promise.all([reader, healthy]);
    expect(got).toEqual([...Array(10).keys()]);
    expect(fan.liveCount).toBe(1);
    // What it had queued was handed back (to return the chunks to their pool).
    expect(discarded.length).toBeGreaterThan(0);
  });

  it('with every consumer dropped, push says stop', async () => {
    const fan = new FanOut<number>(2, 1);
    fan.drop(0);
    fan.drop(1);
    expect(await fan.push(1)).toBe(false);
  });

  it('ends: consumers drain what is queued, then get null', async () => {
    const fan = new FanOut<string>(1, 4);
    await fan.push('a');
    await fan.push('b');
    fan.end();
    expect([await fan.next(0), await fan.next(0), await fan.next(0)]).toEqual(['a', 'b', null]);
  });
});

describe('RawMeter', () => {
  it('known total: percent figures, speed and an ETA', () => {
    let now = 0;
    const seen: Array<{ bytesDone: number; bytesTotal: number; speed: number; eta: number | null }> = [];
    const meter = new RawMeter(1000, (p) => seen.push(p), () => now);
    meter.enter('copy', 1000);
    now = 1000;
    meter.set(100);
    now = 2000;
    meter.set(200);
    expect(seen.at(-1)).toMatchObject({ bytesDone: 200, bytesTotal: 1000, speed: 100, eta: 8 });
  });

  it('unknown total: bytesTotal 0 and the ETA from the compressed fraction read', () => {
    let now = 0;
    const seen: Array<{ bytesTotal: number; eta: number | null }> = [];
    const meter = new RawMeter(null, (p) => seen.push(p), () => now);
    meter.enter('copy', null);
    now = 10_000;
    meter.set(5000, 0.25);
    expect(seen.at(-1)).toMatchObject({ bytesTotal: 0, eta: 30 });
  });
});
