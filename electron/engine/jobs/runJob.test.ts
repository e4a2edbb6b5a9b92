// The job runner's envelope without a write (those need root and fixtures: e2e/worker.test.ts).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkerEvent } from '../../../shared/contract/events';
import type { Job } from '../../../shared/contract/job';
import { runJob } from './runJob';

const writeJob = (target: string): Job => ({
  v: 1,
  id: 'unit-1',
  kind: 'write',
  isoPath: '/nonexistent/image.iso',
  target,
  expectedSize: 2 ** 30,
  options: { fs: 'ext4', overlaySize: 0, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' },
  verify: true,
});

async function run(job: Job, signal = new AbortController().signal) {
  const events: WorkerEvent[] = [];
  const code = await runJob(job, (e) => events.push(e), signal);
  return { code, events };
}

describe('runJob (write)', () => {
  it('a missing target is never created: TARGET_NOT_FOUND in the preflight, exit 4', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-runjob-'));
    try {
      const { code, events } = await run(writeJob(path.join(dir, 'stick.img')));
      expect(code).toBe(4);
      expect(events.map((e) => e.type)).toEqual(['phase', 'error']);
      expect(events[1]).toMatchObject({ v: 1, jobId: 'unit-1', type: 'error', phase: 'preflight', error: { code: 'TARGET_NOT_FOUND', data: { targetTouched: false } } });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancelled before it starts: one CANCELLED error saying nothing was written, exit 130', async () => {
    const abort = new AbortController();
    abort.abort();
    const { code, events } = await run(writeJob('/nonexistent/stick.img'), abort.signal);
    expect(code).toBe(130);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', phase: null, error: { code: 'CANCELLED', data: { targetTouched: false } } });
    expect((events[0] as Extract<WorkerEvent, { type: 'error' }>).error.message).toMatch(/nothing was written to \/nonexistent\/stick\.img/);
  });
});

describe('runJob (multi-image)', () => {
  it('an add to a stick that is gone: TARGET_NOT_FOUND in the preflight, nothing made, exit 4', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-runjob-'));
    try {
      const job: Job = { v: 1, id: 'unit-2', kind: 'add-image', isoPath: '/nonexistent/two.iso', stick: path.join(dir, 'stick.img'), expectedSize: 2 ** 30, overlaySize: 0, homeSize: 0 };
      const { code, events } = await run(job);
      expect(code).toBe(4);
      expect(events.map((e) => e.type)).toEqual(['phase', 'error']);
      expect(events[1]).toMatchObject({ jobId: 'unit-2', type: 'error', phase: 'preflight', error: { code: 'TARGET_NOT_FOUND' } });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a remove from a stick of another size than chosen: TARGET_CHANGED before anything is read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-runjob-'));
    try {
      const stick = path.join(dir, 'stick.img');
      writeFileSync(stick, Buffer.alloc(4096));
      const { code, events } = await run({ v: 1, id: 'unit-3', kind: 'remove-image', stick, expectedSize: 2 ** 30, dir: 'ab12', liveUuid: null });
      expect(code).toBe(4);
      expect(events).toEqual([expect.objectContaining({ type: 'error', phase: null, error: expect.objectContaining({ code: 'TARGET_CHANGED', data: expect.objectContaining({ expectedSize: 2 ** 30, size: 4096 }) }) })]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runJob (raw mode and restore)', () => {
  it('write-raw and restore refuse a target of another size than the one chosen (a swapped stick): TARGET_CHANGED, nothing written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-runjob-'));
    try {
      const image = path.join(dir, 'image.img');
      const stick = path.join(dir, 'stick.img');
      writeFileSync(image, Buffer.alloc(64 * 1024, 0x5a));
      const before = Buffer.alloc(2 ** 20, 0x11);
      writeFileSync(stick, before);
      truncateSync(stick, 128 * 2 ** 20); // large enough for a FAT32 restore; sparse
      const raw: Job = { v: 1, id: 'unit-raw', kind: 'write-raw', imagePath: image, target: stick, expectedSize: 256 * 2 ** 20, verify: true };
      const restore: Job = { v: 1, id: 'unit-restore', kind: 'restore', target: stick, expectedSize: 256 * 2 ** 20, fs: 'fat32', label: 'STICK' };
      for (const job of [raw, restore]) {
        const { code, events } = await run(job);
        expect(code).toBe(4);
        expect(events.map((e) => e.type)).toEqual(['phase', 'error']);
        expect(events[1]).toMatchObject({ jobId: job.id, type: 'error', phase: 'preflight', error: { code: 'TARGET_CHANGED', data: { expectedSize: 256 * 2 ** 20, size: 128 * 2 ** 20 } } });
        expect(readFileSync(stick).subarray(0, 2 ** 20).equals(before)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing target is never created by either job', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-runjob-'));
    try {
      const image = path.join(dir, 'image.img');
      writeFileSync(image, Buffer.alloc(4096));
      const target = path.join(dir, 'stick.img');
      const jobs: Job[] = [
        { v: 1, id: 'unit-raw', kind: 'write-raw', imagePath: image, target, expectedSize: 2 ** 21, verify: true },
        { v: 1, id: 'unit-restore', kind: 'restore', target, expectedSize: 2 ** 21, fs: 'exfat', label: 'Data' },
      ];
      for (const job of jobs) {
        const { code, events } = await run(job);
        expect(code).toBe(4);
        expect(events[1]).toMatchObject({ type: 'error', error: { code: 'TARGET_NOT_FOUND', data: { targetTouched: false } } });
      }
      expect(readdirSync(dir)).toEqual(['image.img']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
