// The fault suite, part 3: the write is interrupted (style-security.md B.5).
//
// T20 — cancel in each phase: SIGINT or SIGTERM to the CLI, or the worker's cancel line, sent as
// the phase starts. The target is a loop device over a slowed FUSE file (faultfs.py with a delay
// per read and write), so each phase is still running when the cancel arrives. Expected:
// CANCELLED (exit 130) naming the phase, the stick reported incomplete with no partition table
// (or, cancelled in preflight, untouched), and nothing left behind.
//
// T13 — the commit point: kill -9 of the CLI or the worker mid-write (nothing of ours runs after
// it) leaves no partition table: the stick is blank, never half-made.
//
// T21 — the app dies: the worker's stdin is closed, or its parent is killed with SIGKILL; the
// worker stops within seconds, no process of it remains, the stick is blank.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { WorkerEvent } from '../shared/contract/events';
import {
  alive,
  attachLoop,
  bystander,
  cliWrite,
  detachLoop,
  expectBlank,
  expectError,
  expectNothingLeft,
  GiB,
  loopsOver,
  mountFaultFs,
  oldStick,
  phasesOf,
  processesMentioning,
  runWorker,
  sha256,
  sleep,
  stagingDir,
  useFaultSuite,
  writeJob,
  MiB,
  type FaultFs,
  type Run,
  type Suite,
} from './faults/harness';

const suite = useFaultSuite('sw-faults-interrupt-');

const DELAY_MS: Readonly<Record<string, number>> = { preflight: 2, partition: 5, format: 2, copy: 2, boot: 5, flush: 10, verify: 5 };

let sticks = 0;

interface SlowStick {
  readonly backing: string;
  readonly device: string;
  readonly fuse: FaultFs;
  readonly staging: string;
  readonly headBefore: string;
  readonly other: Awaited<ReturnType<typeof bystander>>;
  done(): Promise<void>;
}

/** An old stick (a partition table, random bytes) behind a loop device over a slowed FUSE file. */
async function slowStick(s: Suite, name: string, delayMs: number): Promise<SlowStick> {
  const backing = oldStick(path.join(s.scratch, `${name}-${++sticks}.img`), GiB);
  const headBefore = await sha256(backing, 16 * MiB);
  const fuse = await mountFaultFs(s.scratch, { 'stick.img': backing });
  fuse.delay(delayMs);
  const device = attachLoop(fuse.file('stick.img'));
  const other = await bystander(s.scratch);
  return {
    backing,
    device,
    fuse,
    staging: stagingDir(s.scratch),
    headBefore,
    other,
    done: async () => {
      detachLoop(device);
      for (const loop of loopsOver(device)) detachLoop(loop);
      for (let i = 0; i < 50 && loopsOver(fuse.file('stick.img')).length; i++) await sleep(100);
      await fuse.unmount();
      other.remove();
    },
  };
}

/** The end state after an interrupted write: nothing written (preflight) or no partition table. */
async function expectKnownEndState(stick: SlowStick, touched: boolean): Promise<void> {
  if (touched) expectBlank(stick.backing);
  else expect(await sha256(stick.backing, 16 * MiB), 'cancelled in preflight: the old stick is untouched').toBe(stick.headBefore);
  await stick.other.check();
}

function expectCancelled(r: Run, phase: string, sentAt: number): void {
  const error = expectError(r, 'CANCELLED', 130);
  expect(r.endedAt - sentAt, `ms from the cancel to the exit: ${r.why}`).toBeLessThan(10_000);
  expect(error.phase, r.why).toBe(phase);
  expect(phasesOf(r).at(-1), r.why).toBe(phase);
  if (phase === 'preflight') {
    expect(error.error.data.targetTouched, r.why).toBe(false);
    expect(error.error.message, r.why).toMatch(/nothing was written/);
  } else {
    expect(error.error.data.targetTouched, r.why).toBe(true);
    expect(error.error.message, r.why).toMatch(/no partition table/);
    expect(error.error.message, r.why).toMatch(/written again/);
  }
}

