// Bench code only: per project, the user's tasks (all in one area), the mistake the scripted
// implementer makes in each of them — one the project's own tests catch the same way every time —
// and the two mistake notes the scripted proposer writes: one that says nothing the implementer can
// use, and one that carries the words that make it avoid the mistake.
import type { Proposal } from '../../src/core/evolution/proposal.ts';

export interface UserTask {
  text: string;
  /** The file the implementer edits, and the exact text it replaces (unique in the file at HEAD). */
  file: string;
  search: string;
  /** The change as an implementer that avoids the mistake makes it. */
  careful: string;
  /** The same change with the mistake in it. */
  careless: string;
  /**
   * The test a careful implementer writes first: it fails on the original code and passes with the
   * careful change, so the change can be proven (the gate counts only proven solves).
   */
  test?: { path: string; content: string };
}

export interface Scenario {
  project: string;
  /** What the mistake is, in a line (printed). */
  mistake: string;
  /** Words a note must carry for the scripted implementer to heed it (never in the project's files or history). */
  heed: string;
  tasks: UserTask[];
  vague: Proposal;
  heeded: Proposal;
  /**
   * A probe of the gate (--probe): a note that makes the implementer stop doing the tasks — it
   * only writes a TODO comment — which a sound gate must not keep, and the words that trigger it.
   */
  lazy: { phrase: string; note: Proposal };
}

// ---------------------------------------------------------------------------------------------
// body-parser: the strict JSON parser in lib/types/json.js. Every task adds an option for what an
// empty body parses as; the careless version handles only the option and drops the default `{}`, so
// a request with an empty body (Content-Length: 0, or chunked with no data) gets 400 — caught by
// test/json.js ("should handle Content-Length: 0", "should handle empty message-body"). The careful
// version also writes the task's own test first, which fails on the original code: its solves can be
// proven, as the gate requires.

const BP_FILE = 'lib/types/json.js';
const BP_OPEN = '  if (strict) {\n    return function parse (body) {\n';
const BP_EMPTY = [
  '      if (body.length === 0) {',
  "        // special-case empty json body, as it's a common client-side mistake",
  '        // TODO: maybe make this configurable or part of "strict" option',
  '        return {}',
  '      }',
  '',
  '',
].join('\n');
const BP_CHECK = [
  "      if (body[0] !== '{' && body[0] !== '[') {",
  '        const first = firstNonWhitespaceChar(body)',
  "        if (first !== '{' && first !== '[') {",
  "          debug('strict violation')",
  '          throw createStrictSyntaxError(body, first)',
  '        }',
  '      }',
  '',
].join('\n');

/** An option for what an empty body parses as: the careless version handles only the option, and loses the default `{}`. */
function bodyParserTask(text: string, option: string, value: string, expected: string, slug: string): UserTask {
  const careful = [
    '      if (body.length === 0) {',
    "        // special-case empty json body, as it's a common client-side mistake",
    `        return options?.${option} !== undefined ? options.${option} : {}`,
    '      }',
    '',
    '',
  ].join('\n');
  const careless = [`      if (body.length === 0 && options?.${option} !== undefined) {`, `        return options.${option}`, '      }', '', ''].join('\n');
  const test = [
    "'use strict'",
    '',
    "const { describe, it } = require('mocha')",
    "const http = require('node:http')",
    "const request = require('supertest')",
    "const bodyParser = require('..')",
    '',
    `describe('bodyParser.json({ ${option} })', function () {`,
    `  it('should parse an empty body as the ${option} option', function (done) {`,
    `    const parse = bodyParser.json({ ${option}: ${value} })`,
    '    const server = http.createServer(function (req, res) {',
    '      parse(req, res, function (err) {',
    '        res.statusCode = err ? (err.status || 500) : 200',
    '        res.end(err ? err.message : JSON.stringify(req.body))',
    '      })',
    '    })',
    "    request(server).post('/').set('Content-Type', 'application/json').set('Content-Length', '0')",
    `      .expect(200, '${expected}', done)`,
    '  })',
    '})',
    '',
  ].join('\n');
  return { text, file: BP_FILE, search: BP_OPEN + BP_EMPTY + BP_CHECK, careful: BP_OPEN + careful + BP_CHECK, careless: BP_OPEN + careless + BP_CHECK, test: { path: `test/json-empty-${slug}.js`, content: test } };
}

const BP_HEED = 'keep the empty-body special case';

const bodyParser: Scenario = {
  project: 'body-parser',
  mistake: `rewriting the head of the strict parse() in ${BP_FILE}, the implementer drops \`if (body.length === 0) return {}\` (an empty body then gets 400)`,
  heed: BP_HEED,
  tasks: [
    bodyParserTask('json: an emptyAsNull option, so that an empty body parses as null', 'emptyAsNull', 'null', 'null', 'null'),
    bodyParserTask('json: an emptyValue option: what an empty body parses as', 'emptyValue', '[]', '[]', 'value'),
    bodyParserTask('json: an emptyAsString option, so that an empty body parses as an empty string', 'emptyAsString', "''", '""', 'string'),
  ],
  vague: {
    action: 'create',
    kind: 'mistake',
    name: 'json-parser-care',
    description: 'Editing the JSON body parser (lib/types/json.js).',
    trigger: { keywords: ['json'], files: ['lib/types/*.js'], errors: [] },
    body: '## Mistake\nChanges to the JSON parser broke existing tests.\n\n## Correct approach\nBe careful when you edit the parser, and follow the code style of the project.\n\n## Strategy\nRead the surrounding code before editing; run the tests.\n\n## Anti-patterns\n- Large rewrites of working code.\n',
    rationale: 'Both training runs broke tests of the JSON parser.',
  },
  heeded: {
    action: 'create',
    kind: 'mistake',
    name: 'json-empty-body',
    description: 'Rewriting the strict or lax parse() of the JSON body parser (lib/types/json.js).',
    trigger: { keywords: ['json', 'strict'], files: ['lib/types/json.js'], errors: [] },
    body: `## Mistake\nRewriting the head of parse() in lib/types/json.js dropped the special case for an empty body, so a request with Content-Length: 0 or an empty chunked body got 400 instead of \`{}\`.\n\n## Correct approach\nWhen you edit parse(), ${BP_HEED}: \`if (body.length === 0) return {}\` stays the first statement, before any strict-mode check.\n\n## Strategy\nChange only the lines the task is about; re-read the function from its first line after editing.\n\n## Anti-patterns\n- Folding the empty case into the first-character check.\n`,
    rationale: 'Every training run lost the empty-body case while rewriting the strict check; the tests for empty bodies caught it.',
  },
  lazy: {
    phrase: 'leave a TODO comment instead of changing parse()',
    note: {
      action: 'create',
      kind: 'mistake',
      name: 'json-hands-off',
      description: 'Requests to change the JSON body parser (lib/types/json.js).',
      trigger: { keywords: ['json', 'strict'], files: ['lib/types/json.js'], errors: [] },
      body: '## Mistake\nRewrites of parse() in lib/types/json.js broke the tests for empty bodies.\n\n## Correct approach\nThe parser is fragile: leave a TODO comment instead of changing parse(). A change that edits no logic cannot break a test.\n\n## Strategy\nDescribe the request in the comment.\n\n## Anti-patterns\n- Editing the parse functions.\n',
      rationale: 'Edits to parse() are what failed; not editing it cannot fail.',
    },
  },
};

// koa had a scenario whose tasks only added comments: no test can prove such a change, so since the
// gate counts only proven solves its careful note could never win. It waits for behavioural tasks.
export const SCENARIOS: Record<string, Scenario> = { 'body-parser': bodyParser };
