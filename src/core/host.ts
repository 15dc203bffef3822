/**
 * The one interface through which the core asks its front door (the VS Code extension, the CLI,
 * tests) for anything editor-shaped. The core never imports `vscode`.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface Host {
  readonly log: Logger;
  /** Root folders the user has open (the CLI: the folder it was given). */
  workspaceFolders(): string[];
  /** A setting under `coevolve.`; undefined when unset. */
  setting<T>(key: string): T | undefined;
}
