/** Word banks and naming helpers for the synthetic corpus. */

export interface Domain {
  name: string;
  /** Other scopes people write in commit subjects for this area, so scope and path do not always match. */
  aliases: string[];
  /** Concepts of the area: they name files, classes, functions and show up in commit messages. */
  nouns: string[];
  /** Words a commit message uses for a noun instead of the identifier's own word. */
  synonyms: Record<string, string>;
}

export const DOMAINS: Domain[] = [
  { name: 'auth', aliases: ['login', 'security'], nouns: ['token', 'credential', 'role', 'permission', 'scope', 'principal', 'policy', 'password'], synonyms: { token: 'access token', credential: 'login', principal: 'identity' } },
  { name: 'billing', aliases: ['invoices'], nouns: ['invoice', 'charge', 'plan', 'subscription', 'coupon', 'ledger', 'tax', 'refund'], synonyms: { charge: 'payment', ledger: 'balance', tax: 'VAT' } },
  { name: 'cache', aliases: ['caching'], nouns: ['entry', 'key', 'eviction', 'shard', 'bucket', 'snapshot', 'expiry'], synonyms: { eviction: 'LRU', expiry: 'TTL', entry: 'cached value' } },
  { name: 'config', aliases: ['settings'], nouns: ['setting', 'profile', 'override', 'schema', 'source', 'flag', 'secret'], synonyms: { flag: 'feature toggle', override: 'env override' } },
  { name: 'events', aliases: ['bus', 'pubsub'], nouns: ['event', 'subscriber', 'topic', 'envelope', 'handler', 'offset', 'backlog'], synonyms: { envelope: 'message', subscriber: 'listener' } },
  { name: 'gateway', aliases: ['api', 'http'], nouns: ['route', 'request', 'response', 'middleware', 'header', 'upstream', 'quota'], synonyms: { upstream: 'backend', quota: 'rate limit' } },
  { name: 'i18n', aliases: ['locale', 'translations'], nouns: ['locale', 'message', 'plural', 'catalog', 'translation', 'fallback'], synonyms: { catalog: 'message bundle', plural: 'plural form' } },
  { name: 'ingest', aliases: ['import', 'etl'], nouns: ['record', 'batch', 'pipeline', 'source', 'checkpoint', 'row', 'column'], synonyms: { row: 'line', checkpoint: 'resume point' } },
  { name: 'inventory', aliases: ['stock'], nouns: ['item', 'warehouse', 'sku', 'reservation', 'stock', 'shipment'], synonyms: { sku: 'product code', reservation: 'hold' } },
  { name: 'metrics', aliases: ['telemetry', 'observability'], nouns: ['counter', 'gauge', 'histogram', 'sample', 'label', 'exporter', 'span'], synonyms: { label: 'tag', span: 'trace span' } },
  { name: 'notify', aliases: ['notifications', 'email'], nouns: ['notification', 'template', 'channel', 'recipient', 'digest', 'webhook'], synonyms: { recipient: 'user', digest: 'summary email' } },
  { name: 'orders', aliases: ['checkout'], nouns: ['order', 'cart', 'line', 'discount', 'address', 'fulfillment'], synonyms: { line: 'order line', fulfillment: 'delivery' } },
  { name: 'parser', aliases: ['lexer', 'syntax'], nouns: ['header', 'token', 'node', 'literal', 'span', 'grammar', 'expression', 'input'], synonyms: { span: 'source range', literal: 'constant', node: 'AST node' } },
  { name: 'payments', aliases: ['psp', 'stripe'], nouns: ['payment', 'card', 'intent', 'payout', 'dispute', 'currency'], synonyms: { intent: 'payment intent', dispute: 'chargeback' } },
  { name: 'scheduler', aliases: ['jobs', 'cron'], nouns: ['job', 'trigger', 'worker', 'lease', 'queue', 'retry', 'deadline'], synonyms: { lease: 'lock', retry: 'backoff', deadline: 'timeout' } },
  { name: 'search', aliases: ['index', 'query'], nouns: ['query', 'document', 'index', 'facet', 'ranking', 'term', 'highlight'], synonyms: { facet: 'filter', ranking: 'scoring', term: 'keyword' } },
  { name: 'session', aliases: ['sessions'], nouns: ['session', 'cookie', 'device', 'heartbeat', 'presence'], synonyms: { heartbeat: 'keepalive', device: 'client' } },
  { name: 'storage', aliases: ['blob', 'fs'], nouns: ['blob', 'object', 'chunk', 'manifest', 'volume', 'upload', 'checksum'], synonyms: { blob: 'file', chunk: 'part', checksum: 'digest' } },
  { name: 'users', aliases: ['accounts', 'profile'], nouns: ['user', 'account', 'avatar', 'invite', 'team', 'preference'], synonyms: { invite: 'invitation', preference: 'user setting' } },
  { name: 'workflow', aliases: ['flows'], nouns: ['workflow', 'step', 'transition', 'state', 'approval', 'task'], synonyms: { transition: 'state change', approval: 'sign-off' } },
];

