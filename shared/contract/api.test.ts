import { describe, expect, it } from 'vitest';
import { apiContract, API_METHODS } from './api';
import { API_METHOD_NAMES, channelOf, CHANNEL_PREFIX } from './apiMethods';

describe('api contract', () => {
  it('the preload name list is exactly the contract', () => {
    expect([...API_METHOD_NAMES].sort()).toEqual([...API_METHODS].sort());
  });

  it('every channel carries the one prefix', () => {
    for (const m of API_METHODS) expect(channelOf(m).startsWith(CHANNEL_PREFIX)).toBe(true);
  });

  it('inspectIso refuses empty, huge and non-string paths', () => {
    const args = apiContract.inspectIso.args;
    expect(args.safeParse(['/x.iso']).success).toBe(true);
    expect(args.safeParse(['']).success).toBe(false);
    expect(args.safeParse(['a'.repeat(5000)]).success).toBe(false);
    expect(args.safeParse([42]).success).toBe(false);
    expect(args.safeParse(['/x.iso', 'extra']).success).toBe(false);
  });
});
