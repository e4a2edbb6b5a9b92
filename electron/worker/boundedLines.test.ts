import { describe, expect, it } from 'vitest';
import { boundedLines, TOO_LONG } from './boundedLines';

async function collect(chunks: Array<string | Buffer>, max: number): Promise<Array<string | typeof TOO_LONG>> {
  const out: Array<string | typeof TOO_LONG> = [];
  async function* source() {
    for (const chunk of chunks) yield chunk;
  }
  for await (const line of boundedLines(source(), max)) out.push(line);
  return out;
}

describe('boundedLines', () => {
  it('splits lines across chunks, drops CR before LF, keeps a last line without newline', async () => {
    expect(await collect(['ab', 'c\nde\r\n', '\nf', 'g'], 10)).toEqual(['abc', 'de', '', 'fg']);
  });

  it('keeps a line of exactly the limit', async () => {
    expect(await collect(['x'.repeat(8), '\n'], 8)).toEqual(['x'.repeat(8)]);
  });

  it('reports a long line once, skips it to its newline, and goes on with the next', async () => {
    expect(await collect(['x'.repeat(6), 'x'.repeat(6), 'x'.repeat(6), '\nok\n'], 8)).toEqual([TOO_LONG, 'ok']);
    expect(await collect(['x'.repeat(20) + '\nok\n'], 8)).toEqual([TOO_LONG, 'ok']);
  });

  it('a long last line without newline is reported, not yielded', async () => {
    expect(await collect(['x'.repeat(20)], 8)).toEqual([TOO_LONG]);
  });

  it('counts bytes, not characters', async () => {
    expect(await collect(['éé\n'], 3)).toEqual([TOO_LONG]);
    expect(await collect([Buffer.from('é\n')], 2)).toEqual(['é']);
  });

  it('a multi-byte character split across chunks comes out whole', async () => {
    const bytes = Buffer.from('é\n');
    expect(await collect([bytes.subarray(0, 1), bytes.subarray(1)], 8)).toEqual(['é']);
  });
});
