/** Branches whose merge into another brings that line up to date rather than delivering one change. */
const MAINLINE = String.raw`(?:[\w.-]+/)?(?:master|main|trunk|develop|devel|dev|next|stable|release[\w.-]*|v?\d+(?:\.(?:\d+|x))*)`;

const SYNC_SUBJECTS: readonly RegExp[] = [
  // `git merge v1.2`, `git merge tag`: a release brought into a branch.
  /^Merge (?:tag|tags) /i,
  // A merge of the remote's copy of a branch (`git pull` without rebase).
  /^Merge remote-tracking branch /i,
  // A mainline or maintenance branch merged into another, or pulled: "Merge branch 'master' into
  // feature", "Merge branch '2.1.x'", "Merge branch 'master' of github.com:org/repo".
  new RegExp(String.raw`^Merge (?:branch|branches) '${MAINLINE}'(?: (?:into|of) \S+)?\s*$`, 'i'),
];

/**
 * A merge that syncs one line of history with another (a tag, a pull, mainline into a branch,
 * a maintenance branch forward). Its first-parent diff bundles many changes made for other reasons,
 * and its subject says nothing about them, so recall gives it no weight as evidence. It is still
 * mined and kept: only ranking ignores it.
 */
export function isSyncMerge(subject: string): boolean {
  return SYNC_SUBJECTS.some((pattern) => pattern.test(subject));
}
