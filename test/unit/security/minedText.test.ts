import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMIT_MESSAGE, MINED_TEXT, redactPath } from '../../../src/core/security/minedText.ts';
import { findRandomLiterals, isRandomLiteral } from '../../../src/core/security/randomLiterals.ts';
import { redact, redactSecrets } from '../../../src/core/security/redact.ts';
import { isSecretFile, showsKeyMaterial } from '../../../src/core/security/secretFiles.ts';

// Fake secrets are made from a seeded generator, so this file never looks like a leak to scanners.
const join = (...parts: string[]): string => parts.join('');
function seeded(seed: number): (alphabet: string, length: number) => string {
  let state = seed >>> 0;
  return (alphabet, length) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      out += alphabet[(state >>> 8) % alphabet.length];
    }
    return out;
  };
}
const random = seeded(5);
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = `${B62}+/`;
const B36 = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

describe('random literals (text mined from history)', () => {
  const tokens = [random(B62, 20), random(B62, 32), random(B64, 40), random(B36, 32), `${random(B64, 42)}==`, join(random(B62, 12), '-', random(B62, 12), '_', random(B62, 10))];

  it('redacts random tokens that no key names, wherever they sit', () => {
    for (const token of tokens) {
      for (const text of [`createClient("${token}", region);`, `fix: use key ${token} for signing`, `release-bot ${token}`, `${token}@users.noreply.example.com`, `+${token}`]) {
        const out = redact(text, MINED_TEXT);
        assert.ok(!out.includes(token), `${text} -> ${out}`);
        assert.match(out, /\[REDACTED:random-literal\]/);
      }
    }
  });

  it('keeps hashes: git shas, hex digests, UUIDs and lockfile integrity values', () => {
    const kept = [
      `This reverts commit ${random(HEX, 40)}.`,
      `${random(HEX, 64)}  app-1.0.0.tgz`,
      `"id": "${random(HEX, 8)}-${random(HEX, 4)}-${random(HEX, 4)}-${random(HEX, 4)}-${random(HEX, 12)}"`,
      `"integrity": "sha512-${random(B64, 86)}=="`,
      `  integrity sha1-${random(B64, 27)}=`,
      `resolution: {integrity: sha384-${random(B64, 64)}}`,
      `<script integrity="sha256-${random(B64, 43)}="></script>`,
      `See https://github.com/koajs/koa/commit/${random(HEX, 40)} and https://github.com/o/r/compare/${random(HEX, 40)}...${random(HEX, 40)}`,
      `docker pull node@sha256:${random(HEX, 64)}`,
    ];
    for (const text of kept) assert.equal(redact(text, MINED_TEXT), text);
  });

  it('keeps names, paths and prose', () => {
    const kept = [
      'export function createServerRequestHandlerFactory(options: HandlerOptions) {',
      'const MAX_RETRY_COUNT_FOR_UPLOADS_V2 = 3;',
      'import { onDidChangeWorkspaceFolders } from "node_modules/@types/vscode/index";',
      'src/core/security/redact.ts and test/e2e/harness/codeServer.ts',
      'v8_enable_i18n_support = true; utf8ToBase64String(input)',
      'node_modules/vite/dist/node/chunks/dep-CDnG8rE7.js',
      'PickleURLSafeTimedSerializerTestCase',
      'https://github.com/koajs/koa/security/advisories/GHSA-593f-38f6-jp5m',
      'Merge pull request #1797 from etroynov/drop-node-12-14-17-support',
    ];
    for (const text of kept) assert.equal(redact(text, MINED_TEXT), text);
  });

  it('catches most random strings and no identifier of real code', () => {
    const sample = (alphabet: string, length: number): number => {
      let hits = 0;
      for (let i = 0; i < 500; i++) if (isRandomLiteral(random(alphabet, length))) hits++;
      return hits / 500;
    };
    assert.ok(sample(B62, 32) > 0.97, 'base62');
    assert.ok(sample(B64, 40) > 0.97, 'base64');
    assert.ok(sample(B36, 32) > 0.9, 'lower case and digits');
    for (const name of ['getBoundingClientRect', 'ChildProcessWithoutNullStreams', 'registerFileHistoryTool', 'allowUnsafeConfigPaths']) assert.equal(isRandomLiteral(name), false, name);
  });

  it('redacts only the value after name=, and leaves its own markers alone', () => {
    const token = random(B62, 32);
    assert.equal(redact(`https://x.example/cb?state=${token}&next=1`, MINED_TEXT), 'https://x.example/cb?state=[REDACTED:random-literal]&next=1');
    const once = redactSecrets(`a ${token} b`, COMMIT_MESSAGE);
    assert.equal(redactSecrets(once.text, COMMIT_MESSAGE).count, 0);
    assert.deepEqual(findRandomLiterals('[REDACTED:aws-secret-access-key] [REDACTED:random-literal]'), []);
  });

  it('is off by default: other callers of the redactor are unchanged', () => {
    const text = `const x = "${random(B62, 32)}";`;
    assert.equal(redact(text), text);
  });
});

