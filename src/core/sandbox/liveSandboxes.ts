/**
 * Sandbox folders this process has open. A sweep never removes these, whatever their marker
 * says (a marker can carry this process's pid because an earlier process had the same pid).
 */
const live = new Set<string>();

export function markLive(dir: string): void {
  live.add(dir);
}

export function markGone(dir: string): void {
  live.delete(dir);
}

export function isLive(dir: string): boolean {
  return live.has(dir);
}
