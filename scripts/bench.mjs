// npm run bench: performance figures that tests do not time (docs/PERFORMANCE.md).
//   inspect  `stickwright inspect` on a 4 GiB multi-extent ISO and on the live fixture — wall time
//            of the whole CLI process and the bytes it read (inspect must read metadata, not the image)
//   write    dd vs `stickwright write` on one loop device, and overlay + home at 512 MiB vs 4 GiB
//            (scripts/bench-write.mjs; root only)
//   raw      `write --raw` vs dd oflag=direct bs=4M, three sticks vs one, the read-back verify vs a
//            raw sequential read, a zstd source vs plain (scripts/bench-raw.mjs; root only)
//
//   node scripts/bench.mjs [inspect] [write] [raw] [--runs=N] [--f2fs-runs=N] [--fs=ext4,vfat,f2fs]
//                          [--quick] [--dio=on|off|both] [--json=FILE]
//   npm run bench -- write --quick       only the write part, without F2FS (about 3 minutes)
// No section named: both. STICKWRIGHT_BENCH=write (or inspect) does the same as naming it.
// --quick = no F2FS runs (each takes minutes: sload.f2fs writes every hole of overlay and home).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchWrite } from './bench-write.mjs';
import { benchRaw } from './bench-raw.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: process.env.STICKWRIGHT_BENCH_RUNS ?? '5' },
    'f2fs-runs': { type: 'string', default: '1' },
    fs: { type: 'string', default: 'ext4,vfat,f2fs' },
    quick: { type: 'boolean', default: process.env.STICKWRIGHT_BENCH_QUICK === '1' },
    dio: { type: 'string', default: 'on' },
    json: { type: 'string' },
  },
});
const sections = new Set(positionals.length ? positionals : (process.env.STICKWRIGHT_BENCH ?? 'inspect,write,raw').split(','));
for (const s of sections) if (!['inspect', 'write', 'raw'].includes(s)) throw new Error(`bench: unknown section ${s} (inspect, write, raw)`);
if (!['on', 'off', 'both'].includes(opts.dio)) throw new Error('bench: --dio is on, off or both');
const filesystems = new Set(opts.fs.split(',').filter(Boolean));
if (opts.quick) filesystems.delete('f2fs');
for (const fs of filesystems) if (!['ext4', 'vfat', 'f2fs'].includes(fs)) throw new Error(`bench: unknown filesystem ${fs}`);

// Time one consistent build: a copy of the self-contained CLI bundle, so an `npm run build` in the
// same tree during the bench (it empties dist/) neither breaks the runs nor mixes two builds.
const snapshotDir = mkdtempSync(path.join(tmpdir(), 'sw-bench-cli-'));
process.on('exit', () => rmSync(snapshotDir, { recursive: true, force: true }));
const cli = path.join(snapshotDir, 'cli.mjs');
copyFileSync('dist/cli.js', cli);

function fixture(recipe, file) {
  const dir = execFileSync('bash', ['e2e/fixtures/build.sh', recipe], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return `${dir}/${file}`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Empty the page cache (root only), so the first run shows a cold read from disk. */
function dropCaches() {
  try {
    execFileSync('sh', ['-c', 'sync && echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function benchInspect(name, iso, runs = 7) {
  const wall = [];
  let report;
  const cold = dropCaches();
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    const out = execFileSync(process.execPath, [cli, 'inspect', iso, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    report = JSON.parse(out).report;
  }
  const size = statSync(iso).size;
  console.log(
    `inspect ${name}: image ${(size / 2 ** 30).toFixed(2)} GiB; read ${report.stats.bytesRead} bytes ` +
      `(${((100 * report.stats.bytesRead) / size).toFixed(4)} % of the image); ` +
      `CLI process: ${cold ? 'cold cache' : 'first run'} ${wall[0].toFixed(0)} ms, warm median ${median(wall.slice(1)).toFixed(0)} ms over ${runs - 1} runs`,
  );
}

if (sections.has('inspect')) {
  benchInspect('iso-multiextent (4 GiB + 3 MiB file)', fixture('iso-multiextent', 'image.iso'));
  benchInspect('liveos (demo live ISO)', fixture('liveos', 'image.iso'));
}
if (sections.has('write')) {
  try {
    const result = await benchWrite({
      runs: Math.max(1, Number(opts.runs)),
      f2fsRuns: Math.max(0, Math.min(Number(opts['f2fs-runs']), Number(opts.runs))),
      fs: filesystems,
      dio: opts.dio,
      fixture,
      cli,
    });
    if (opts.json) {
      const plain = { ...result, summaries: result.summaries?.map((s) => ({ ...s, byJob: Object.fromEntries(s.byJob) })) };
      writeFileSync(opts.json, `${JSON.stringify(plain, null, 2)}\n`);
      console.log(`write: raw runs in ${opts.json}`);
    }
  } catch (error) {
    console.error(`bench write: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = /interrupted/.test(String(error)) ? 130 : 1;
  }
}
if (sections.has('raw')) {
  try {
    await benchRaw({ runs: Math.max(1, Math.min(Number(opts.runs), 3)), fixture, cli });
  } catch (error) {
    console.error(`bench raw: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
