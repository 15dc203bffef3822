/** Trailers that say who, not what: no help to whoever solves the task. */
const TRAILER = /^(signed-off-by|co-authored-by|reviewed-by|acked-by|tested-by|reported-by|change-id|cc):/i;
/** Subjects git or a forge writes for a merge: they say where a change came from, not what it is. */
const MERGE_SUBJECT = /^(merge (pull request|branch|remote-tracking branch|commit|tag)\b|merged? in\b|merge [0-9a-f]{7,40}\b)/i;
/** `* fix`, `- add`, `1. remove`: a list item. */
const BULLET = /^\s*([-*+•]|\d{1,2}[.)])\s+/;
/** Pull-request template leftovers: a checklist and its headings. */
const TEMPLATE = /^\s*([-*]\s+\[[ xX]\]|#{1,6}\s*(checklist|description|summary|motivation|changes|checklist:?)\s*$)/i;
/** What `git merge --squash` writes above each squashed commit. */
const SQUASH_HEADER = /^(squashed commit of the following:|commit [0-9a-f]{7,40}$|author:\s|date:\s)/i;

/**
 * Whether a list item spells out the solution rather than the problem: it names a file or path,
 * a piece of code (a `code span`, a call `f(`, a member `a.b`, a camelCase or snake_case name),
 * or a test. Such bullets in a squash-merge message list the fix commit by commit.
 */
export function namesTheSolution(text: string): boolean {
  return (
    /`[^`]+`/.test(text) ||
    /\b[\w.-]+\/[\w./-]+/.test(text) ||
    /\b[\w-]+\.(?:[cm]?[jt]sx?|py|go|rs|rb|java|kt|cs|c|cc|cpp|h|hpp|php|json|ya?ml|toml|md|rst|txt|sh|html|css)\b/i.test(text) ||
    /\b[A-Za-z_$][\w$]*\(/.test(text) ||
    /\b[A-Za-z_$][\w$]+\.[A-Za-z_$][\w$]+/.test(text) ||
    /\b[a-z]+[A-Z]\w*/.test(text) ||
    /\b[a-z]+_[a-z_]+\b/.test(text) ||
    /\btest(s|ed|ing)?\b/i.test(text)
  );
}

/**
 * The task as a person would state it in an issue: the commit's subject without its
 * conventional-commit prefix or PR number, then the prose of the body. Dropped: trailers, merge
 * and squash boilerplate, pull-request checklists, and list items that name files, code or tests
 * (a squash-merge's bullet list that spells out the fix). For a merge's own subject ("Merge pull
 * request #12 from a/b") the body's first prose line is the title. It is untrusted text, like all
 * history.
 */
export function replayTaskText(subject: string, body: string): string {
  const kept: string[] = [];
  let droppingItem = false;
  for (const line of body.split('\n')) {
    const trimmed = line.trim();
    if (BULLET.test(line)) {
      const item = line.replace(BULLET, '');
      droppingItem = TEMPLATE.test(line) || MERGE_SUBJECT.test(item) || namesTheSolution(item);
      if (!droppingItem) kept.push(line);
      continue;
    }
    // An indented line under a dropped item continues that item.
    if (droppingItem && trimmed !== '' && /^\s/.test(line)) continue;
    droppingItem = false;
    if (TRAILER.test(trimmed) || TEMPLATE.test(line) || SQUASH_HEADER.test(trimmed) || MERGE_SUBJECT.test(trimmed)) continue;
    kept.push(line);
  }
  const paragraphs = kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  let title = cleanSubject(subject);
  let rest = paragraphs;
  if (!title || MERGE_SUBJECT.test(subject.trim())) {
    const [first, ...others] = paragraphs.split('\n');
    title = cleanSubject(first ?? '');
    rest = others.join('\n').trim();
  }
  const sentence = title ? title.charAt(0).toUpperCase() + title.slice(1) : subject.trim();
  return rest ? `${sentence}\n\n${rest}` : sentence;
}

function cleanSubject(subject: string): string {
  return subject
    .replace(/^[a-z]+(\([^)]*\))?!?:\s*/i, '')
    .replace(/\s*\(#\d+\)\s*$/, '')
    .trim();
}
