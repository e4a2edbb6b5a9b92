// The raw part of `npm run bench` (docs/PERFORMANCE.md, "raw"): `stickwright write --raw` of the
// liveos-big fixture ISO (a hybrid ISO, ~1.6 GiB, mostly incompressible) to loop devices over
// sparse image files, against what the same system does without us:
//   1. one stick, no verify, vs `dd if=IMAGE of=LOOP bs=4M oflag=direct conv=fsync`
//   2. three sticks at once (one read fanned out) vs one stick: wall time ratio
//   3. the read-back verify (its phase time) vs a raw sequential read of the same bytes
//      (`dd if=LOOP of=/dev/null bs=4M iflag=direct count=…`)
//   4. the same image zstd-compressed (streamed through `zstd -dc`) vs plain
// Ratios are printed, never asserted. Root only: it attaches loop devices (losetup -f, never a
// fixed number) and always detaches them, also on failure or Ctrl-C.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const MiB = 2 ** 20;
const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Empty the page cache, so each run reads the image from disk. */
function dropCaches() {
  execFileSync('sync');
  execFileSync('tee', ['/proc/sys/vm/drop_caches'], { input: '3\n', stdio: ['pipe', 'ignore', 'ignore'] });
}

const attached = new Set();
function attachLoop(file) {
  const dev = sh('losetup', ['--direct-io=on', '-f', '--show', file]);
  if (!/^\/dev\/loop\d+$/.test(dev)) throw new Error(`losetup answered "${dev}"`);
  attached.add(dev);
  return dev;
}
function detachAll() {
  for (const dev of attached) {
    for (let i = 0; i < 10; i += 1) {
      try {
        sh('losetup', ['-d', dev]);
        break;
      } catch {
        execFileSync('sleep', ['0.3']);
      }
    }
  }
  attached.clear();
}

function run(cmd, args, onLine) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    createInterface({ input: child.stdout }).on('line', (line) => onLine?.(line, performance.now() - start));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')}: ${signal ?? `exit ${code}`}\n${stderr}`));
      else resolve(performance.now() - start);
    });
  });
}

/** One `write --raw` run: wall ms, and when the (last target's) verify phase started. */
async function rawWrite(cli, image, devs, verify) {
  dropCaches();
  let verifyAt = null;
  let result = null;
  const wall = await run(process.execPath, [cli, 'write', '--raw', '--image', image, ...devs.flatMap((d) => ['--target', d]), '--yes', '--json', ...(verify ? [] : ['--no-verify'])], (line, t) => {
    const ev = JSON.parse(line);
    if (ev.type === 'phase' && ev.phase === 'verify') verifyAt = Math.max(verifyAt ?? 0, t);
    if (ev.type === 'result') result = { value: ev.value, at: t };
  });
  if (!result?.value.ok) throw new Error(`write --raw failed: ${JSON.stringify(result?.value)}`);
  return { wall, verifyMs: verifyAt === null ? null : result.at - verifyAt, bytes: result.value.image.bytes };
}

export async function benchRaw({ runs, fixture, cli }) {
  const image = fixture('liveos-big', 'image.iso');
  const bytes = statSync(image).size;
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-bench-raw-'));
  process.on('exit', detachAll);
  const onSignal = () => {
    detachAll();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  try {
    const size = `${Math.ceil(bytes / MiB) + 64}M`;
    const devs = ['a', 'b', 'c'].map((n) => {
      const file = path.join(dir, `${n}.img`);
      sh('truncate', ['-s', size, file]);
      return attachLoop(file);
    });
    const zst = path.join(dir, 'image.iso.zst');
    sh('zstd', ['-q', '-1', '-T2', '-o', zst, image]);
    console.log(`raw: image liveos-big (${(bytes / MiB).toFixed(0)} MiB), loop devices with direct I/O over sparse files in ${tmpdir()}; median of ${runs} runs, page cache dropped before each`);
    const times = { dd: [], one: [], three: [], verify: [], read: [], zstd: [] };
    for (let i = 0; i < runs; i += 1) {
      dropCaches();
      times.dd.push(await run('dd', [`if=${image}`, `of=${devs[0]}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none']));
      times.one.push((await rawWrite(cli, image, [devs[0]], false)).wall);
      times.three.push((await rawWrite(cli, image, devs, false)).wall);
      const verified = await rawWrite(cli, image, [devs[0]], true);
      times.verify.push(verified.verifyMs);
      dropCaches();
      times.read.push(await run('dd', [`if=${devs[0]}`, 'of=/dev/null', 'bs=4M', 'iflag=direct', `count=${Math.ceil(bytes / (4 * MiB))}`, 'status=none']));
      times.zstd.push((await rawWrite(cli, zst, [devs[0]], false)).wall);
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const rate = (ms) => `${(bytes / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
    console.log(`raw: dd oflag=direct bs=4M         ${(m.dd / 1000).toFixed(2)} s (${rate(m.dd)})`);
    console.log(`raw: write --raw, 1 stick          ${(m.one / 1000).toFixed(2)} s (${rate(m.one)}): throughput ${(m.dd / m.one).toFixed(2)} × dd's`);
    console.log(`raw: write --raw, 3 sticks at once ${(m.three / 1000).toFixed(2)} s: ${(m.three / m.one).toFixed(2)} × the time of one stick (${((3 * m.one) / m.three).toFixed(2)} × one stick's total throughput)`);
    console.log(`raw: read-back verify              ${(m.verify / 1000).toFixed(2)} s vs dd iflag=direct read ${(m.read / 1000).toFixed(2)} s: ${(m.verify / m.read).toFixed(2)} × the raw read's time`);
    console.log(`raw: zstd source (zstd -dc)        ${(m.zstd / 1000).toFixed(2)} s: ${(m.zstd / m.one).toFixed(2)} × the plain image's time`);
    return { bytes, runs, times, medians: m };
  } finally {
    process.off('SIGINT', onSignal);
    detachAll();
    rmSync(dir, { recursive: true, force: true });
  }
}
