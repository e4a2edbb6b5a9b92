// The only caller of ipcMain.handle. For every contract method it checks the sender, parses the
// arguments with the contract's schema, calls the plain handler and returns a Result. Modelled on
// VS Code's validatedIpcMain (src/vs/base/parts/ipc/electron-main/ipcMain.ts).
import { apiContract, API_METHODS, type ApiArgs, type ApiMethod, type ApiValue } from '../../../shared/contract/api';
import { channelOf } from '../../../shared/contract/apiMethods';
import { fail, ok, type Result } from '../../../shared/contract/result';
import { toErrorPayload, StickwrightError } from '../../../shared/errors';
import { APP_ORIGIN } from '../windowOptions';

/** The parts of Electron's IpcMainInvokeEvent we rely on; a test builds these by hand. */
export interface IpcEventLike {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

export type ApiHandlers = {
  readonly [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiValue<M>>;
};

/** Only our own page's main frame may call: not another origin, not a subframe, not a dead frame. */
export function isTrustedSender(event: IpcEventLike): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  try {
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** One call: sender check, argument parse, handler, Result. Never throws across IPC. */
export async function callApi<M extends ApiMethod>(
  handlers: ApiHandlers,
  method: M,
  event: IpcEventLike,
  rawArgs: readonly unknown[],
  log: (message: string) => void = () => {},
): Promise<Result<ApiValue<M>>> {
  if (!isTrustedSender(event)) {
    log(`refused ${method}: untrusted sender ${event.senderFrame?.url ?? '(no frame)'}`);
    return fail(toErrorPayload(new StickwrightError('BAD_REQUEST', 'untrusted sender')));
  }
  const parsed = apiContract[method].args.safeParse(rawArgs);
  if (!parsed.success) {
    log(`refused ${method}: bad arguments`);
    return fail(toErrorPayload(new StickwrightError('BAD_REQUEST', `bad arguments for ${method}`)));
  }
  try {
    const handler = handlers[method] as (...args: unknown[]) => Promise<ApiValue<M>>;
    return ok(await handler(...(parsed.data as unknown[])));
  } catch (error) {
    return fail(toErrorPayload(error));
  }
}

export function registerApi(ipc: IpcMainLike, handlers: ApiHandlers, log?: (message: string) => void): void {
  for (const method of API_METHODS) {
    ipc.handle(channelOf(method), (event, ...args) => callApi(handlers, method, event, args, log));
  }
}
