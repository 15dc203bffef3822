import { settled } from '../util/settled.ts';

/**
 * `git worktree add` picks the name of the worktree's admin folder (.git/worktrees/<name>) by
 * looking for a free one, and two adds to one repository at once can pick the same name ("failed
 * to read .git/worktrees/…/commondir"). This process's adds to one repository take turns.
 */
const queues = new Map<string, Promise<unknown>>();

export function oneWorktreeAddAtATime<T>(repoRoot: string, add: () => Promise<T>): Promise<T> {
  const previous = queues.get(repoRoot) ?? Promise.resolve();
  const next = previous.then(add, add);
  const done = settled(next);
  queues.set(repoRoot, done);
  void done.then(() => {
    if (queues.get(repoRoot) === done) queues.delete(repoRoot);
  });
  return next;
}
