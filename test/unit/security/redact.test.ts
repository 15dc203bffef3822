import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containsSecret, redact, redactSecrets } from '../../../src/core/security/redact.ts';

// Fake secrets are assembled from pieces so this file never looks like a leak to secret scanners.
const join = (...parts: string[]): string => parts.join('');
const ALNUM = 'aB3dE5fG7hJ9kL2mN4pQ6rS8tU0vW1xY';
const alnum = (length: number): string => ALNUM.repeat(Math.ceil(length / ALNUM.length)).slice(0, length);
const b64 = (length: number): string => 'Zx9+Qw3/Er7Ty1Ui5Op0As4Df8Gh2Jk6'.repeat(Math.ceil(length / 32)).slice(0, length);

const AWS_ID = join('AK', 'IA', 'QX7Z4N2L5B8C3D6F');
const AWS_SECRET = join('wJalrXUtnFEMI', '/K7MDENG/bPxRfiCY', 'Q9z8X7w6V5u4T3');
const GITHUB = join('gh', 'p_', alnum(36));
const GITHUB_PAT = join('github', '_pat_', alnum(22), '_', alnum(59));
const GITLAB = join('gl', 'pat-', alnum(20));
const SLACK = join('xo', 'xb-', '1234567890-', '0987654321-', alnum(24));
const STRIPE = join('sk', '_live_', alnum(24));
const STRIPE_RESTRICTED = join('rk', '_live_', alnum(24));
const OPENAI = join('sk', '-', alnum(48));
const OPENAI_PROJECT = join('sk', '-proj-', alnum(40), '_', alnum(40));
const ANTHROPIC = join('sk', '-ant-', 'api03-', alnum(80), '-', alnum(10));
const GOOGLE = join('AI', 'za', 'Sy', alnum(33));
const NPM = join('np', 'm_', alnum(36));
const JWT = join('ey', 'JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.', 'ey', 'JzdWIiOiIxMjM0NTY3ODkwIn0', '.', 'dQw4w9WgXcQ-abc_DEF123');
/** PEM armour lines, assembled so no literal key header sits in this file. */
const armor = (edge: 'BEGIN' | 'END', label = '', tail = ''): string => join('-----', edge, ' ', label, 'PRIV', 'ATE KEY', tail, '-----');
const PEM_BODY = ['MIIEowIBAAKCAQEA' + alnum(48), alnum(64), b64(64), 'zQ==' ].join('\n');

function check(input: string, expectedKinds: string[]): string {
  const result = redactSecrets(input);
  assert.deepEqual(result.kinds, [...new Set(expectedKinds)].sort(), `kinds for ${JSON.stringify(input)} -> ${result.text}`);
  assert.ok(result.count >= 1, `count for ${JSON.stringify(input)}`);
  return result.text;
}

function unchanged(input: string): void {
  const result = redactSecrets(input);
  assert.equal(result.text, input, `should be left alone: ${JSON.stringify(input)}`);
  assert.equal(result.count, 0);
  assert.deepEqual(result.kinds, []);
}

