import { redact, redactSecrets } from '../security/redact.ts';
import { renderSkillMarkdown } from './skillFile.ts';
import type { SkillDocument } from './skillFile.ts';

// A skill is text the agent obeys, so a learned or imported one can carry harm in (Misevolution):
// scripts, commands, network access, secrets, files sent away. The scan finds what a person must
// see before such a skill is used; it never decides alone. A finding means "look", so recall
// matters more than precision — except for ordinary prose ("run the tests"), which stays clean.
//
// Every rule is a bounded regular expression run line by line, so hostile input cannot make it slow,
// and every detail goes through the redactor, so a finding never repeats a secret.

export type SafetyFindingKind = 'script' | 'command' | 'network' | 'secret' | 'file-sharing';

export interface SafetyFinding {
  kind: SafetyFindingKind;
  /** What was found, short and redacted. */
  detail: string;
  /** `SKILL.md:12`, `scripts/run.sh:3`, or a resource path for the whole file. */
  where: string;
}

export interface SafetyReport {
  findings: SafetyFinding[];
  /** Any finding: a person approves the skill before it is used. */
  needsApproval: boolean;
  /** A secret value is present (not merely asked for): the skill must not be stored at all. */
  hasSecret: boolean;
}

/** Scans the SKILL.md as it will be stored (front matter and body) and every resource the skill carries. */
export function scanSkill(doc: SkillDocument, resources: Record<string, string | Buffer>): SafetyReport {
  return scanSkillText(renderSkillMarkdown(doc), resources);
}

/**
 * The same for a SKILL.md already on disk, read as it is: a hand-written file can hold what parsing
 * drops (YAML comments), and line numbers then point into the real file.
 */
export function scanSkillText(skillMarkdown: string, resources: Record<string, string | Buffer>): SafetyReport {
  const scan = new Scan();
  scanText(skillMarkdown, 'SKILL.md', true, scan);
  for (const path of Object.keys(resources).sort()) scanResource(path, resources[path]!, scan);
  return { findings: scan.findings, needsApproval: scan.findings.length > 0, hasSecret: scan.hasSecret };
}

/** Where the secret values are, for an error message that must not show them. */
export function secretPlaces(report: SafetyReport): string[] {
  return [...new Set(report.findings.filter((f) => f.kind === 'secret' && f.detail.startsWith(SECRET_VALUE)).map((f) => f.where))];
}

/** One line per finding, for a person deciding on approval. */
export function formatFindings(findings: readonly SafetyFinding[]): string[] {
  return findings.map((f) => `${f.kind.padEnd(12)} ${f.where.padEnd(24)} ${f.detail}`);
}

/** "2 findings: script (run.sh), network (SKILL.md:9)" — short enough for a decision's reason. */
export function summarizeFindings(findings: readonly SafetyFinding[]): string {
  const shown = findings.slice(0, 5).map((f) => `${f.kind} (${f.where}: ${f.detail})`);
  const more = findings.length > shown.length ? `, and ${findings.length - shown.length} more` : '';
  return `${findings.length} safety finding${findings.length === 1 ? '' : 's'}: ${shown.join(', ')}${more}`;
}

// ---------------------------------------------------------------------------------------------

const SECRET_VALUE = 'secret value';
const MAX_DETAIL = 80;
/** Per file and kind: a hostile resource must not turn the report into megabytes. */
const MAX_PER_SOURCE_KIND = 10;

class Scan {
  readonly findings: SafetyFinding[] = [];
  hasSecret = false;
  private readonly seen = new Set<string>();
  private readonly perSource = new Map<string, number>();

