import type { ExperienceKind, FileChange, Intent } from '../memory/experience.ts';

const CONVENTIONAL = /^(?<type>[a-zA-Z]+)(?:\((?<scope>[^()\r\n]{1,60})\))?(?<breaking>!)?:\s+(?<rest>.*)$/;
const ISSUE_PATTERNS: RegExp[] = [
  /(?<![\w/])#(\d{1,7})\b/g, // #123
  /\bGH-(\d{1,7})\b/g,
  /\b([A-Z][A-Z0-9]{1,9}-\d{1,7})\b/g, // JIRA-style PROJ-123
  /https?:\/\/[^\s)]+\/(?:issues|pull|merge_requests)\/(\d+)/g,
];
const REVERT_BODY = /This reverts commit ([0-9a-f]{7,40})/i;
const TRAILER = /^(?:[A-Za-z][\w-]{1,40}|BREAKING CHANGE):\s.+$/;
/** Dash-number words that look like JIRA keys but are standards and algorithms. */
const NOT_ISSUE_KEYS = new Set(['UTF', 'ISO', 'SHA', 'AES', 'HTTP', 'TLS', 'SSL', 'RSA', 'MD', 'IPV', 'ES', 'ECMA', 'WIN', 'RFC', 'UTC', 'GMT', 'PEP', 'X']);

/** Splits a commit message into a cleaned subject and body, and reads the conventions people use. */
export function parseIntent(message: string): Intent {
  const lines = message.replace(/\r\n?/g, '\n').split('\n');
  let start = 0;
  while (start < lines.length && lines[start]!.trim() === '') start++;
  const subject = (lines[start] ?? '').trim();
  const bodyLines = lines.slice(start + 1);
  // Drop the trailer block (Signed-off-by, Co-authored-by, Change-Id...): it is noise for intent.
  let end = bodyLines.length;
  while (end > 0 && bodyLines[end - 1]!.trim() === '') end--;
  let trailerStart = end;
  while (trailerStart > 0 && TRAILER.test(bodyLines[trailerStart - 1]!.trim())) trailerStart--;
  if (trailerStart < end && (trailerStart === 0 || bodyLines[trailerStart - 1]!.trim() === '')) end = trailerStart;
  const body = bodyLines
    .slice(0, end)
    .filter((line) => !line.startsWith('#'))
    .join('\n')
    .trim();

  const titled = pullRequestTitled(subject, body) ?? { subject, body };
  const intent: Intent = { subject: titled.subject, body: titled.body, issues: findIssues(`${subject}\n${body}`) };
  const match = CONVENTIONAL.exec(intent.subject);
  if (match?.groups) {
    intent.type = match.groups.type!.toLowerCase();
    if (match.groups.scope) intent.scope = match.groups.scope.trim();
    if (match.groups.breaking || /^BREAKING[ -]CHANGE:/m.test(message)) intent.breaking = true;
  }
  return intent;
}

const GITHUB_MERGE = /^Merge pull request (#\d{1,7}) from \S+$/;
const GITLAB_MERGE = /^Merge branch '[^'\n]+' into '[^'\n]+'$/;
const GITLAB_REQUEST = /^See merge request \S+?(!\d{1,7})$/m;

/**
 * A pull request's merge commit names where it came from ("Merge pull request #133 from
 * owner/branch"; GitLab: "Merge branch 'x' into 'main'" and "See merge request group/project!12") and
 * puts the pull request's title on the body's first line. The title says what the change is for: it
 * becomes the subject, with the request's number, and the merge line ends the body. (In histories that
 * merge every change this way — a third of itsdangerous's — recall listed branch names.)
 */
function pullRequestTitled(subject: string, body: string): { subject: string; body: string } | undefined {
  const number = GITHUB_MERGE.exec(subject)?.[1] ?? (GITLAB_MERGE.test(subject) ? GITLAB_REQUEST.exec(body)?.[1] : undefined);
  if (!number) return undefined;
  const lines = body.split('\n');
  const first = lines.findIndex((line) => line.trim() !== '');
  const title = first < 0 ? '' : lines[first]!.trim();
  if (!title || GITLAB_REQUEST.test(title)) return undefined;
  const rest = lines.slice(first + 1).join('\n').trim();
  return { subject: `${title} (${number})`, body: [rest, subject].filter(Boolean).join('\n\n') };
}

function findIssues(text: string): string[] {
  const found = new Set<string>();
  for (const pattern of ISSUE_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const whole = m[0];
      if (/^[A-Z]/.test(whole) && !whole.startsWith('GH-') && NOT_ISSUE_KEYS.has(whole.slice(0, whole.indexOf('-')))) continue;
      found.add(whole.startsWith('http') ? whole : whole.startsWith('#') || whole.startsWith('GH-') ? `#${m[1]}` : m[1]!);
      if (found.size >= 20) return [...found];
    }
  }
  return [...found];
}