describe('redactSecrets: private keys', () => {
  for (const label of ['RSA ', 'EC ', 'DSA ', 'OPENSSH ', 'ENCRYPTED ', '']) {
    it(`redacts a ${label || 'PKCS#8 '}PRIVATE KEY block and keeps the text around it`, () => {
      const block = `${armor('BEGIN', label)}\n${PEM_BODY}\n${armor('END', label)}`;
      const out = check(`Add deploy key\n\n${block}\nthanks`, ['private-key']);
      assert.equal(out, 'Add deploy key\n\n[REDACTED:private-key]\nthanks');
    });
  }

  it('redacts a PGP private key block', () => {
    const block = `${armor('BEGIN', 'PGP ', ' BLOCK')}\nVersion: GnuPG v2\n\n${PEM_BODY}\n=abcd\n${armor('END', 'PGP ', ' BLOCK')}`;
    assert.equal(check(`x ${block} y`, ['private-key']), 'x [REDACTED:private-key] y');
  });

  it('redacts a key block in a diff, with every line prefixed by +', () => {
    const diff = [
      'diff --git a/id_rsa b/id_rsa',
      '@@ -0,0 +1,4 @@',
      `+${armor('BEGIN', 'RSA ')}`,
      ...PEM_BODY.split('\n').map((line) => `+${line}`),
      `+${armor('END', 'RSA ')}`,
      ' unrelated context',
    ].join('\n');
    const out = check(diff, ['private-key']);
    assert.ok(out.includes('+[REDACTED:private-key]\n unrelated context'), out);
    assert.ok(!out.includes('MIIE'));
  });

  it('redacts to the end of the text when the END line is missing', () => {
    const out = check(`key:\n${armor('BEGIN', 'OPENSSH ')}\n${PEM_BODY}`, ['private-key']);
    assert.equal(out, 'key:\n[REDACTED:private-key]');
  });

  it('redacts a cut-off key only up to the next hunk', () => {
    const diff = `@@ -1,3 +1,3 @@\n+${armor('BEGIN', 'EC ')}\n+${alnum(64)}\n@@ -40,2 +40,2 @@\n-old line\n+new line`;
    const out = check(diff, ['private-key']);
    assert.equal(out, '@@ -1,3 +1,3 @@\n+[REDACTED:private-key]\n@@ -40,2 +40,2 @@\n-old line\n+new line');
  });

  it('redacts a key embedded with escaped newlines in a string', () => {
    const out = check(`const k = "${armor('BEGIN')}\\n${alnum(64)}\\n${armor('END')}\\n";`, ['private-key']);
    assert.equal(out, 'const k = "[REDACTED:private-key]\\n";');
  });

  it('redacts the private_key of a GCP service-account JSON', () => {
    const json = `{\n  "type": "service_account",\n  "private_key_id": "${'0a1b2c3d4e5f'.repeat(3)}abcd",\n  "private_key": "${armor('BEGIN')}\\n${alnum(64)}\\n${b64(64)}\\n${armor('END')}\\n",\n  "client_email": "bot@proj.iam.gserviceaccount.com"\n}`;
    const out = check(json, ['gcp-service-account-key']);
    assert.ok(out.includes('"private_key": "[REDACTED:gcp-service-account-key]"'), out);
    assert.ok(out.includes('"client_email": "bot@proj.iam.gserviceaccount.com"'));
    assert.ok(!out.includes(alnum(64)));
  });

  it('does not treat a certificate as a secret', () => {
    unchanged(`-----BEGIN CERTIFICATE-----\n${alnum(64)}\n-----END CERTIFICATE-----`);
  });
});

