// The built `stickwright` CLI as users and scripts run it: exit codes, one-line errors, --json.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, openSync, readSync, closeSync, chmodSync, statSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IsoReport } from '../shared/contract/isoReport';
import { fixtureFile } from './fixtures/fixture';

const CLI = path.resolve('dist/cli.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'sw-cli-'));
chmodSync(scratch, 0o755);

function cli(args: string[], asNobody = false) {
  const argv = asNobody
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args]
    : [process.execPath, CLI, ...args];
  const run = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A failure is one line on stderr naming the code, with no stack trace, and the code's exit status. */
function expectOneLineError(result: ReturnType<typeof cli>, code: string, exit: number) {
  expect(result.code).toBe(exit);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^stickwright: error ${code}: `));
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

let iso: string;
beforeAll(() => {
  iso = fixtureFile('liveos', 'image.iso');
});

describe('stickwright (no verb, bad verbs)', () => {
  it('prints usage and exits 2 without a verb; 0 with --help', () => {
    const bare = cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Usage: stickwright');
    expect(cli(['--help']).code).toBe(0);
    for (const verb of ['write', 'usage', 'reset-overlay', 'grow']) {
      const help = cli([verb, '--help']);
      expect(help.code, verb).toBe(0);
      expect(help.stdout, verb).toContain(`${verb} `);
    }
  });
  it('an unknown verb is a USAGE error', () => expectOneLineError(cli(['frobnicate']), 'USAGE', 2));
  it('inspect without a path, or with an unknown option, is a USAGE error', () => {
    expectOneLineError(cli(['inspect']), 'USAGE', 2);
    expectOneLineError(cli(['inspect', iso, '--bogus']), 'USAGE', 2);
    expectOneLineError(cli(['inspect', iso, iso]), 'USAGE', 2);
  });
});

describe('stickwright inspect on bad input', () => {
  it('a missing file', () => expectOneLineError(cli(['inspect', path.join(scratch, 'nope.iso')]), 'SOURCE_NOT_FOUND', 3));
  it('a directory', () => expectOneLineError(cli(['inspect', scratch]), 'SOURCE_IS_DIRECTORY', 3));
  it('an empty file', () => {
    const empty = path.join(scratch, 'empty.iso');
    writeFileSync(empty, '');
    expectOneLineError(cli(['inspect', empty]), 'SOURCE_NOT_ISO9660', 3);
  });
  it('a text file', () => {
    const text = path.join(scratch, 'notes.iso');
    writeFileSync(text, 'this is not an ISO image\n'.repeat(4000));
    expectOneLineError(cli(['inspect', text]), 'SOURCE_NOT_ISO9660', 3);
  });
  it('a FIFO', () => {
    const fifo = path.join(scratch, 'pipe.iso');
    spawnSync('mkfifo', [fifo]);
    expectOneLineError(cli(['inspect', fifo]), 'SOURCE_NOT_A_FILE', 3);
  });
  it('a truncated ISO', () => {
    const half = path.join(scratch, 'half.iso');
    const size = statSync(iso).size;
    const buffer = Buffer.alloc(Math.floor(size / 2));
    const fd = openSync(iso, 'r');
    readSync(fd, buffer, 0, buffer.length, 0);
    closeSync(fd);
    writeFileSync(half, buffer);
    const result = cli(['inspect', half]);
    expectOneLineError(result, 'SOURCE_TRUNCATED', 3);
  });
  it('an unreadable file (EACCES, as an unprivileged user)', () => {
    const secret = path.join(scratch, 'secret.iso');
    copyFileSync(iso, secret);
    chmodSync(secret, 0o600);
    expectOneLineError(cli(['inspect', secret], true), 'SOURCE_PERMISSION_DENIED', 3);
  });
  it('--json turns an error into {"ok":false,"error"} on stdout', () => {
    const result = cli(['inspect', path.join(scratch, 'nope.iso'), '--json']);
    expect(result.code).toBe(3);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; hint: string } };
    expect(parsed.ok).toBe(false);
    expect(parsed.error.code).toBe('SOURCE_NOT_FOUND');
    expect(parsed.error.hint).toMatch(/path/);
  });
});

describe('stickwright inspect on the fixture ISO', () => {
  it('--json is a valid IsoReport with the fixture facts', () => {
    const result = cli(['inspect', iso, '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; report: unknown };
    expect(parsed.ok).toBe(true);
    const report = IsoReport.parse(parsed.report);
    expect(report.volume.label).toBe('SW-FIXTURE');
    expect(report.layout.family).toBe('dracut-liveos');
    expect(report.fileSize).toBe(statSync(iso).size);
  });
  it('the human output names the label, family and command line', () => {
    const result = cli(['inspect', iso]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Label:\s+SW-FIXTURE/);
    expect(result.stdout).toContain('dracut LiveOS');
    expect(result.stdout).toContain('root=live:CDLABEL=SW-FIXTURE');
  });
});

describe('the worker entry (stdin job → NDJSON events)', () => {
  const WORKER = path.resolve('dist/worker.js');
  const worker = (input: string) => {
    const run = spawnSync(process.execPath, [WORKER], { input, encoding: 'utf8', timeout: 60_000 });
    const events = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    return { code: run.status, events };
  };

  it('runs an inspect job and ends with exactly one result', () => {
    const { code, events } = worker(`${JSON.stringify({ v: 1, id: 'job1', kind: 'inspect', isoPath: iso })}\n`);
    expect(code).toBe(0);
    // stdin ends right after the job (spawnSync's input): the worker says it will stop at the
    // next safe point (a log event), but an inspect has none and finishes.
    const kinds = events.map((e) => e.type).filter((t) => t !== 'log');
    expect(kinds).toEqual(['phase', 'result']);
    expect(events.every((e) => e.jobId === 'job1')).toBe(true);
    expect((events.find((e) => e.type === 'result')?.value as { volume: { label: string } }).volume.label).toBe('SW-FIXTURE');
  });

  it.each([
    ['not JSON', 'hello\n'],
    ['an unknown kind', `${JSON.stringify({ v: 1, id: 'j', kind: 'format-everything' })}\n`],
    ['an extra field', `${JSON.stringify({ v: 1, id: 'j', kind: 'inspect', isoPath: iso, shell: 'rm -rf /' })}\n`],
    ['a hostile id', `${JSON.stringify({ v: 1, id: '$(touch /tmp/pwned)', kind: 'inspect', isoPath: iso })}\n`],
    ['nothing at all', ''],
  ])('refuses %s with BAD_REQUEST and exit 2', (_name, input) => {
    const { code, events } = worker(input);
    expect(code).toBe(2);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', error: { code: 'BAD_REQUEST' } });
  });

  it('a failing job ends with one error event carrying the code', () => {
    const { code, events } = worker(`${JSON.stringify({ v: 1, id: 'j2', kind: 'inspect', isoPath: scratch })}\n`);
    expect(code).not.toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'error', phase: 'inspect', error: { code: 'SOURCE_IS_DIRECTORY' } });
  });
});
