/**
 * Where core code and the sidecar report what they do: the extension's output channel, the CLI's
 * stderr, a test's array. (What else the extension's commands ask of the editor — folders,
 * settings — is `Host`, in `src/extension/vscodeHost.ts`; core asks the editor for nothing.)
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