  add(kind: SafetyFindingKind, detail: string, where: string, source: string): void {
    const clean = clip(redact(detail.replace(/\s+/g, ' ').trim()));
    const key = `${kind}\0${clean}\0${where}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const counted = `${kind}\0${source}`;
    const n = (this.perSource.get(counted) ?? 0) + 1;
    this.perSource.set(counted, n);
    if (n <= MAX_PER_SOURCE_KIND) this.findings.push({ kind, detail: clean, where });
    else if (n === MAX_PER_SOURCE_KIND + 1) this.findings.push({ kind, detail: 'more of the same kind (not listed)', where: source });
  }
}

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}

// Scripts -------------------------------------------------------------------------------------

const SCRIPT_EXTENSIONS = new Set([
  'sh', 'bash', 'zsh', 'fish', 'ksh', 'ps1', 'psm1', 'bat', 'cmd', 'vbs', 'py', 'js', 'mjs', 'cjs', 'ts', 'mts', 'cts', 'rb', 'pl', 'php', 'lua',
  'exe', 'dll', 'so', 'dylib', 'bin', 'jar', 'wasm', 'scpt', 'applescript',
]);
/** Files that run without an extension saying so. */
const SCRIPT_NAMES = new Set(['makefile', 'justfile', 'rakefile', 'dockerfile']);
const SHELL_FENCE_LANGUAGES = new Set(['bash', 'sh', 'shell', 'zsh', 'fish', 'ksh', 'console', 'shell-session', 'shellsession', 'powershell', 'pwsh', 'ps', 'ps1', 'bat', 'batch', 'cmd']);
const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([\w+-]{0,40})/;
/** ELF, PE, Mach-O (both byte orders and fat), WebAssembly. */
const BINARY_MAGIC = [[0x7f, 0x45, 0x4c, 0x46], [0x4d, 0x5a], [0xcf, 0xfa, 0xed, 0xfe], [0xfe, 0xed, 0xfa, 0xcf], [0xca, 0xfe, 0xba, 0xbe], [0x00, 0x61, 0x73, 0x6d]];

function scanResource(path: string, content: string | Buffer, scan: Scan): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const base = path.split(/[\\/]/).at(-1)!.toLowerCase();
  const extension = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  const binary = isBinary(bytes);
  // latin1 keeps every byte as one character, so token-shaped ASCII inside a binary is still seen.
  const text = binary ? bytes.toString('latin1') : bytes.toString('utf8');
  if (binary) scan.add('script', 'binary content', path, path);
  if (SCRIPT_EXTENSIONS.has(extension)) scan.add('script', `executable file (.${extension})`, path, path);
  else if (SCRIPT_NAMES.has(base)) scan.add('script', `executable file (${base})`, path, path);
  if (!binary && text.startsWith('#!')) scan.add('script', `shebang ${text.split('\n', 1)[0]!.slice(0, 60)}`, path, path);
  scanText(text, path, extension === 'md' || extension === 'markdown', scan);
}

function isBinary(bytes: Buffer): boolean {
  if (BINARY_MAGIC.some((magic) => magic.every((b, i) => bytes[i] === b))) return true;
  return bytes.subarray(0, 8192).includes(0);
}

// Rules ---------------------------------------------------------------------------------------

interface Rule {
  kind: SafetyFindingKind;
  pattern: RegExp;
  /** The finding's detail from the match (redacted and clipped afterwards). */
  detail: (match: RegExpExecArray) => string;
}

const fixed = (text: string) => () => text;
const matched = (prefix: string) => (m: RegExpExecArray) => `${prefix}${m[1] ?? m[0]}`;

/**
 * Commands. A run verb counts only with the command itself in backticks ("run `make clean`"), so
 * plain prose such as "run the tests after changing the parser" is not a finding; risky commands
 * count wherever they appear. JavaScript's `eval(` is code the skill shows, not an order to run
 * something, so only the shell's `eval` counts.
 */
const COMMAND_RULES: Rule[] = [
  { kind: 'command', pattern: /\b(?:run|execute|exec|invoke|launch|type|enter)\s+(?:the\s+(?:command|script)\s+)?`([^`\n]{1,200})`/i, detail: (m) => `run \`${m[1]}\`` },
  { kind: 'command', pattern: /\brun\b[^`\n]{0,60}?\b(?:with|using|via)\s+`([^`\n]{1,200})`/i, detail: (m) => `run \`${m[1]}\`` },
  { kind: 'command', pattern: /\bexecute\s+(?:the\s+following|this|these|it|the\s+(?:script|command|binary|program|file))\b/i, detail: (m) => m[0] },
  { kind: 'command', pattern: /\bsudo\b/, detail: fixed('sudo') },
  { kind: 'command', pattern: /\brm\s+(?:-[a-zA-Z]*[rRf][a-zA-Z]*|--recursive|--force)\b/, detail: (m) => m[0] },
  // A pipe after a command, not a Markdown table cell ("| node | 20 |").
  { kind: 'command', pattern: /[^\s|]\s{0,4}\|\s{0,4}((?:sudo\s+)?(?:(?:ba|z|da|k|fi)?sh|python3?|node|perl|ruby|iex|Invoke-Expression))\b(?!\s{0,4}\|)/, detail: (m) => `pipes into ${m[1]}` },
  { kind: 'command', pattern: /\b(?:(?:npm|pnpm|yarn|bun)\s+(?:install|i|add|ci)|npx\s+[\w@.-]{1,60}|pip3?\s+install|python3?\s+-m\s+pip\s+install|(?:apt|apt-get|brew|yum|dnf|apk|gem|cargo|choco|winget)\s+(?:install|add)|go\s+(?:install|get))\b/, detail: (m) => `installs packages (${m[0]})` },
  { kind: 'command', pattern: /\bchmod\s+(?:[ugoa]{0,3}\+[rw]{0,2}x|[0-7]?[0-7]{2}[1357])\b/, detail: (m) => m[0] },
  { kind: 'command', pattern: /\beval\s+["'`$]/, detail: fixed('eval') },
  { kind: 'command', pattern: /\bInvoke-Expression\b|\b(?:bash|sh|zsh)\s+-c\s|\bpowershell(?:\.exe)?\s+-(?:c|command|enc|encodedcommand)\b/i, detail: (m) => m[0] },
  { kind: 'command', pattern: /\b(?:crontab\s+-e|systemctl\s+(?:enable|start)|launchctl\s+load)\b/, detail: (m) => m[0] },
  // A shell prompt line ("$ make deploy") shows a command to type.
  { kind: 'command', pattern: /^\s{0,8}\$\s([a-z][\w./-]{0,40}(?:\s[^\n]{0,60})?)/, detail: matched('$ ') },
];

/**
 * Network. Every URL is a finding, since an agent with tools may follow any of them: a URL on a line
 * that tells it to fetch, download or post is `fetch <origin>`, any other (a "see also" link) is
 * `link <origin>`. Only the origin is kept: paths and queries can carry tokens.
 */
const URL = /\b(?:https?|ftps?|sftp|wss?):\/\/[^\s<>()"'`\]]{1,2048}/gi;
const FETCH_VERB = /\b(?:fetch|download|post|put|send|upload|request|call|curl|wget|pull|clone|install|connect|submit|retrieve|load\s+from|get\s+(?:it\s+|them\s+)?from|query)\b/i;
const NETWORK_RULES: Rule[] = [
  { kind: 'network', pattern: /\bcurl\b/, detail: fixed('curl') },
  { kind: 'network', pattern: /\bwget\b/, detail: fixed('wget') },
  { kind: 'network', pattern: /\bfetch\(/, detail: fixed('fetch()') },
  { kind: 'network', pattern: /\b(?:Invoke-WebRequest|Invoke-RestMethod|Start-BitsTransfer)\b|\b(?:iwr|irm)\s/, detail: (m) => m[0].trim() },
  { kind: 'network', pattern: /\b(?:nc|ncat|netcat|socat|telnet)\s+(?:-[a-zA-Z]{1,4}\s+){0,4}[\w.-]{1,253}\s+\d{1,5}\b|\b(?:netcat|ncat|socat)\b/, detail: fixed('raw network connection (nc/socat/telnet)') },
  { kind: 'network', pattern: /\bssh\s+(?:-\S{1,20}\s+){0,6}[\w.-]{1,64}@[\w.-]{1,253}/, detail: fixed('ssh to a remote host') },
  { kind: 'network', pattern: /\bgit\s+clone\b/, detail: fixed('git clone') },
  { kind: 'network', pattern: /\b(?:requests|axios|httpx|urllib\.request|http|https)\.(?:get|post|put|patch|delete|request|urlopen)\(|\bXMLHttpRequest\b|\bnew\s+WebSocket\(/, detail: (m) => `${m[0]}…` },
];

/**
 * Secrets asked for (values are the redactor's business). A bare "token" or "key" is not asked
 * for: parsers have tokens and maps have keys; qualified forms ("access token", "API key",
 * GITHUB_TOKEN) are.
 */
const SECRET_REQUEST_RULES: Rule[] = [
  { kind: 'secret', pattern: /\bapi[ _-]?keys?\b/i, detail: fixed('asks for an API key') },
  { kind: 'secret', pattern: /\b(?:access|auth|api|bearer|refresh|session|oauth|personal[ -]access|github|gitlab|npm|pypi|slack|deploy|secret)[ _-]?tokens?\b/i, detail: (m) => `asks for a token (${m[0]})` },
  // Not where the word names a part of a program: a password field, fetch's `credentials: 'include'`.
  { kind: 'secret', pattern: /\bpass(?:word|wd|phrase)s?\b(?![ _-](?:field|input|box|form|hash|hashing|validation|strength|length|policy|rules?|reset|requirements?|column)s?\b)/i, detail: fixed('asks for a password') },
  { kind: 'secret', pattern: /\bcredentials?\b(?!['"]?\s{0,4}:\s{0,4}['"](?:include|omit|same-origin)['"])/i, detail: fixed('asks for credentials') },
  { kind: 'secret', pattern: /\b(?:private|secret|ssh|signing|gpg)[ _-]keys?\b/i, detail: (m) => `asks for a key (${m[0]})` },
  // `.env` as a file (after a space, quote, slash...), not `process.env` or `import.meta.env`.
  { kind: 'secret', pattern: /(?:^|[\s`'"(=:/])(\.env(?:\.[\w-]{1,20}){0,2})(?![\w/])/, detail: (m) => `reads ${m[1]}` },
  { kind: 'secret', pattern: /~\/\.ssh\b|\.ssh\/|\bid_(?:rsa|dsa|ecdsa|ed25519)\b/, detail: fixed('reads SSH keys') },
  { kind: 'secret', pattern: /\.aws\/credentials|\.npmrc\b|\.netrc\b|\.pgpass\b|\.git-credentials\b|\.docker\/config\.json|\.kube\/config|\bkeychain\b/i, detail: (m) => `reads a credentials file (${m[0]})` },
  { kind: 'secret', pattern: /\b[A-Z][A-Z0-9]{0,30}_(?:[A-Z0-9]{1,20}_){0,4}(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|SECRET_KEY|CREDENTIALS?)\b/, detail: (m) => `secret environment variable ${m[0]}` },
  { kind: 'secret', pattern: /\$\{?(?:TOKEN|PASSWORD|SECRET|API_?KEY)\b/, detail: (m) => `secret environment variable ${m[0].replace(/^\$\{?/, '')}` },
];

/** Files leaving the machine: uploads, copies to remote hosts, paste sites, pushes. */
const FILE_SHARING_RULES: Rule[] = [
  { kind: 'file-sharing', pattern: /\bupload(?:s|ed|ing)?\b/i, detail: fixed('upload') },
  { kind: 'file-sharing', pattern: /\bscp\s/, detail: fixed('scp') },
  { kind: 'file-sharing', pattern: /\brsync\b[^\n]{0,200}?(?:\s[\w.-]{1,64}@[\w.-]{1,253}:|\s[\w.-]{1,253}:[^\s/\\]|rsync:\/\/)/, detail: fixed('rsync to a remote host') },
  { kind: 'file-sharing', pattern: /\b(?:pastebin|hastebin|ghostbin|termbin|dpaste|paste\.ee|0x0\.st|transfer\.sh|file\.io|wetransfer)\b/i, detail: (m) => `paste or transfer site (${m[0]})` },
  { kind: 'file-sharing', pattern: /gist\.github(?:usercontent)?\.com|\bgh\s+gist\b|\b(?:to|in|into|as|a|new|secret|public|private)\s+(?:GitHub\s+)?gists?\b/i, detail: fixed('gist') },
  { kind: 'file-sharing', pattern: /\bsend\s+(?:(?:the|this|these|those|that|your|all|every|any)\s+)?(?:[\w.-]{1,40}\s+){0,2}?files?\b|\bsend\s+(?:it|them|everything|the\s+(?:logs?|output|contents?|repo(?:sitory)?|code|diff|patch))\s+to\b/i, detail: (m) => m[0] },
  { kind: 'file-sharing', pattern: /\bshare\s+(?:(?:the|this|these|your|all)\s+)?(?:[\w.-]{1,40}\s+){0,2}?(?:files?|logs?|output|contents?|data|repo(?:sitory)?|code|diff|patch|keys?|secrets?|credentials|tokens?|\.env)\s+with\b/i, detail: (m) => m[0] },
  { kind: 'file-sharing', pattern: /\bgit\s+push\b/, detail: fixed('git push') },
  { kind: 'file-sharing', pattern: /\bcurl\b[^\n]{0,200}?\s(?:-T|--upload-file|-F|--form|--data-binary\s+@|--data\s+@|-d\s+@)/, detail: fixed('curl uploads a file') },
];

const LINE_RULES: Rule[] = [...COMMAND_RULES, ...NETWORK_RULES, ...SECRET_REQUEST_RULES, ...FILE_SHARING_RULES];

function scanText(text: string, source: string, markdown: boolean, scan: Scan): void {
  const lines = text.split('\n');
  let fence: string | undefined;
  let secretLines = 0;
  for (const [i, raw] of lines.entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const where = `${source}:${i + 1}`;
    if (markdown) {
      const open = FENCE.exec(line);
      if (open && fence === undefined) {
        fence = open[1]!.charAt(0);
        const language = open[2]!.toLowerCase();
        if (SHELL_FENCE_LANGUAGES.has(language)) scan.add('script', `\`\`\`${language} code block`, where, source);
      } else if (open && fence !== undefined && line.trim().startsWith(fence)) {
        fence = undefined;
      }
    }
    const secrets = redactSecrets(line);
    if (secrets.count > 0) {
      secretLines++;
      scan.hasSecret = true;
      scan.add('secret', `${SECRET_VALUE} (${secrets.kinds.join(', ')})`, where, source);
    }
    // The other rules read the redacted line, so no detail can quote a secret that only the
    // whole line's context revealed.
    const safe = secrets.text;
    for (const rule of LINE_RULES) {
      const m = rule.pattern.exec(safe);
      if (m) scan.add(rule.kind, rule.detail(m), where, source);
    }
    for (const url of safe.matchAll(URL)) scan.add('network', `${FETCH_VERB.test(safe) ? 'fetch' : 'link'} ${originOf(url[0])}`, where, source);
  }
  // Secrets that only show across lines (a key block split oddly) are still refused.
  if (secretLines === 0) {
    const whole = redactSecrets(text);
    if (whole.count > 0) {
      scan.hasSecret = true;
      scan.add('secret', `${SECRET_VALUE} (${whole.kinds.join(', ')})`, source, source);
    }
  }
}

/** scheme://host[:port], without user info, path or query. */
function originOf(url: string): string {
  const scheme = url.slice(0, url.indexOf('://'));
  const rest = url.slice(scheme.length + 3);
  const authority = rest.split(/[/?#]/, 1)[0]!;
  return `${scheme.toLowerCase()}://${authority.slice(authority.lastIndexOf('@') + 1)}`;
}
