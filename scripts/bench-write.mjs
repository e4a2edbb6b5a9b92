// The write part of `npm run bench` (docs/PERFORMANCE.md, "write"): on one loop device over a
// sparse image file, `dd` of the ISO vs full `stickwright write` runs, and the same write with
// overlay + home at 512 MiB vs 4 GiB per filesystem. The ISO is the `liveos-big` fixture
// (the demo live ISO + 1.5 GiB of incompressible data in /LiveOS). Root only: it attaches a loop
// device (losetup -f, never a fixed number) and always detaches it, also on failure or Ctrl-C.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir, cpus, totalmem, release } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const DEVICE_SIZE = '12G';
let CLI = 'dist/cli.js';

/** What is timed. `group` says which table a job belongs to; f2fs jobs may run fewer rounds. */
export const WRITE_JOBS = [
  { id: 'dd', kind: 'dd', group: 'full', label: 'dd (oflag=direct, 4 MiB blocks)' },
  { id: 'ext4-full', fs: 'ext4', overlay: '4G', home: '2G', group: 'full' },
  { id: 'vfat-full', fs: 'vfat', overlay: '2G', home: '1G', group: 'full' },
  { id: 'f2fs-full', fs: 'f2fs', overlay: '4G', home: '2G', group: 'full' },
  { id: 'ext4-small', fs: 'ext4', overlay: '512M', home: '512M', group: 'size', size: 'small' },
  { id: 'ext4-big', fs: 'ext4', overlay: '4G', home: '4G', group: 'size', size: 'big' },
  { id: 'vfat-small', fs: 'vfat', overlay: '512M', home: '512M', group: 'size', size: 'small' },
  // vfat holds files below 4 GiB only (VFAT_FILE_TOO_LARGE): 4095 MiB is the largest it takes.
  { id: 'vfat-big', fs: 'vfat', overlay: '4095M', home: '4095M', group: 'size', size: 'big' },
  { id: 'f2fs-small', fs: 'f2fs', overlay: '512M', home: '512M', group: 'size', size: 'small' },
  { id: 'f2fs-big', fs: 'f2fs', overlay: '4G', home: '4G', group: 'size', size: 'big' },
].map((job) => ({ ...job, label: job.label ?? `stickwright write ${job.fs}, overlay ${job.overlay}, home ${job.home}` }));

// name#2: a phase the writer enters a second time (the ext4 path did: copy, format, copy).
const PHASES = ['startup', 'preflight', 'partition', 'copy', 'format', 'copy#2', 'persist', 'boot', 'flush', 'verify', 'exit'];
/** Phases whose time does not grow with the image: what is left is moving the data (and, for
 *  ext4, making the filesystem; for F2FS, sload.f2fs). */
const FIXED_PHASES = ['startup', 'preflight', 'partition', 'boot', 'verify', 'exit'];
const TARGET_FULL = 1.1;
const TARGET_SIZE = 1.2;

export function median(values) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts }).trim();
const tryText = (fn) => {
  try {
    return fn();
  } catch {
    return '?';
  }
};
const secs = (ms) => (ms / 1000).toFixed(2);
const mib = (bytes) => `${Math.round(bytes / MiB)} MiB`;

/** Empty the page cache so every run reads the ISO from disk, then warm what is not the ISO
 *  (node and the bundle, ~100 MB), so a run measures writing, not loading node from disk. */