describe('redactSecrets: known token formats', () => {
  const cases: [string, string, string][] = [
    ['AWS access key id', `aws configure set key ${AWS_ID}`, 'aws-access-key-id'],
    ['GitHub classic token', `token ${GITHUB} in CI`, 'github-token'],
    ['GitHub OAuth token', `use ${join('gh', 'o_', alnum(36))}`, 'github-token'],
    ['GitHub user-to-server token', `use ${join('gh', 'u_', alnum(36))}`, 'github-token'],
    ['GitHub server token', `use ${join('gh', 's_', alnum(36))}`, 'github-token'],
    ['GitHub refresh token', `use ${join('gh', 'r_', alnum(36))}`, 'github-token'],
    ['GitHub fine-grained PAT', `use ${GITHUB_PAT}`, 'github-token'],
    ['GitLab PAT', `use ${GITLAB}`, 'gitlab-token'],
    ['Slack bot token', `use ${SLACK}`, 'slack-token'],
    ['Slack user token', `use ${join('xo', 'xp-', '1234-5678-', alnum(20))}`, 'slack-token'],
    ['Stripe live key', `use ${STRIPE}`, 'stripe-key'],
    ['Stripe restricted key', `use ${STRIPE_RESTRICTED}`, 'stripe-key'],
    ['OpenAI key', `use ${OPENAI}`, 'openai-api-key'],
    ['OpenAI project key', `use ${OPENAI_PROJECT}`, 'openai-api-key'],
    ['Anthropic key', `use ${ANTHROPIC}`, 'anthropic-api-key'],
    ['Google API key', `use ${GOOGLE}`, 'google-api-key'],
    ['npm token', `//registry.npmjs.org/:_authToken ${NPM}`, 'npm-token'],
    ['JWT', `cookie value ${JWT} expired`, 'jwt'],
  ];
  for (const [name, input, kind] of cases) {
    it(`redacts a ${name}`, () => {
      const out = check(input, [kind]);
      assert.ok(out.includes(`[REDACTED:${kind}]`), out);
      assert.ok(!/[A-Za-z0-9]{20,}/.test(out.replace(/\[REDACTED:[^\]]+\]/g, '')), out);
    });
  }

  it('tells Anthropic keys apart from OpenAI keys', () => {
    assert.equal(redact(`k=${ANTHROPIC}`), 'k=[REDACTED:anthropic-api-key]');
  });

  it('keeps the AccountKey= label of an Azure storage connection string', () => {
    const conn = `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${b64(86)}==;EndpointSuffix=core.windows.net`;
    const out = check(conn, ['azure-storage-key']);
    assert.equal(out, 'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=[REDACTED:azure-storage-key];EndpointSuffix=core.windows.net');
  });

  it('redacts a bearer token in an Authorization header and keeps the scheme', () => {
    assert.equal(check(`curl -H "Authorization: Bearer ${alnum(40)}" https://api`, ['bearer-token']), 'curl -H "Authorization: Bearer [REDACTED:bearer-token]" https://api');
    assert.equal(check('Authorization: Bearer abcdefgh', ['bearer-token']), 'Authorization: Bearer [REDACTED:bearer-token]');
    assert.equal(check(`headers['Authorization'] = 'Basic ${b64(24)}'`, ['basic-auth']), "headers['Authorization'] = 'Basic [REDACTED:basic-auth]'");
  });

  it('redacts a JWT bearer token', () => {
    assert.equal(redact(`Authorization: Bearer ${JWT}`), 'Authorization: Bearer [REDACTED:bearer-token]');
  });
});

describe('redactSecrets: URLs', () => {
  it('redacts the password and keeps user and host', () => {
    assert.equal(check('DATABASE_URL=postgres://admin:' + 'S3cr3tPw' + '@db.internal:5432/app', ['url-password']), 'DATABASE_URL=postgres://admin:[REDACTED:url-password]@db.internal:5432/app');
    assert.equal(check('redis://:' + 'hunter2' + '@cache:6379', ['url-password']), 'redis://:[REDACTED:url-password]@cache:6379');
    assert.equal(check(`git clone https://oauth2:${GITLAB}@gitlab.com/a/b.git`, ['gitlab-token']), 'git clone https://oauth2:[REDACTED:gitlab-token]@gitlab.com/a/b.git');
  });

  it('leaves URLs without a password alone', () => {
    unchanged('see https://example.com:8080/path?q=1 and ssh://git@github.com:22/org/repo.git');
    unchanged('postgres://user:${DB_PASSWORD}@localhost/db');
    unchanged('git@github.com:org/repo.git');
  });
});

