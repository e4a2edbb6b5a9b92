import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_CODES, StickwrightError, formatErrorLine, toErrorPayload, isErrorCode } from './errors';

describe('error catalog', () => {
  it.each(ERROR_CODES)('%s is a one-line message with a hint and a non-zero exit', (code) => {
    const info = ERROR_CATALOG[code];
    expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    expect(info.exitCode).toBeGreaterThan(0);
    expect(info.summary).toMatch(/\.$/);
    expect(info.hint.length).toBeGreaterThan(10);
    expect(formatErrorLine(code, 'detail')).not.toContain('\n');
  });

  it('a StickwrightError carries code, detail and data into its payload', () => {
    const payload = toErrorPayload(new StickwrightError('SOURCE_TRUNCATED', 'have 10, need 20', { have: 10, need: 20 }));
    expect(payload).toMatchObject({ code: 'SOURCE_TRUNCATED', detail: 'have 10, need 20', data: { have: 10, need: 20 } });
    expect(payload.message).toMatch(/^SOURCE_TRUNCATED: .*\(have 10, need 20\)\. /);
  });

  it('anything else becomes INTERNAL', () => {
    expect(toErrorPayload(new RangeError('x')).code).toBe('INTERNAL');
    expect(toErrorPayload('a string').detail).toBe('a string');
  });

  it('isErrorCode rejects prototype keys', () => {
    expect(isErrorCode('USAGE')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(3)).toBe(false);
  });
});