type Via = 'SIGINT' | 'SIGTERM' | 'cancel-line';

const T20: Array<[string, Via]> = [
  ['preflight', 'SIGTERM'],
  ['partition', 'SIGINT'],
  ['format', 'SIGTERM'],
  ['copy', 'SIGINT'],
  ['boot', 'SIGTERM'],
  ['flush', 'SIGINT'],
  ['verify', 'SIGTERM'],
  ['format', 'cancel-line'],
  ['flush', 'cancel-line'],
  ['verify', 'cancel-line'],
];

describe('T20: cancel in each phase', () => {
  for (const [phase, via] of T20) {
    const who = via === 'cancel-line' ? 'the worker\'s cancel line' : `${via} to the CLI`;
    it(`${who} as ${phase} starts: CANCELLED (130) in ${phase}, the stick ${phase === 'preflight' ? 'untouched' : 'blank'}, nothing left`, async () => {
      const s = suite();
      const stick = await slowStick(s, `cancel-${phase}-${via}`, DELAY_MS[phase] ?? 2);
      try {
        let sentAt = 0;
        const onEvent = (event: WorkerEvent, child: ReturnType<typeof spawn>) => {
          if (sentAt !== 0 || event.type !== 'phase' || event.phase !== phase) return;
          sentAt = performance.now();
          if (via === 'cancel-line') child.stdin?.write('{"v":1,"type":"cancel"}\n');
          else child.kill(via);
        };
        const env = { STICKWRIGHT_STAGING: stick.staging };
        const r = via === 'cancel-line' ? await runWorker(s, writeJob(s, stick.device, `cancel-${phase}`, GiB), { env, onEvent }) : await cliWrite(s, s.iso, stick.device, ['--fs', 'ext4'], { env, onEvent });
        expect(sentAt, `the ${phase} phase never started: ${r.why}`).toBeGreaterThan(0);
        expectCancelled(r, phase, sentAt);
        const reason = via === 'cancel-line' ? 'cancel requested' : via;
        expect(r.events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.startsWith(reason)), r.why).toBe(true);
        await expectKnownEndState(stick, phase !== 'preflight');
        await expectNothingLeft(stick.device, stick.staging, [s.cli, s.worker]);
      } finally {
        await stick.done();
      }
    });
  }
});

describe('T13: kill -9 mid-write leaves no partition table', () => {
  const cases: Array<[string, 'cli' | 'worker', string]> = [
    ['the CLI, mid-copy', 'cli', 'copy'],
    ['the worker, mid-copy', 'worker', 'copy'],
    ['the CLI while mke2fs runs (format)', 'cli', 'format'],
    ['the worker during verify (fsck)', 'worker', 'verify'],
  ];
  for (const [name, who, phase] of cases) {
    it(`${name}: blank (sfdisk, blkid -p), also once its orphans have finished`, async () => {
      const s = suite();
      const stick = await slowStick(s, `kill9-${who}-${phase}`, DELAY_MS[phase] ?? 2);
      try {
        let sentAt = 0;
        const onEvent = (event: WorkerEvent, child: ReturnType<typeof spawn>) => {
          if (sentAt !== 0 || event.type !== 'phase' || event.phase !== phase) return;
          sentAt = performance.now();
          // A moment into the phase, so it has really begun writing.
          setTimeout(() => child.kill('SIGKILL'), 150);
        };
        const env = { STICKWRIGHT_STAGING: stick.staging };
        const r = who === 'worker' ? await runWorker(s, writeJob(s, stick.device, `kill-${phase}`, GiB), { env, onEvent }) : await cliWrite(s, s.iso, stick.device, ['--fs', 'ext4'], { env, onEvent });
        expect(sentAt, `the ${phase} phase never started: ${r.why}`).toBeGreaterThan(0);
        expect(r.signal, r.why).toBe('SIGKILL');
        expect(r.events.some((e) => e.type === 'result' || e.type === 'error'), r.why).toBe(false);
        expect(phasesOf(r).at(-1), r.why).toBe(phase);
        // Children of the killed process (mke2fs, fsck) are orphans that run to their end; the
        // stick must be blank then too. kill -9 runs none of our cleanup: a loop device the engine
        // had attached stays, and is detached here (slowStick's done).
        for (let i = 0; i < 100 && processesMentioning(stick.staging).length + processesMentioning('/dev/loop').filter((p) => /e2fsck|mke2fs|fsck/.test(p)).length; i++) await sleep(100);
        await expectKnownEndState(stick, true);
      } finally {
        await stick.done();
      }
    });
  }
});

