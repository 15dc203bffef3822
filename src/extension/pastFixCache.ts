/** A past change that applies cleanly to the current text of a file, for one diagnostic. */
export interface PastFixSuggestion {
  title: string;
  /** `commit:<sha>` or `fix:<run>`: what gets credited when it is kept (or undone). */
  itemId: string;
  newText: string;
}

interface Entry {
  version: number;
  suggestions: PastFixSuggestion[];
}

/**
 * Suggestions computed in the background when diagnostics change, read synchronously by the code
 * action provider: providing code actions never waits for memory, git or a model.
 */
export class PastFixCache {
  private readonly entries = new Map<string, Entry>();

  static key(uri: string, message: string): string {
    return `${uri}\n${message}`;
  }

  get(uri: string, message: string, version: number): PastFixSuggestion[] {
    const entry = this.entries.get(PastFixCache.key(uri, message));
    return entry && entry.version === version ? entry.suggestions : [];
  }

  has(uri: string, message: string, version: number): boolean {
    return this.entries.get(PastFixCache.key(uri, message))?.version === version;
  }

  set(uri: string, message: string, version: number, suggestions: PastFixSuggestion[]): void {
    if (this.entries.size > 500) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(PastFixCache.key(uri, message), { version, suggestions });
  }
}
