import { StickwrightError, type ErrorData } from '../../../shared/errors';

/** The image's own structures contradict themselves: a length, a loop, an absurd size. */
export function corrupt(detail: string, data: ErrorData = {}): StickwrightError {
  return new StickwrightError('SOURCE_CORRUPT', detail, data);
}
