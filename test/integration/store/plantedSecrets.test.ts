import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRepo } from '../../helpers/gitRepo.ts';
import { call, startServer } from '../mcp/mcpHarness.ts';
import { seededRandom } from '../../../src/core/memory/seededRandom.ts';

// An adversarial history: about fifty secrets planted wherever git lets text in (diff lines added
// and removed, commit subjects and bodies, author names and emails, file names and a rename's old
// path, key files added and replaced in place), mined by the real CLI. No secret, nor any 12-character
// piece of one, may then appear in any byte under .coevolve, in any CLI output or in any MCP answer.
// Hashes that merely look random (git shas, hex digests, lockfile integrity values) must survive.

const CLI = join(import.meta.dirname, '../../../dist/cli.cjs');

// Fake secrets are made at run time from a seeded generator and prefixes assembled from pieces, so
// this file never looks like a leak to secret scanners, and every run plants the same values.
const cat = (...parts: string[]): string => parts.join('');
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const B62 = UPPER + LOWER + DIGITS;
const B64 = `${B62}+/`;
const B64URL = `${B62}-_`;
const HEX = '0123456789abcdef';
const BASE32 = `${UPPER}234567`;
const PASSWORD = `${B62}!%^*+?~&-`;

function seeded(seed: number): (alphabet: string, length: number) => string {
  const next = seededRandom(seed);
  return (alphabet, length) => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
}
const random = seeded(17);
/** A password as people pick them when told to: letters, digits and a few symbols, never a word. */
const password = (length = 16): string => cat(random(UPPER, 1), random(LOWER, 2), random(DIGITS, 1), random(PASSWORD, length - 4));

const secrets = new Map<string, string>();
/** Records a secret under a name (for the failure message) and returns it. */
function plant(name: string, value: string): string {
  assert.ok(!secrets.has(name), name);
  secrets.set(name, value);
  return value;
}
const lookalikes = new Map<string, string>();
function keep(name: string, value: string): string {
  lookalikes.set(name, value);
  return value;
}

const armor = (edge: 'BEGIN' | 'END', label: string): string => cat('-----', edge, ' ', label, 'PRIV', 'ATE KEY', '-----');
/** A PEM private key whose body lines are each planted (they are what a key is made of). */
function privateKey(name: string, label: string, lines = 6): string {
  const body = Array.from({ length: lines }, (_, i) => plant(`${name} line ${i + 1}`, random(B64, i === lines - 1 ? 44 : 64)));
  return [armor('BEGIN', label), ...body, armor('END', label), ''].join('\n');
}

interface Output {
  where: string;
  text: string;
}

interface StoreFile extends Output {
  utf8: string;
}

