/**
 * Values an index derives from what it holds (a cutoff's file tables, word counts), a few at a time:
 * the oldest is dropped past `size`. Cleared when the index changes under it.
 */
export class DerivedCache {
  private readonly values = new Map<string, unknown>();

  constructor(private readonly size = 8) {}

  get<T>(key: string, build: () => T): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    if (this.values.size >= this.size) this.values.delete(this.values.keys().next().value!);
    const value = build();
    this.values.set(key, value);
    return value;
  }

  clear(): void {
    this.values.clear();
  }
}