describe('redactSecrets: assignments', () => {
  const cases: [string, string, string[]][] = [
    ['PASSWORD=hunter2', 'PASSWORD=[REDACTED:password]', ['password']],
    ['export GITHUB_TOKEN=abc123def', 'export GITHUB_TOKEN=[REDACTED:token]', ['token']],
    ['DB_PASSWD: s3cret!', 'DB_PASSWD: [REDACTED:password]', ['password']],
    ['  "password": "hunter2",', '  "password": "[REDACTED:password]",', ['password']],
    ["api_key = 'abc123xyz'", "api_key = '[REDACTED:api-key]'", ['api-key']],
    ['APIKEY=abc123xyz', 'APIKEY=[REDACTED:api-key]', ['api-key']],
    ['client_secret: "k3y-v4lue"', 'client_secret: "[REDACTED:secret]"', ['secret']],
    ['CLIENT_SECRET=plainword', 'CLIENT_SECRET=[REDACTED:secret]', ['secret']],
    ['private_key = "abc"', 'private_key = "[REDACTED:secret]"', ['secret']],
    ['ACCESS_KEY=zzz', 'ACCESS_KEY=[REDACTED:secret]', ['secret']],
    ['auth: "user:pass"', 'auth: "[REDACTED:credential]"', ['credential']],
    ['CREDENTIALS=abc', 'CREDENTIALS=[REDACTED:credential]', ['credential']],
    ['SECRET_KEY_BASE=abc', 'SECRET_KEY_BASE=[REDACTED:secret]', ['secret']],
    ['db.password=changeme', 'db.password=[REDACTED:password]', ['password']],
    ['PGPASSWORD=pg psql -h db', 'PGPASSWORD=[REDACTED:password] psql -h db', ['password']],
    ['password := "hunter2"', 'password := "[REDACTED:password]"', ['password']],
    ["'password' => 'hunter2',", "'password' => '[REDACTED:password]',", ['password']],
    ['const apiKey = "abc123";', 'const apiKey = "[REDACTED:api-key]";', ['api-key']],
    ['self.token = "t0ken-value"', 'self.token = "[REDACTED:token]"', ['token']],
    ['password: str = "hunter2"', 'password: str = "[REDACTED:password]"', ['password']],
    ['Server=db;Database=app;User Id=sa;Password=Pa55word;', 'Server=db;Database=app;User Id=sa;Password=[REDACTED:password];', ['password']],
    ['GET /cb?code=1&access_token=abc123&state=x', 'GET /cb?code=1&access_token=[REDACTED:token]&state=x', ['token']],
    ['mysql --password=hunter2 -u root', 'mysql --password=[REDACTED:password] -u root', ['password']],
    ['mysql --password hunter2 -u root', 'mysql --password [REDACTED:password] -u root', ['password']],
    ['<password>hunter2</password>', '<password>[REDACTED:password]</password>', ['password']],
    ['<add key="DbPassword" value="hunter2" />', '<add key="DbPassword" value="[REDACTED:password]" />', ['password']],
    ['password = hunter2', 'password = [REDACTED:password]', ['password']],
    ['    token: abc123', '    token: [REDACTED:token]', ['token']],
    ['- POSTGRES_PASSWORD=postgres', '- POSTGRES_PASSWORD=[REDACTED:password]', ['password']],
    ['ENV["API_KEY"] = "abc"', 'ENV["API_KEY"] = "[REDACTED:api-key]"', ['api-key']],
    ['aws_secret_access_key = ' + AWS_SECRET, 'aws_secret_access_key = [REDACTED:aws-secret-access-key]', ['aws-secret-access-key']],
    ['"SecretAccessKey": "' + AWS_SECRET + '"', '"SecretAccessKey": "[REDACTED:aws-secret-access-key]"', ['aws-secret-access-key']],
    ['encryption_key: ' + b64(44), 'encryption_key: [REDACTED:secret]', ['secret']],
    ['key = "' + '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b' + '"', 'key = "[REDACTED:high-entropy-secret]"', ['high-entropy-secret']],
    ['signing.salt=' + b64(32), 'signing.salt=[REDACTED:high-entropy-secret]', ['high-entropy-secret']],
    ['token = ' + alnum(32), 'token = [REDACTED:token]', ['token']],
    ['Authorization: abc123', 'Authorization: [REDACTED:credential]', ['credential']],
    ['if password == "admin":', 'if password == "[REDACTED:password]":', ['password']],
    ["if (token !== 'abc123') throw err;", "if (token !== '[REDACTED:token]') throw err;", ['token']],
    ['def login(user, password="admin"):', 'def login(user, password="[REDACTED:password]"):', ['password']],
  ];
  for (const [input, expected, kinds] of cases) {
    it(`redacts ${JSON.stringify(input)}`, () => {
      assert.equal(check(input, kinds), expected);
    });
  }

  it('handles diff lines that start with + or -', () => {
    const diff = ['@@ -1,3 +1,3 @@', '-API_KEY=old0value1', '+API_KEY=new0value2', ' DEBUG=true', '-  password: oldpass', '+  password: newpass', '+export TOKEN=t0ken'].join('\n');
    const out = check(diff, ['api-key', 'password', 'token']);
    assert.equal(out, ['@@ -1,3 +1,3 @@', '-API_KEY=[REDACTED:api-key]', '+API_KEY=[REDACTED:api-key]', ' DEBUG=true', '-  password: [REDACTED:password]', '+  password: [REDACTED:password]', '+export TOKEN=[REDACTED:token]'].join('\n'));
    assert.equal(redactSecrets(diff).count, 5);
  });

  it('redacts a whole commit message with several secrets', () => {
    const message = `Configure staging\n\nUse ${GITHUB} for CI and set DB_PASSWORD=hunter2.\nAWS key ${AWS_ID} is rotated.`;
    const result = redactSecrets(message);
    assert.equal(result.text, 'Configure staging\n\nUse [REDACTED:github-token] for CI and set DB_PASSWORD=[REDACTED:password]\nAWS key [REDACTED:aws-access-key-id] is rotated.');
    assert.equal(result.count, 3);
    assert.deepEqual(result.kinds, ['aws-access-key-id', 'github-token', 'password']);
  });
});

