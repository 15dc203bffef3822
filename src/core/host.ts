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

/** A host for plain Node: the CLI and tests. */
export class NodeHost implements Host {
  constructor(
    private readonly folders: string[],
    private readonly settings: Record<string, unknown> = {},
    readonly log: Logger = { info: () => undefined, warn: (m) => process.stderr.write(`${m}\n`), error: (m) => process.stderr.write(`${m}\n`) },
  ) {}

  workspaceFolders(): string[] {
    return this.folders;
  }

  setting<T>(key: string): T | undefined {
    return this.settings[key] as T | undefined;
  }
}
