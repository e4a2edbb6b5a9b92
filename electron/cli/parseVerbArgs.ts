import { parseArgs } from 'node:util';
import { StickwrightError } from '../../shared/errors';

export type OptionSpec = Readonly<Record<string, { type: 'boolean' | 'string'; multiple?: boolean; short?: string; default?: boolean | string }>>;

export interface ParsedVerbArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/** node:util parseArgs, strict, with its errors turned into a USAGE error naming the verb. */
export function parseVerbArgs(verb: string, args: readonly string[], options: OptionSpec): ParsedVerbArgs {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StickwrightError('USAGE', `${verb}: ${reason}`);
  }
}
