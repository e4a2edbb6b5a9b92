// The method names alone, without schemas, so the preload bundle stays tiny (no zod in it).
// api.test.ts checks this list against apiContract's keys.
export const API_METHOD_NAMES = ['appInfo', 'inspectIso', 'chooseIso', 'listDrives', 'startWrite', 'cancelJob', 'ejectDrive', 'readUsage', 'resetOverlay', 'growOverlay', 'listStickImages', 'startAddImage', 'removeImage', 'startRawWrite', 'startRestore'] as const;
export type ApiMethodName = (typeof API_METHOD_NAMES)[number];

export const CHANNEL_PREFIX = 'stickwright:';
export function channelOf(method: ApiMethodName): string {
  return `${CHANNEL_PREFIX}${method}`;
}

/** The one main → renderer channel: job events (WorkerEvent). */
export const JOB_EVENT_CHANNEL = 'stickwright:job-event';