describe('planted secrets', () => {
  let repo: GitRepo;
  const shas: Record<string, string> = {};
  const outputs: Output[] = [];
  let storeFiles: StoreFile[] = [];
  let mined: { mined: number } | undefined;

  const cli = (args: string[]): string => {
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.dir, encoding: 'utf8' });
    outputs.push({ where: `coevolve ${args.join(' ')}`, text: `${result.stdout}\n${result.stderr}` });
    return result.stdout;
  };
  const as = (name: string, email: string, commit: () => string): string => {
    repo.git('config', 'user.name', name);
    repo.git('config', 'user.email', email);
    try {
      return commit();
    } finally {
      repo.git('config', 'user.name', 'Test Author');
      repo.git('config', 'user.email', 'author@example.com');
    }
  };

  before(async () => {
    assert.ok(existsSync(CLI), 'run `npm run build` first (npm test does)');
    repo = GitRepo.create('coevolve-secrets-');

    // Look-alikes: random to the eye, but hashes that must survive.
    const lockIntegrity = `sha512-${random(B64, 86)}==`;
    shas.scaffold = repo.commit('feat: scaffold the app', {
      'src/app.ts': 'export function parseHeader(input: string): string[] {\n  return input.split(":");\n}\n',
      'README.md': '# App\n',
      'package.json': '{\n  "name": "app",\n  "version": "1.0.0"\n}\n',
      'package-lock.json': `{\n  "packages": {\n    "node_modules/left-pad": {\n      "version": "1.3.0",\n      "integrity": "${lockIntegrity}"\n    }\n  }\n}\n`,
    });

    shas.cloud = repo.commit('feat(config): add cloud service settings', {
      'src/config/aws.ts': `export const accessKeyId = '${plant('aws access key id', cat('AK', 'IA', random(BASE32, 16)))}';\nexport const secretAccessKey = '${plant('aws secret access key', random(B64, 40))}';\n`,
      'src/billing/stripe.ts': `export const stripe = new Stripe('${plant('stripe live key', cat('sk', '_live_', random(B62, 24)))}');\nexport const currency = 'eur';\n`,
      'src/ai/client.py': `client = OpenAI(api_key="${plant('openai project key', cat('sk', '-proj-', random(B64URL, 56)))}")\nmodel = "small"\n`,
      'src/mail.ts': `sendgrid.setApiKey('${plant('sendgrid key', cat('S', 'G.', random(B64URL, 22), '.', random(B64URL, 43)))}');\nexport const sender = 'noreply@example.com';\n`,
    });

    shas.notify = repo.commit('feat(notify): post deploy notices to chat', {
      'config/slack.yml': `bot_token: ${plant('slack bot token', cat('xo', 'xb-', random(DIGITS, 11), '-', random(DIGITS, 13), '-', random(B62, 24)))}\nwebhook: https://hooks.slack.com/services/${plant('slack webhook path', cat('T', random(BASE32, 10), '/B', random(BASE32, 10), '/', random(B62, 24)))}\n`,
      'scripts/release.sh': `curl -H "Authorization: token ${plant('github fine-grained token', cat('github', '_pat_', random(B62, 22), '_', random(B62, 59)))}" https://api.github.com/repos\ncurl -H "Authorization: Bearer ${plant('bearer token', random(B62, 40))}" https://deploy.example.com/hook\n`,
      '.env': `GITHUB_TOKEN=${plant('github token in .env', cat('gh', 'p_', random(B62, 36)))}\nDB_PASSWORD=${plant('.env password', password())}\n`,
      'src/oauth.ts': `const cached = "${plant('github oauth token', cat('gh', 'o_', random(B62, 36)))}";\nexport const maps = loadMaps("${plant('google api key', cat('AI', 'za', random(B64URL, 35)))}");\n`,
    });

    shas.database = repo.commit('feat(db): connect to the reporting database', {
      'docker-compose.yml': `      DATABASE_URL: postgres://app_user:${plant('database url password', random(B62, 18))}@db.internal:5432/app\n`,
      'config/database.yml': `password: ${plant('yaml password', password())}\nhost: db.internal\n`,
      'config/app.xml': `<password>${plant('xml password', password())}</password>\n<host>db.internal</host>\n`,
      'settings.py': `SECRET_KEY = '${plant('django secret key', cat('django-insecure-', random(`${LOWER}${DIGITS}!@%^*(-_=+)`, 50)))}'\nDEBUG = False\n`,
    });

    const legacyLine = `const legacyClient = createClient("${plant('removed generic literal', random(B62, 40))}", region);`;
    shas.legacy = repo.commit('feat(reports): legacy client for old reports', {
      'src/legacy.ts': `${legacyLine}\nexport function report() {\n  return legacyClient.fetch();\n}\n`,
    });

    const botName = `release-bot ${plant('token in author name', random(B62, 32))}`;
    const botEmail = `${plant('token in author email', cat('np', 'm_', random(B62, 36)))}@ci.example.com`;
    shas.hub = as(botName, botEmail, () =>
      repo.commit('feat(ml): train on the hub dataset', {
        'notebooks/train.py': `login(token="${plant('huggingface token', cat('h', 'f_', random(B62, 34)))}")\nepochs = 3\n`,
        '.gitlab-ci.yml': `variables:\n  GITLAB_TOKEN: ${plant('gitlab token', cat('gl', 'pat-', random(B64URL, 20)))}\n`,
        'appsettings.json': `{\n  "Storage": "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${plant('azure account key', random(B64, 86))}==;EndpointSuffix=core.windows.net"\n}\n`,
        '.npmrc': `//registry.npmjs.org/:_authToken=${plant('npm token in .npmrc', cat('np', 'm_', random(B62, 36)))}\n`,
      }),
    );

    shas.tls = repo.commit('feat(tls): ship server certificates', {
      'certs/server.key': privateKey('server key (first)', 'RSA '),
      'deploy/id_ed25519': privateKey('deploy ssh key', 'OPENSSH ', 4),
      'src/tls.ts': `export const fallbackKey = \`${privateKey('pem in source', 'EC ', 3)}\`;\n`,
      'keys/service-account.json': `{\n  "private_key": "${armor('BEGIN', '')}\\n${plant('service account key', random(B64, 64))}\\n${armor('END', '')}\\n",\n  "client_email": "bot@acme.iam.example.com"\n}\n`,
    });
    // Replaced in place: the armour lines stay, so the diff holds only the old and new bodies.
    shas.rotateKey = repo.commit('chore(tls): rotate the server key', { 'certs/server.key': privateKey('server key (second)', 'RSA ') });

    const subjectPassword = plant('password in subject', password(14));
    shas.creds = repo.commit(
      [
        `chore: rotate staging creds (password: ${subjectPassword})`,
        '',
        'Rotated after the leak reported in #12.',
        `The new password: ${plant('password in body', password())}`,
        `secret: ${plant('secret in body', random(B62, 24))}`,
        `token: ${plant('token in body', password(20))}`,
        `I had pasted ${plant('github token in body', cat('gh', 'p_', random(B62, 36)))} into CI by mistake.`,
        `The old DSN was mysql://root:${plant('dsn password in body', random(B62, 16))}@10.0.0.5/prod and is gone.`,
        `aws_secret_access_key=${plant('aws secret in body', random(B64, 40))}`,
        `Follow-up to ${keep('git sha in a body', shas.cloud)}.`,
      ].join('\n'),
      { 'src/staging.ts': 'export const stagingHost = "staging.example.com";\n' },
    );

    const longLine = `logger.debug('notifying the release channel that the deployment of the service finished', '${plant('slack token past column 120', cat('xo', 'xp-', random(DIGITS, 11), '-', random(DIGITS, 12), '-', random(B62, 32)))}');`;
    shas.signing = repo.commit(`fix(signing): use key ${plant('high-entropy literal in subject', random(B64, 32))} for webhook signatures`, {
      'src/signing.ts': `export const client = createClient("${plant('generic literal in code', random(B62, 40))}", region);\nheaders.set('X-Request-Sig', '${plant('generic literal in a call', random(B64, 44))}');\n`,
      'src/legacy.ts': 'export function report() {\n  return legacyClient.fetch();\n}\n',
      'src/log.ts': `${longLine}\n`,
      'src/blob.ts': `export const seedMaterial = [\n  "${plant('base64 blob in words', random(B64, 64))}",\n];\n`,
    });

    const secretFile = `secrets/${plant('token in a file name', cat('gh', 'p_', random(B62, 36)))}.txt`;
    const stripeFile = `config/${plant('token in a renamed path', cat('sk', '_live_', random(B62, 24)))}.json`;
    const randomDir = `tokens/${plant('generic token in a renamed folder', random(B62, 28))}/settings.ts`;
    const randomFile = `keys/${plant('generic token in a file name', random(B62, 32))}.json`;
    shas.files = as(`deploy ${plant('github token in author name', cat('gh', 'p_', random(B62, 36)))}`, `${plant('generic token in author email', random(B62, 24))}@users.noreply.example.com`, () =>
      repo.commit('feat: store release settings', {
        [secretFile]: 'rotate me\n',
        [stripeFile]: '{\n  "currency": "eur",\n  "capture": true\n}\n',
        [randomDir]: 'export const retries = 3;\nexport const backoffMs = 250;\n',
        [randomFile]: '{}\n',
      }),
    );
    repo.git('mv', stripeFile, 'config/stripe.json');
    repo.git('mv', randomDir, 'src/settings.ts');
    shas.rename = repo.commit('refactor(config): move settings to stable names');

    shas.pins = repo.commit('feat(assets): pin checksums and integrity hashes', {
      'checksums.txt': `${keep('sha256 digest', random(HEX, 64))}  app-1.0.0.tgz\n${keep('second sha256 digest', random(HEX, 64))}  app-1.0.1.tgz\n`,
      'web/index.html': `<script src="/app.js" integrity="${keep('sri sha384', `sha384-${random(B64, 64)}`)}"></script>\n`,
      'importmap.json': `{\n  "integrity": "${keep('importmap sha512 integrity', `sha512-${random(B64, 86)}==`)}"\n}\n`,
      'src/pins.ts': `export const BASE_COMMIT = '${keep('git sha in code', shas.scaffold)}';\nexport const SOURCE_SHA1 = '${keep('sha1 hex digest', random(HEX, 40))}';\n`,
    });
    shas.lockfiles = repo.commit('test: lockfile fixtures', {
      'test/fixtures/yarn.lock.txt': `  integrity ${keep('yarn integrity', `sha512-${random(B64, 86)}==`)}\n  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz"\n`,
      'test/fixtures/pnpm-lock.txt': `resolution: {integrity: ${keep('pnpm integrity', `sha1-${random(B64, 27)}=`)}}\n`,
      'package-lock.json': `{\n  "packages": {\n    "node_modules/left-pad": {\n      "version": "1.3.1",\n      "integrity": "sha512-${random(B64, 86)}=="\n    }\n  }\n}\n`,
    });
    repo.git('revert', '--no-edit', shas.signing!);
    shas.revert = repo.head();
    keep('git sha in a revert body', shas.signing!);

    // The real CLI mines, then everything that prints what it mined is asked.
    mined = JSON.parse(cli(['mine', '--json'])) as { mined: number };
    cli(['stats']);
    cli(['stats', '--json']);
    for (const query of [
      'cloud service settings aws stripe', 'deploy notices chat slack webhook release', 'reporting database connection password',
      'train hub dataset gitlab azure npm', 'server certificates tls key rotate', 'rotate staging creds password token secret',
      'webhook signatures signing legacy client', 'store release settings secrets keys', 'move settings to stable names stripe config',
      'checksums integrity hashes', 'settings.ts', 'stripe.json',
    ]) {
      cli(['recall', query, '--json']);
      cli(['recall', query]);
    }
    for (const sha of Object.values(shas)) {
      cli(['memory', 'show', sha]);
      cli(['memory', 'show', sha, '--json']);
    }

    const server = await startServer(['--workspace', repo.dir]);
    try {
      const ask = async (tool: string, args: Record<string, unknown>) => {
        const answer = await call(server.client, tool, args);
        outputs.push({ where: `mcp ${tool} ${JSON.stringify(args)}`, text: answer.text });
      };
      for (const text of ['rotate staging creds password', 'server certificates key', 'webhook signatures', 'store release settings', 'cloud service settings', 'deploy notices chat']) {
        await ask('recall', { text, k: 30 });
      }
      for (const message of ['signing webhook signatures fail', 'rotate creds']) await ask('similar_fixes', { message, k: 20 });
      const paths = repo.git('log', '--name-only', '--format=').split('\n').filter((p) => p.trim() !== '');
      for (const path of new Set(['config/stripe.json', 'src/settings.ts', 'certs/server.key', 'src/legacy.ts', 'src/signing.ts', '.env', ...paths])) {
        await ask('file_history', { path, limit: 200 });
      }
      outputs.push({ where: 'mcp server stderr', text: server.stderr() });
    } finally {
      await server.close();
    }
    storeFiles = readTree(join(repo.dir, '.coevolve'));
  });

  after(() => repo?.remove());

  it('plants about fifty secrets, and the store and every output are there to search', () => {
    assert.ok(secrets.size >= 50, `${secrets.size} secrets`);
    assert.equal(new Set(secrets.values()).size, secrets.size, 'each secret is distinct');
    assert.ok(storeFiles.some((f) => f.where.includes('experiences')), storeFiles.map((f) => f.where).join(', '));
    assert.equal(mined?.mined, Object.keys(shas).length, 'every commit was mined');
    // The outputs are about the planted commits: the searches found them.
    const everything = outputs.map((o) => o.text).join('\n');
    for (const subject of ['rotate staging creds', 'ship server certificates', 'store release settings', 'move settings to stable names']) assert.ok(everything.includes(subject), subject);
  });

  it('finds the history of a file named after a token under the name memory gave it', () => {
    const answer = outputs.find((o) => o.where.startsWith('mcp file_history') && o.where.includes('"secrets/'));
    assert.match(answer?.text ?? '', /1 changes to secrets\/\[REDACTED:[a-z-]+\]\.txt/);
    const renamed = outputs.find((o) => o.where.startsWith('mcp file_history {"path":"config/stripe.json"'));
    assert.match(renamed?.text ?? '', /renamed from config\/\[REDACTED:[a-z-]+\]\.json/);
  });

  it('no secret, nor any 12-character piece of one, reaches the store, the CLI or the MCP server', () => {
    const leaks = findLeaks([...storeFiles, ...outputs]);
    const leaked = new Set(leaks.map((l) => l.secret));
    assert.equal(leaked.size, 0, `${leaked.size} of ${secrets.size} planted secrets leaked:\n${leaks.slice(0, 80).map((l) => `  ${l.secret} in ${l.where}: …${l.context}…`).join('\n')}`);
  });

  it('keeps no fragment of a key or token among the words and keywords of an experience', () => {
    // Only the random part of each secret counts: "github" is a word, not a piece of github_pat_….
    const values = [...secrets.values()].map((v) => v.replace(/^(?:[a-z]+[_-]){1,2}/, ''));
    const fragments: string[] = [];
    for (const file of storeFiles.filter((f) => f.where.includes('experiences'))) {
      const shard = JSON.parse(file.utf8) as { items: Array<{ sha: string; keywords: string[]; files: Array<{ words?: string[] }> }> };
      for (const item of shard.items) {
        for (const word of [...item.keywords, ...item.files.flatMap((f) => f.words ?? [])]) {
          if (word.length >= 6 && values.some((v) => v.includes(word))) fragments.push(`${item.sha.slice(0, 10)}: ${word}`);
        }
      }
    }
    assert.deepEqual(fragments, []);
  });

  it('keeps git shas, hex digests and lockfile integrity values as they are', () => {
    const store = storeFiles.map((f) => f.text).join('\n');
    const missing = [...lookalikes].filter(([, value]) => !store.includes(value)).map(([name, value]) => `${name} (${value})`);
    assert.deepEqual(missing, []);
    // And the ordinary words of the history are still there to be recalled by.
    for (const word of ['parseHeader', 'rotate staging creds', 'legacyClient', 'config/stripe.json', 'src/settings.ts', 'ship server certificates']) assert.ok(store.includes(word), word);
  });

  function findLeaks(haystacks: Output[]): Array<{ secret: string; where: string; context: string }> {
    const found: Array<{ secret: string; where: string; context: string }> = [];
    for (const [name, value] of secrets) {
      const pieces = value.length <= 12 ? [value] : Array.from({ length: value.length - 11 }, (_, i) => value.slice(i, i + 12));
      for (const { where, text } of haystacks) {
        const piece = pieces.find((p) => text.includes(p));
        if (piece === undefined) continue;
        const at = text.indexOf(piece);
        found.push({ secret: name, where, context: text.slice(Math.max(0, at - 30), at + piece.length + 10).replace(/\n/g, '\\n') });
      }
    }
    return found;
  }
});

/** Every file under a folder, read as bytes (latin1 keeps any byte findable). */
function readTree(dir: string): StoreFile[] {
  const files: StoreFile[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = readFileSync(path);
    const utf8 = bytes.toString('utf8');
    files.push({ where: path.slice(dir.length + 1), text: `${utf8}\n${bytes.toString('latin1')}`, utf8 });
  }
  return files;
}
