// T23, the CLI half: hostile command lines for the parser and the write/add verbs' option
// parsing. Every one is refused with a USAGE-class StickwrightError (or the source/target check
// that comes next), nothing is written, and a canary proves nothing reached a shell. The same
// values against a real ISO and a real stick are in e2e/trust-boundary.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { StickwrightError } from '../../shared/errors';
import { parseVerbArgs } from './parseVerbArgs';
import { writeVerb } from './verbs/write';
import { addVerb } from './verbs/add';

let dir: string;
let canary: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sw-hostile-args-'));
  canary = `/tmp/pwned-${randomUUID()}`;
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(canary, { force: true });
});

const sink = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

/** The verb's outcome: its exit status, or the code it was refused with (anything else is a bug). */
async function outcome(run: Promise<number>): Promise<string> {
  try {
    return `exit ${await run}`;
  } catch (error) {
    if (!(error instanceof StickwrightError)) throw error;
    return error.code;
  }
}

const shell = (c: string) => [`$(touch ${c})`, `\`touch ${c}\``, `;touch ${c}`, `"; touch ${c}; "`, `'$(touch ${c})'`, `|touch ${c}`, `\ntouch ${c}\n`];

const hostile = (c: string) =>
  fc.oneof(
    fc.constantFrom(...shell(c), '../', '../../etc', '/', '..', 'a/b', 'a\0b', '\0', '"', "'", '\n', '-', '--', '--yes', '-1', 'NaN', 'Infinity', '-1G', '1e999', '99999999999999999999T', '0x10', '', ' ', 'x'.repeat(10_000)),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...shell(c)), fc.string({ maxLength: 8 })).map(([a, b, d]) => `${a}${b}${d}`),
  );

describe('parseVerbArgs (T23)', () => {
  it('any argv: parsed values are the literal strings given, or a USAGE error naming the verb', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('--label', '--dir', '--yes', '--size', '-x', '--', '--label=$(id)')), { maxLength: 8 }), (args) => {
        try {
          const { values } = parseVerbArgs('write', args, { label: { type: 'string' }, dir: { type: 'string' }, size: { type: 'string' }, yes: { type: 'boolean' } });
          for (const value of Object.values(values)) if (typeof value === 'string') expect(args.some((a) => a === value || a.endsWith(`=${value}`))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(StickwrightError);
          expect((error as StickwrightError).code).toBe('USAGE');
          expect((error as StickwrightError).detail).toMatch(/^write: /);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('write and add refuse hostile option values before anything is written (T23)', () => {
  it('hostile sizes for --overlay, --home and --size, and hostile --fs: USAGE', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('--overlay', '--home', '--size', '--fs'), hostile('/tmp/never'), async (option, value) => {
        fc.pre(!/^\d+(\.\d+)?\s*[KMGT]?(i?B?)?$/i.test(value.trim()) || value.length > 30);
        const target = path.join(dir, 'new.img');
        const got = await outcome(writeVerb.run(['--iso', path.join(dir, 'none.iso'), '--target', target, '--dry-run', '--size', '1G', option, value], { out: sink(), err: sink() }));
        // A value that looks like another option is taken as the option's value, or refused as a missing one.
        expect(['USAGE', 'SOURCE_NOT_FOUND', 'TARGET_SIZE_REQUIRED']).toContain(got);
        if (option !== '--fs' && !value.startsWith('-')) expect(got).toBe('USAGE');
        expect(existsSync(target)).toBe(false);
      }),
      { numRuns: 80 },
    );
  });

  it('hostile labels, names, directories and paths: refused, never run, nothing made (canary)', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('--label', '--target', '--iso', '--passphrase-file'), hostile(canary), async (option, value) => {
        const args = ['--iso', path.join(dir, 'none.iso'), '--target', path.join(dir, 'new.img'), '--size', '1G', '--dry-run', option, value];
        if (option === '--passphrase-file') args.push('--encrypt-home', '--home', '64M');
        const got = await outcome(writeVerb.run(args, { out: sink(), err: sink() }));
        expect(got).not.toMatch(/^exit 0$/);
      }),
      { numRuns: 80 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('--dir', '--name', '--overlay', '--home', '--target'), hostile(canary), async (option, value) => {
        const got = await outcome(addVerb.run(['--iso', path.join(dir, 'none.iso'), '--target', path.join(dir, 'stick.img'), option, value], { out: sink(), err: sink() }));
        expect(got).not.toMatch(/^exit 0$/);
      }),
      { numRuns: 80 },
    );
    expect(existsSync(canary), 'a shell ran a hostile value').toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