function coldStart() {
  execFileSync('sh', ['-c', 'sync && echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
  execFileSync(process.execPath, [CLI, '--version'], { stdio: 'ignore' });
  execFileSync('dd', ['--version'], { stdio: 'ignore' });
}

// --- the loop device -----------------------------------------------------------------------
const attached = new Set();
let exitHook = false;
function attachLoop(image, dio) {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const dev of attached) tryText(() => sh('losetup', ['-d', dev]));
    });
  }
  const dev = sh('losetup', [`--direct-io=${dio}`, '-f', '--show', image]);
  if (!/^\/dev\/loop\d+$/.test(dev)) throw new Error(`losetup answered "${dev}"`);
  attached.add(dev);
  const actual = tryText(() => readFileSync(`/sys/block/${path.basename(dev)}/loop/dio`, 'utf8').trim());
  return { dev, dio: actual === '1' ? 'on' : actual === '0' ? 'off' : '?' };
}
function detachLoop(dev) {
  if (!attached.delete(dev)) return;
  // udev may still be probing after the last close; retry briefly instead of leaving it attached.
  for (let i = 0; ; i += 1) {
    try {
      sh('losetup', ['-d', dev]);
      return;
    } catch (error) {
      if (i >= 10) throw error;
      execFileSync('sleep', ['0.3']);
    }
  }
}

// --- one run ---------------------------------------------------------------------------------
let current = null;
let interrupted = null;