/** The sha a `git revert` commit undid, if the message says so. */
export function revertTarget(intent: Intent): string | undefined {
  const inBody = REVERT_BODY.exec(intent.body) ?? REVERT_BODY.exec(intent.subject);
  return inBody?.[1]?.toLowerCase();
}

const TYPE_TO_KIND: Record<string, ExperienceKind> = {
  fix: 'fix', bugfix: 'fix', hotfix: 'fix', bug: 'fix', security: 'fix',
  feat: 'feature', feature: 'feature', add: 'feature',
  refactor: 'refactor', perf: 'refactor', style: 'refactor', cleanup: 'refactor',
  test: 'test', tests: 'test',
  docs: 'docs', doc: 'docs',
  chore: 'chore', build: 'chore', ci: 'chore', deps: 'chore', release: 'chore', revert: 'revert',
};

/** The verb a subject starts with says most about it ("Fix …", "Add …", "Rename …"). */
const LEADING_VERB_KINDS: Array<[RegExp, ExperienceKind]> = [
  [/^revert\b/i, 'revert'],
  [/^(fix(e[sd])?|resolve[sd]?|correct(s|ed)?|repair(s|ed)?|handle[sd]?|prevent(s|ed)?|avoid(s|ed)?|guard(s|ed)?|hotfix)\b/i, 'fix'],
  [/^(refactor(s|ed)?|rename[sd]?|move[sd]?|extract(s|ed)?|simplif(y|ies|ied)|clean(s|ed)?( ?up)?|restructure[sd]?|reorgani[sz]e[sd]?|split|inline[sd]?|tidy|dedupe|deduplicate)\b/i, 'refactor'],
  [/^(tests?|cover(s|ed)?)\b/i, 'test'],
  [/^(docs?|document(s|ed)?|readme)\b/i, 'docs'],
  [/^(bump(s|ed)?|release[sd]?|upgrade[sd]?|chore|ci|build|lint|format(s|ted)?)\b/i, 'chore'],
  [/^(add(s|ed)?|implement(s|ed)?|introduce[sd]?|support(s|ed)?|allow(s|ed)?|enable[sd]?|create[sd]?|expose[sd]?|new)\b/i, 'feature'],
];

const KEYWORD_KINDS: Array<[RegExp, ExperienceKind]> = [
  [/^revert\b/i, 'revert'],
  [/\b(fix(e[sd])?|bug|crash|broken|regression|error|fail(s|ing|ure)?|wrong|incorrect|leak|hang|issue)\b/i, 'fix'],
  [/\b(refactor(ed|ing)?|clean ?up|simplif(y|ied)|rename[sd]?|restructure|extract(ed)?|move[sd]?|tidy)\b/i, 'refactor'],
  [/\b(docs?|documentation|readme|typo|comment(s)?|changelog)\b/i, 'docs'],
  [/\b(tests?|spec(s)?|coverage)\b/i, 'test'],
  [/\b(bump|release|deps?|dependenc(y|ies)|upgrade|ci|lint|format(ting)?)\b/i, 'chore'],
  [/\b(add(s|ed)?|implement(s|ed)?|introduce[sd]?|support(s)?|new|allow(s)?|enable[sd]?)\b/i, 'feature'],
];

/**
 * One of seven kinds. The convention in the subject wins; otherwise the words of the subject,
 * and last the shape of the change (only tests touched → test, only docs → docs).
 */
export function classifyKind(intent: Intent, files: readonly FileChange[], isRevert: boolean): ExperienceKind {
  if (isRevert) return 'revert';
  if (intent.type && TYPE_TO_KIND[intent.type]) return TYPE_TO_KIND[intent.type]!;
  const relevant = files.filter((f) => f.category !== 'lock' && f.category !== 'generated' && f.category !== 'vendored');
  if (relevant.length > 0 && relevant.every((f) => f.category === 'test')) return 'test';
  if (relevant.length > 0 && relevant.every((f) => f.category === 'docs')) return 'docs';
  for (const [pattern, kind] of LEADING_VERB_KINDS) if (pattern.test(intent.subject)) return kind;
  for (const [pattern, kind] of KEYWORD_KINDS) if (pattern.test(intent.subject)) return kind;
  if (files.length > 0 && files.every((f) => f.category === 'lock' || f.category === 'config')) return 'chore';
  return 'feature';
}