describe('redactSecrets: leaves ordinary text alone', () => {
  const negatives = [
    'const tokenizer = new Tokenizer();',
    'password: string;',
    '  password?: string',
    'private readonly token: CancellationToken;',
    'constructor(private token: CancellationToken) {}',
    'if (token === undefined) return;',
    'if (password !== confirm) throw new Error();',
    'if (token === "") return;',
    'filter: token => token.value === "if",',
    'Rotate API token handling',
    'Fix password reset flow for SSO users',
    'auth: fix login redirect loop',
    'Token: use the new refresh flow',
    'const token = await getToken(user);',
    'const password = req.body.password;',
    'this.token = token;',
    'token = token.trim()',
    'const apiKey = config.apiKey ?? "";',
    'const secret = process.env.JWT_SECRET;',
    'SECRET = os.environ["SECRET"]',
    'password = os.getenv("DB_PASSWORD")',
    'API_KEY=',
    'API_KEY=""',
    'API_KEY=<your-api-key>',
    'API_KEY=${API_KEY}',
    'token: ${{ secrets.GITHUB_TOKEN }}',
    'password: "{{ vault_db_password }}"',
    'password = "********"',
    'TOKEN=$(cat /run/secrets/token)',
    'fetch(url, { credentials: "include" })',
    'isSecret: true,',
    'auth: false',
    'password = None',
    'max_tokens = 4096',
    'tokenType = "Bearer"',
    'PASSWORD_FIELD = "password"',
    'const TOKEN_URL = "https://auth.example.com/token";',
    'headers: { Authorization: `Bearer ${token}` }',
    "headers['Authorization'] = 'Bearer ' + token",
    'primaryKey: "id",',
    'cacheKey = "user-settings-v2"',
    'for (const key of Object.keys(obj)) {}',
    'map[key] = value',
    'token: Token | undefined',
    'password: Optional[str] = None',
    'src/core/auth/tokenStore.ts',
    'test/fixtures/secrets/passwords.txt',
    'Signed-off-by: Jane <jane@example.com>',
    'Co-authored-by: Bob <bob@example.com>',
    'Bearer tokens are described in RFC 6750',
    'bump commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
    'const k = ghp;',
    'use sk-learn for this',
    'ask-for-permission-before-deleting-things',
    '[REDACTED:password] and token = "[REDACTED:token]"',
    "console.log('password:', password);",
    '"@esfx/canceltoken": "^1.0.0",',
    'logLogin("hello"); //auth:login hello',
    '"Unexpected_token_1012": "Unexpected token.",',
    '"Unexpected_token_1012": "Jeton inattendu.",',
    'token_expired: "Your token has expired"',
    "[SyntaxKind.CommaToken]: ',',",
    'importKey(format: KeyFormat): Promise<CryptoKey>;',
    '* @returns {Array<Token>}',
    'curl -u user -H "X-Token: $API_TOKEN" "https://x.test/?token=${TOKEN}&a=1"',
  ];
  for (const text of negatives) {
    it(`leaves ${JSON.stringify(text)}`, () => unchanged(text));
  }

  it('leaves a realistic code diff untouched', () => {
    const diff = [
      'diff --git a/src/auth.ts b/src/auth.ts',
      '@@ -10,7 +10,9 @@ export class Auth {',
      '-  private token: string | undefined;',
      '+  private token: AccessToken | undefined;',
      '+  private readonly tokenizer = new Tokenizer();',
      '   async login(password: string): Promise<void> {',
      '-    const token = await this.client.login(this.user, password);',
      '+    const token = await this.client.login(this.user, password, { refresh: true });',
      '     if (token === undefined) throw new AuthError("no token");',
      '+    this.token = token;',
      '   }',
    ].join('\n');
    unchanged(diff);
  });
});