function runChild(cmd, args, onLine) {
  return new Promise((resolve, reject) => {
    if (interrupted) return reject(new Error(`interrupted (${interrupted})`));
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    const lines = [];
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      const t = performance.now() - start;
      lines.push(line);
      onLine?.(line, t);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      current = null;
      const wall = performance.now() - start;
      if (interrupted) return reject(new Error(`interrupted (${interrupted})`));
      if (code !== 0) {
        const tail = lines.slice(-3).join('\n');
        return reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})\n${stderr}${tail}`));
      }
      resolve({ wall });
    });
  });
}

/** Bytes written to the device so far (/sys/block/X/stat, sectors written): the writer's own
 *  loop devices over partitions write through to it, so this counts everything. */
function bytesWritten(dev) {
  const fields = readFileSync(`/sys/block/${path.basename(dev)}/stat`, 'utf8').trim().split(/\s+/);
  return Number(fields[6]) * 512;
}

async function runDd(iso, dev) {
  coldStart();
  const before = bytesWritten(dev);
  const { wall } = await runChild('dd', [`if=${iso}`, `of=${dev}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none']);
  return { wall, phases: {}, written: bytesWritten(dev) - before };
}

async function runWrite(iso, dev, job) {
  coldStart();
  const before = bytesWritten(dev);
  const marks = [];
  let result = null;
  let resultAt = null;
  let error = null;
  const { wall } = await runChild(
    process.execPath,
    [CLI, 'write', '--iso', iso, '--target', dev, '--fs', job.fs, '--overlay', job.overlay, '--home', job.home, '--yes', '--json'],
    (line, t) => {
      let ev;
      try {
        ev = JSON.parse(line);
      } catch {
        return;
      }
      if (ev.type === 'phase') marks.push({ phase: ev.phase, t });
      else if (ev.type === 'result') {
        result = ev.value;
        resultAt = t;
      } else if (ev.type === 'error') error = ev.error;
    },
  ).catch((e) => {
    throw error ? new Error(`${job.id}: ${error.code}: ${error.message ?? error.detail ?? ''}\n${e.message}`) : e;
  });
  if (!result || resultAt === null || !marks.length) throw new Error(`${job.id}: no result event`);
  // A phase lasts until the next phase event; a phase entered again is counted as name#2 (ext4's
  // copy after format). verify also holds the commit (partition table + GRUB boot code + flush),
  // which has no event of its own.
  const phases = { startup: marks[0].t, exit: wall - resultAt };
  marks.forEach((m, i) => {
    const end = i + 1 < marks.length ? marks[i + 1].t : resultAt;
    let key = m.phase;
    for (let n = 2; key in phases; n += 1) key = `${m.phase}#${n}`;
    phases[key] = end - m.t;
  });
  return { wall, phases, engineMs: result.elapsedMs, written: bytesWritten(dev) - before };
}

/** Fisher–Yates with mulberry32. */
function shuffled(items, seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// --- the whole bench -------------------------------------------------------------------------
function environment(iso, imageDir) {
  const mount = tryText(() => sh('findmnt', ['-n', '-o', 'SOURCE,FSTYPE', '-T', imageDir]));
  const cpu = cpus()[0]?.model ?? '?';
  return {
    date: new Date().toISOString(),
    kernel: release(),
    cpus: `${cpus().length} × ${cpu}`,
    memory: `${(totalmem() / GiB).toFixed(0)} GiB`,
    imageDir: `${imageDir} on ${mount}`,
    stagingDir: `${process.env.STICKWRIGHT_STAGING ?? tmpdir()} (the writer's staging for ext4/F2FS)`,
    iso: `${iso} (${(statSync(iso).size / GiB).toFixed(2)} GiB)`,
    cliSha: createHash('sha256').update(readFileSync(CLI)).digest('hex').slice(0, 12),
    git: tryText(() => sh('git', ['describe', '--always', '--dirty'])),
    changedEngineFiles: tryText(() => sh('git', ['status', '--porcelain', '--', 'electron', 'shared']).split('\n').filter(Boolean).join('; ')) || 'none',
    tools: {
      node: process.version,
      // mke2fs -V prints its version on stderr.
      e2fsprogs: tryText(() => spawnSync('mke2fs', ['-V'], { encoding: 'utf8' }).stderr.split('\n')[0].trim()),
      f2fsTools: tryText(() => sh('dpkg-query', ['-W', '-f', '${Version}', 'f2fs-tools'])),
    },
  };
}

/**
 * options: { runs, f2fsRuns, fs: Set<'ext4'|'vfat'|'f2fs'>, dio: 'on'|'off'|'both', dir?, fixture }
 * Returns the raw runs and the summaries (also printed).
 */
export async function benchWrite(options) {
  if (process.getuid?.() !== 0) {
    console.log('write: skipped (needs root for loop devices and writing; run `sudo npm run bench`)');
    return { skipped: 'not root' };
  }
  if (options.cli) CLI = options.cli;
  const iso = options.fixture('liveos-big', 'image.iso');
  const jobs = WRITE_JOBS.filter((j) => j.kind === 'dd' || options.fs.has(j.fs));
  const dios = options.dio === 'both' ? ['on', 'off'] : [options.dio];
  const root = options.dir ?? process.env.STICKWRIGHT_BENCH_DIR ?? '/var/tmp';
  const need = (options.fs.has('f2fs') ? 12 : 6) * GiB + statSync(iso).size;
  const fsInfo = statfsSync(root);
  if (fsInfo.bavail * fsInfo.bsize < need) {
    throw new Error(`write bench: ${root} needs ${(need / GiB).toFixed(1)} GiB free (F2FS runs fill most of the ${DEVICE_SIZE} image); set STICKWRIGHT_BENCH_DIR`);
  }
  const env = environment(iso, root);
  const plannedRuns = jobs.reduce((n, j) => n + (j.fs === 'f2fs' ? options.f2fsRuns : options.runs), 0) * dios.length;
  console.log(
    `write: ${plannedRuns} timed runs on a ${DEVICE_SIZE} sparse image on a loop device (direct-io ${dios.join(' then ')}); ` +
      `ISO ${(statSync(iso).size / GiB).toFixed(2)} GiB; ${options.runs} rounds` +
      (options.fs.has('f2fs') ? `, F2FS in ${options.f2fsRuns} (each F2FS run takes 1.5-5 min: sload.f2fs writes every hole)` : ''),
  );

  const workDir = mkdtempSync(path.join(root, 'sw-bench-'));
  const image = path.join(workDir, 'stick.img');
  const onSignal = (signal) => {
    interrupted = signal;
    current?.kill('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const all = [];
  try {
    for (const dio of dios) {
      rmSync(image, { force: true });
      execFileSync('truncate', ['-s', DEVICE_SIZE, image]);
      const loop = attachLoop(image, dio);
      try {
        console.log(`  loop device ${loop.dev} over ${image}, direct-io ${loop.dio}`);
        // Warm-up, not counted: the first writes into the sparse file allocate its blocks.
        await runDd(iso, loop.dev);
        if (options.fs.has('ext4')) await runWrite(iso, loop.dev, jobs.find((j) => j.id === 'ext4-full'));
        for (let round = 0; round < options.runs; round += 1) {
          // A new order each round (fixed seeds, so reruns match): on a shared disk a run's time
          // depends on what ran just before it, and a fixed order would pin that on one config.
          for (const job of shuffled(jobs, round + 1)) {
            if (job.fs === 'f2fs' && round >= options.f2fsRuns) continue;
            const run = job.kind === 'dd' ? await runDd(iso, loop.dev) : await runWrite(iso, loop.dev, job);
            all.push({ dio: loop.dio, round, job: job.id, ...run });
            console.log(`  [${loop.dio}, round ${round + 1}/${options.runs}] ${job.label}: ${secs(run.wall)} s`);
          }
        }
      } finally {
        detachLoop(loop.dev);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(workDir, { recursive: true, force: true });
  }

  const summaries = dios.map((dio) => summarize(all.filter((r) => r.dio === dio), jobs, dio, iso));
  printReport(env, summaries, iso);
  return { env, runs: all, summaries };
}

function summarize(runs, jobs, dio, iso) {
  const isoBytes = statSync(iso).size;
  const byJob = new Map();
  for (const job of jobs) {
    const mine = runs.filter((r) => r.job === job.id);
    if (!mine.length) continue;
    const phases = {};
    for (const p of PHASES) {
      const values = mine.map((r) => r.phases[p]).filter((v) => v !== undefined);
      if (values.length) phases[p] = median(values);
    }
    byJob.set(job.id, {
      job,
      n: mine.length,
      wall: median(mine.map((r) => r.wall)),
      min: Math.min(...mine.map((r) => r.wall)),
      max: Math.max(...mine.map((r) => r.wall)),
      engine: median(mine.filter((r) => r.engineMs !== undefined).map((r) => r.engineMs)),
      written: median(mine.map((r) => r.written)),
      fixed: median(mine.map((r) => FIXED_PHASES.reduce((sum, p) => sum + (r.phases[p] ?? 0), 0))),
      rest: median(mine.map((r) => r.wall - FIXED_PHASES.reduce((sum, p) => sum + (r.phases[p] ?? 0), 0))),
      phases,
    });
  }
  const dd = byJob.get('dd');
  const full = [...byJob.values()].filter((s) => s.job.group === 'full').map((s) => ({ ...s, ratio: s.wall / dd.wall, restRatio: s.rest / dd.wall, mibs: isoBytes / MiB / (s.wall / 1000) }));
  const sizes = [];
  for (const fs of ['ext4', 'f2fs', 'vfat']) {
    const small = byJob.get(`${fs}-small`);
    const big = byJob.get(`${fs}-big`);
    if (!small || !big) continue;
    sizes.push({ fs, small, big, delta: big.wall - small.wall, ratio: big.wall / small.wall });
  }
  return { dio, byJob, full, sizes };
}

function printReport(env, summaries, iso) {
  const out = [];
  out.push('', `write bench, ${env.date}; ${env.cpus}, ${env.memory}, kernel ${env.kernel}`);
  out.push(`  image dir ${env.imageDir}; staging ${env.stagingDir}`);
  out.push(`  tree ${env.git}; CLI bundle sha256 ${env.cliSha}; uncommitted engine files: ${env.changedEngineFiles}`);
  out.push(`  ${env.tools.e2fsprogs}; f2fs-tools ${env.tools.f2fsTools}; node ${env.tools.node}`);
  for (const s of summaries) {
    out.push('', `### loop device with direct-io ${s.dio} (medians; wall clock of the whole process, cold page cache)`, '');
    out.push('| run | n | median | min–max | × dd | ISO MiB/s | written | fixed phases | the rest | the rest × dd | target |', '|---|---|---|---|---|---|---|---|---|---|---|');
    for (const f of s.full) {
      const target = f.job.id === 'ext4-full' ? (f.ratio <= TARGET_FULL ? `≤ ${TARGET_FULL} × dd: met` : `≤ ${TARGET_FULL} × dd: **NOT met**`) : '';
      out.push(`| ${f.job.label} | ${f.n} | ${secs(f.wall)} s | ${secs(f.min)}–${secs(f.max)} | ${f.ratio.toFixed(2)} | ${f.mibs.toFixed(0)} | ${mib(f.written)} | ${f.job.kind === 'dd' ? '' : `${secs(f.fixed)} s`} | ${f.job.kind === 'dd' ? '' : `${secs(f.rest)} s`} | ${f.job.kind === 'dd' ? '' : f.restRatio.toFixed(2)} | ${target} |`);
    }
    out.push('', '| fs | small: overlay + home | median | written | big: overlay + home | median | written | Δ time | big / small | target (≤ 1.2×, ext4/F2FS) |', '|---|---|---|---|---|---|---|---|---|---|');
    for (const z of s.sizes) {
      const target = z.fs === 'vfat' ? '(not a target)' : z.ratio <= TARGET_SIZE ? 'met' : '**NOT met**';
      out.push(
        `| ${z.fs} | ${z.small.job.overlay} + ${z.small.job.home} | ${secs(z.small.wall)} s | ${mib(z.small.written)} | ${z.big.job.overlay} + ${z.big.job.home} | ${secs(z.big.wall)} s | ${mib(z.big.written)} | ${z.delta >= 0 ? '+' : ''}${secs(z.delta)} s | ${z.ratio.toFixed(2)} | ${target} |`,
      );
    }
    out.push(
      '',
      `Fixed phases: ${FIXED_PHASES.join(', ')} (their time does not grow with the image); the rest is copy, format and flush.`,
    );
    if (s.sizes.some((z) => z.fs === 'f2fs') || s.full.some((f) => f.job.fs === 'f2fs')) {
      out.push(
        '',
        "F2FS's \"written\" includes about the partition's size in WRITE_ZEROES requests: mkfs.f2fs discards the",
        "partition, which through the writer's loop device over ours becomes write-zeroes; the loop device counts",
        'them as writes but does them by punching holes in its file (0.1 s). The data and the holes written as',
        'zeros by sload.f2fs are the rest.',
      );
    }
    const shown = PHASES.filter((p) => [...s.byJob.values()].some((j) => j.phases[p] !== undefined));
    out.push('', `Phases (median seconds; name#2 = a phase entered a second time; verify includes the commit; startup = node + bundle until the first event):`, '');
    out.push(`| run | ${shown.join(' | ')} | engine |`, `|---|${shown.map(() => '---').join('|')}|---|`);
    for (const j of s.byJob.values()) {
      if (j.job.kind === 'dd') continue;
      out.push(`| ${j.job.id} (${j.job.overlay} + ${j.job.home}) | ${shown.map((p) => (j.phases[p] === undefined ? '' : secs(j.phases[p]))).join(' | ')} | ${secs(j.engine)} |`);
    }
  }
  out.push('', `Commands: dd if=${iso} of=LOOP bs=4M oflag=direct conv=fsync status=none`);
  out.push(`          node dist/cli.js write --iso ${iso} --target LOOP --fs FS --overlay O --home H --yes --json`);
  out.push(`          (a copy of dist/cli.js taken at the start, sha256 ${env.cliSha})`);
  out.push(`          LOOP = losetup --direct-io=on|off -f --show ${DEVICE_SIZE}-sparse-file; before each run: sync; echo 3 > /proc/sys/vm/drop_caches; node dist/cli.js --version`);
  console.log(out.join('\n'));
}
