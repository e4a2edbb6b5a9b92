// The envelope every call across IPC returns. Electron passes only an Error's message through
// ipcMain.handle (electron#24427), so failures travel as data, never as thrown errors.
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type ErrorPayload } from '../errors';

export const ErrorPayloadSchema = z.object({
  code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  hint: z.string(),
  detail: z.string().nullable(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorPayload };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: ErrorPayload): Result<T> {
  return { ok: false, error };
}

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: ErrorPayloadSchema }),
  ]);
}