export const VERBS = ['get', 'load', 'find', 'resolve', 'build', 'apply', 'compute', 'validate', 'normalize', 'parse', 'fetch', 'store', 'update', 'merge', 'encode', 'decode', 'emit', 'flush', 'schedule', 'refresh', 'ensure', 'check', 'collect', 'filter', 'render', 'format', 'register', 'lookup', 'create', 'remove', 'sync', 'prune', 'track', 'serialize', 'handle', 'list', 'count', 'release', 'acquire', 'retry'];

/** -ing forms for message prose; irregular ones spelled out. */
export function gerund(verb: string): string {
  const irregular: Record<string, string> = { get: 'getting', emit: 'emitting', lookup: 'looking up', list: 'listing', set: 'setting', format: 'formatting' };
  if (irregular[verb]) return irregular[verb];
  if (verb.endsWith('e') && !verb.endsWith('ee')) return `${verb.slice(0, -1)}ing`;
  return `${verb}ing`;
}

export function plural(noun: string): string {
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

export function thirdPerson(verb: string): string {
  if (verb === 'lookup') return 'looks up';
  return plural(verb);
}

export const ROLES = ['Store', 'Manager', 'Service', 'Client', 'Parser', 'Resolver', 'Validator', 'Builder', 'Registry', 'Handler', 'Controller', 'Repository', 'Cache', 'Scheduler', 'Formatter', 'Serializer', 'Loader', 'Policy', 'Mapper', 'Adapter', 'Tracker', 'Planner', 'Reader', 'Writer'];
export const UI_ROLES = ['Panel', 'List', 'Form', 'Card', 'Dialog', 'View', 'Table', 'Badge', 'Editor', 'Summary'];
export const GENERIC_NOUNS = ['items', 'result', 'value', 'entry', 'options', 'config', 'count', 'limit', 'offset', 'key', 'id', 'payload', 'request', 'buffer', 'state', 'batch', 'context', 'deadline', 'attempts', 'index', 'name', 'timeout', 'cursor', 'pending', 'snapshot'];
export const PROPS = ['id', 'name', 'size', 'status', 'createdAt', 'updatedAt', 'version', 'kind', 'priority', 'weight', 'expiresAt', 'ownerId', 'total', 'label'];
export const ADJECTIVES = ['stale', 'empty', 'missing', 'duplicate', 'expired', 'invalid', 'partial', 'negative', 'unbounded', 'nested', 'unicode', 'concurrent', 'null', 'oversized', 'malformed'];

export const AUTHORS = [
  { name: 'Alice Moreau', email: 'alice.moreau@acme.dev', tz: '+0100', weight: 30 },
  { name: 'Bram de Vries', email: 'bram@acme.dev', tz: '+0200', weight: 22 },
  { name: 'Chen Wei', email: 'chen.wei@acme.dev', tz: '+0800', weight: 18 },
  { name: 'Dana Okafor', email: 'dana.okafor@acme.dev', tz: '-0500', weight: 14 },
  { name: 'Elif Yilmaz', email: 'elif@acme.dev', tz: '+0300', weight: 10 },
  { name: 'Felipe Santos', email: 'fsantos@users.noreply.github.com', tz: '-0300', weight: 6 },
];
export const BOT = { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com', tz: '+0000' };

export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}
const cap = (w: string): string => (w ? w[0]!.toUpperCase() + w.slice(1) : w);
export const camel = (ws: string[]): string => ws.map((w, i) => (i === 0 ? w : cap(w))).join('');
export const pascal = (ws: string[]): string => ws.map(cap).join('');
export const snake = (ws: string[]): string => ws.join('_');
export const upperSnake = (ws: string[]): string => ws.join('_').toUpperCase();
export const kebab = (ws: string[]): string => ws.join('-');
export const capitalize = cap;