describe('T21: the app dies', () => {
  it('the worker\'s stdin is closed during verify: CANCELLED within 10 s, blank, nothing left', async () => {
    const s = suite();
    const stick = await slowStick(s, 'eof-verify', DELAY_MS.verify ?? 5);
    try {
      let sentAt = 0;
      const r = await runWorker(s, writeJob(s, stick.device, 'eof-verify', GiB), {
        env: { STICKWRIGHT_STAGING: stick.staging },
        onEvent: (event, child) => {
          if (sentAt === 0 && event.type === 'phase' && event.phase === 'verify') {
            sentAt = performance.now();
            child.stdin?.end();
          }
        },
      });
      expect(sentAt, r.why).toBeGreaterThan(0);
      expectCancelled(r, 'verify', sentAt);
      expect(r.events.some((e) => e.type === 'log' && /stdin closed/.test(e.message)), r.why).toBe(true);
      await expectKnownEndState(stick, true);
      await expectNothingLeft(stick.device, stick.staging, [s.worker]);
    } finally {
      await stick.done();
    }
  });

  for (const phase of ['format', 'copy']) {
    it(`the worker's parent is killed (SIGKILL) during ${phase}: the worker stops within 10 s, no process remains, blank`, async () => {
      const s = suite();
      const stick = await slowStick(s, `parent-${phase}`, DELAY_MS[phase] ?? 2);
      try {
        // A stand-in for Electron main: starts the worker with pipes, sends the job, relays the
        // worker's events to its own stdout after a first line with the worker's pid.
        const parentScript = `
          const { spawn } = require('node:child_process');
          const worker = spawn(process.execPath, [${JSON.stringify(s.worker)}], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
          process.stdout.write(JSON.stringify({ workerPid: worker.pid }) + '\\n');
          worker.stdin.write(${JSON.stringify(JSON.stringify(writeJob(s, stick.device, `parent-${phase}`, GiB)))} + '\\n');
          worker.stdout.pipe(process.stdout);
        `;
        const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STICKWRIGHT_STAGING: stick.staging } });
        let workerPid = 0;
        let killedAt = 0;
        let out = '';
        let pending = '';
        const parentGone = new Promise<void>((resolve) => parent.on('close', () => resolve()));
        parent.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          pending += chunk.toString();
          let newline: number;
          while ((newline = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            const parsed = JSON.parse(line) as { workerPid?: number; type?: string; phase?: string };
            if (parsed.workerPid) workerPid = parsed.workerPid;
            if (killedAt === 0 && parsed.type === 'phase' && parsed.phase === phase) {
              killedAt = performance.now();
              parent.kill('SIGKILL');
            }
          }
        });
        await parentGone;
        const why = `parent saw:\n${out.split('\n').filter((l) => !l.includes('progress')).join('\n')}`;
        expect(workerPid, why).toBeGreaterThan(0);
        expect(killedAt, `the ${phase} phase never started: ${why}`).toBeGreaterThan(0);
        while (alive(workerPid) && performance.now() - killedAt < 15_000) await sleep(50);
        expect(alive(workerPid), `the worker (pid ${workerPid}) still runs ${Math.round(performance.now() - killedAt)} ms after its parent died`).toBe(false);
        expect(performance.now() - killedAt, 'ms from the parent\'s death to the worker\'s').toBeLessThan(10_000);
        await expectKnownEndState(stick, true);
        await expectNothingLeft(stick.device, stick.staging, [s.worker]);
      } finally {
        await stick.done();
      }
    });
  }
});