describe('redactSecrets: robustness', () => {
  it('is idempotent', () => {
    const inputs = [
      `${armor('BEGIN', 'RSA ')}\n${PEM_BODY}\n${armor('END', 'RSA ')}`,
      `${armor('BEGIN', 'RSA ')}\n${PEM_BODY}`,
      `token ${GITHUB} and ${AWS_ID} and ${JWT} and ${OPENAI} and ${ANTHROPIC}`,
      'postgres://admin:S3cretPw@db/app and PASSWORD=hunter2 and "api_key": "abc"',
      `AccountKey=${b64(86)}==; Authorization: Bearer ${alnum(40)}; Authorization: Basic abc`,
      '<password>x1</password> --token abc1 key="' + b64(40) + '" aws_secret_access_key=' + AWS_SECRET,
    ];
    for (const input of inputs) {
      const once = redactSecrets(input);
      assert.ok(once.count > 0, input);
      const twice = redactSecrets(once.text);
      assert.equal(twice.text, once.text);
      assert.equal(twice.count, 0, `markers re-triggered in ${once.text}`);
    }
  });

  it('does not trigger on its own markers', () => {
    const kinds = ['private-key', 'password', 'token', 'api-key', 'secret', 'credential', 'aws-secret-access-key', 'high-entropy-secret', 'bearer-token', 'basic-auth', 'url-password', 'gcp-service-account-key', 'azure-storage-key', 'github-token'];
    for (const kind of kinds) {
      for (const text of [`[REDACTED:${kind}]`, `x = [REDACTED:${kind}]`, `TOKEN=[REDACTED:${kind}]`, `"key": "[REDACTED:${kind}]"`, `a [REDACTED:${kind}]: b`]) {
        assert.equal(containsSecret(text), false, text);
      }
    }
  });

  it('finishes quickly on pathological megabyte lines', () => {
    const mb = 1 << 20;
    const fill = (unit: string): string => unit.repeat(Math.ceil(mb / unit.length)).slice(0, mb);
    const inputs = [
      fill('a'),
      fill('A'),
      fill('eyJ'),
      fill('eyJa.'),
      fill('ghp_'),
      fill('github_pat_'),
      fill('sk-'),
      fill('AKIA'),
      fill('password'),
      fill('password='),
      fill('token: '),
      fill('token-'),
      fill('"password": "\\'),
      fill('://a:'),
      fill('://:@'),
      fill(armor('BEGIN')),
      fill(`${armor('BEGIN')}\n@@ `),
      fill('-----BEGIN '),
      fill('Bearer '),
      fill('Authorization: '),
      fill('AccountKey='),
      fill('${'),
      fill('--token '),
      fill('<password>'),
      fill('"private_key": "'),
      fill('x') + '=',
      fill('key') + ':',
      'password = "' + fill('a'),
      'TOKEN=' + fill('b'),
      'Authorization: Bearer ' + fill('c'),
    ];
    for (const input of inputs) {
      const started = performance.now();
      const result = redactSecrets(input);
      const elapsed = performance.now() - started;
      assert.equal(typeof result.text, 'string');
      assert.ok(elapsed < 750, `${JSON.stringify(input.slice(0, 24))}... took ${elapsed.toFixed(0)} ms`);
    }
  });

  it('returns empty and secret-free text unchanged, cheaply', () => {
    assert.deepEqual(redactSecrets(''), { text: '', count: 0, kinds: [] });
    const message = 'Merge branch main into feature/x\n\nUpdates docs and bumps dependencies.';
    assert.equal(redact(message), message);
    assert.equal(containsSecret(message), false);
    assert.equal(containsSecret(`PASSWORD=hunter2`), true);
  });
});