describe('passwords in prose (commit messages)', () => {
  it('redacts the word after "password:", "secret:", "token is", whatever follows it', () => {
    const password = join('Tr0', 'ub4dor&3');
    for (const [text, expected] of [
      [`The staging password: ${password}`, 'The staging password: [REDACTED:password]'],
      [`chore: rotate creds (password: ${password})`, 'chore: rotate creds (password: [REDACTED:password])'],
      [`The new password is ${password}.`, 'The new password is [REDACTED:password].'],
      [`secret: ${password}`, 'secret: [REDACTED:secret]'],
      [`the api key is ${password}, rotate it`, 'the api key is [REDACTED:secret], rotate it'],
    ] as const) {
      assert.equal(redact(text, COMMIT_MESSAGE), expected);
    }
  });

  it('leaves prose about passwords and tokens alone', () => {
    for (const text of [
      'token: refresh before expiry',
      'password: 8 characters minimum',
      'Reset password: now emails a link',
      '- `id-token: write` - Generate OIDC tokens',
      'fix(token): handle expiry',
      'password: <your-password>',
      'token: ${GITHUB_TOKEN}',
    ]) {
      assert.equal(redact(text, COMMIT_MESSAGE), text);
    }
  });
});

describe('file paths and key files', () => {
  it('redacts a path segment by segment and remembers the answer', () => {
    const token = random(B62, 32);
    const first = redactPath(`keys/${token}/settings.ts`);
    assert.equal(first.text, 'keys/[REDACTED:random-literal]/settings.ts');
    assert.equal(first.count, 1);
    assert.equal(redactPath(`keys/${token}/settings.ts`), first);
    assert.equal(redactPath(`secrets/${join('gh', 'p_', random(B62, 36))}.txt`).text, 'secrets/[REDACTED:github-token].txt');
    assert.deepEqual(redactPath('src/core/mining/experienceBuilder.ts'), { text: 'src/core/mining/experienceBuilder.ts', count: 0, kinds: [] });
  });

  it('knows key files by name', () => {
    for (const path of ['deploy/id_rsa', 'certs/server.key', 'a/b/client.pem', 'keys/release.p12', 'signing.asc', '.netrc', 'home/.aws/credentials']) assert.equal(isSecretFile(path), true, path);
    for (const path of ['deploy/id_rsa.pub', 'src/keyboard.ts', 'docs/keys.md', 'src/crypto/pem.ts']) assert.equal(isSecretFile(path), false, path);
  });

  it('sees key material among redacted changed lines: a private key, or a line of random base64 alone', () => {
    const seen = (lines: string[]): boolean => showsKeyMaterial(redact(lines.join('\n'), MINED_TEXT));
    assert.equal(seen([join('-----BEGIN RSA ', 'PRIV', 'ATE KEY-----'), random(B64, 64)]), true);
    assert.equal(seen(['export const x = 1;', random(B64, 64), random(B64, 64)]), true, 'a key replaced in place: body lines only');
    assert.equal(seen([`-${random(B64, 64)}`]), true);
    assert.equal(seen(['export const x = 1;', `  "integrity": "sha512-${random(B64, 86)}=="`, random(HEX, 64), `const k = "${random(B62, 32)}";`]), false);
  });
});

describe('robustness of the mined-text passes', () => {
  it('finishes quickly on pathological megabyte lines', () => {
    const mb = 1 << 20;
    const fill = (unit: string): string => unit.repeat(Math.ceil(mb / unit.length)).slice(0, mb);
    for (const input of [fill('a'), fill('aB3'), fill('a/'), fill('sha512-'), fill('x='), fill('password: '), fill('token is '), fill('password: a'), fill('-'), fill('aB3dE5fG7hJ9kL2mN4pQ ')]) {
      const started = performance.now();
      redactSecrets(input, COMMIT_MESSAGE);
      const elapsed = performance.now() - started;
      // Linear passes take a few hundred ms here even on a busy machine; a quadratic one would take hours.
      assert.ok(elapsed < 2000, `${JSON.stringify(input.slice(0, 24))}... took ${elapsed.toFixed(0)} ms`);
    }
  });
});
