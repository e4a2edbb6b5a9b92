// npm run bench: performance figures that tests do not time (docs/PERFORMANCE.md).
// Today: `stickwright inspect` on a 4 GiB multi-extent ISO and on the live fixture — wall time
// of the whole CLI process and the bytes it read (inspect must read metadata, not the image).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

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
    const out = execFileSync(process.execPath, ['dist/cli.js', 'inspect', iso, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
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

benchInspect('iso-multiextent (4 GiB + 3 MiB file)', fixture('iso-multiextent', 'image.iso'));
benchInspect('liveos (demo live ISO)', fixture('liveos', 'image.iso'));
