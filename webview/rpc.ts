import { parseHostMessage, parseResult } from '../src/protocol/memoryPanel.ts';
import type { HostNotificationName, HostNotificationParams, RequestName, RequestParams, RequestResult, WebviewNotificationName, WebviewNotificationParams } from '../src/protocol/memoryPanel.ts';
import { vscodeApi } from './vscodeApi.ts';

/** A request the host answered with an error; `reason` is the core's error reason when there is one. */
export class PanelError extends Error {
  constructor(
    message: string,
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = 'PanelError';
  }

  static is(value: unknown, reason?: string): value is PanelError {
    return value instanceof PanelError && (reason === undefined || value.reason === reason);
  }
}

interface Pending {
  name: RequestName;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

const pending = new Map<number, Pending>();
const listeners = new Map<HostNotificationName, Array<(params: never) => void>>();
let nextId = 1;

// Every message is validated before use: the host is trusted, but a malformed message must not
// reach the DOM code (and the result must be what its request promised).
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    console.error(`memory browser: ${parsed.error}`);
    if (parsed.id !== undefined) settleWithError(parsed.id, parsed.error);
    return;
  }
  const message = parsed.message;
  if (message.type === 'notify') {
    const { name, params } = message;
    for (const listener of listeners.get(name) ?? []) (listener as (value: typeof params) => void)(params);
    return;
  }
  const waiting = pending.get(message.id);
  if (!waiting) return;
  pending.delete(message.id);
  if (!message.ok) {
    waiting.reject(new PanelError(message.error.message, message.error.reason));
    return;
  }
  const result = parseResult(waiting.name, message.result);
  if (result.ok) waiting.resolve(result.message);
  else waiting.reject(new PanelError(result.error, 'bad-message'));
});

function settleWithError(id: number, error: string): void {
  pending.get(id)?.reject(new PanelError(error, 'bad-message'));
  pending.delete(id);
}

export function request<N extends RequestName>(name: N, params: RequestParams<N>): Promise<RequestResult<N>> {
  const id = nextId++;
  return new Promise<RequestResult<N>>((resolve, reject) => {
    pending.set(id, { name, resolve: resolve as (result: unknown) => void, reject });
    vscodeApi.postMessage({ type: 'request', id, name, params });
  });
}

export function notify<N extends WebviewNotificationName>(name: N, params: WebviewNotificationParams<N>): void {
  vscodeApi.postMessage({ type: 'notify', name, params });
}

export function onNotification<N extends HostNotificationName>(name: N, listener: (params: HostNotificationParams<N>) => void): void {
  listeners.set(name, [...(listeners.get(name) ?? []), listener as (params: never) => void]);
}
