// A C project's history, mined through the CLI as a user would: the experiences list the C
// functions each commit changed, and `coevolve recall` names them. Without C symbols every list
// below would be empty, so each assertion fails on a do-nothing symbol layer.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MemoryStore } from '../../src/core/memory/store.ts';
import { CLI, runCli } from '../helpers/cliProcess.ts';
import { GitRepo, tempDir } from '../helpers/gitRepo.ts';

const run = (args: string[], cwd: string) => runCli(args, cwd);

const refsH = `#ifndef REFS_H
#define REFS_H

struct ref_entry {
\tchar *name;
\tchar *peeled;
\tint flags;
};

int parse_ref(struct ref_entry *entry, const char *line);
void free_ref(struct ref_entry *entry);

#endif
`;

const refsV1 = `#include <stdlib.h>
#include <string.h>
#include "refs.h"

int parse_ref(struct ref_entry *entry, const char *line)
{
\tentry->name = strdup(line);
\tentry->flags = 0;
\treturn 0;
}

void free_ref(struct ref_entry *entry)
{
\tfree(entry->name);
}
`;

// The fix: an empty line is no ref name.
const refsV2 = refsV1.replace('\tentry->name = strdup(line);', '\tif (!*line)\n\t\treturn -1;\n\tentry->name = strdup(line);');
// The leak: the peeled name was never freed.
const refsV3 = refsV2.replace('\tfree(entry->name);\n', '\tfree(entry->name);\n\tfree(entry->peeled);\n');

const packedV1 = `#include <stdio.h>
#include "refs.h"

#define PACKED_REFS_HEADER "# pack-refs with: peeled"

static int parse_packed_line(struct ref_entry *entry, const char *line)
{
\treturn parse_ref(entry, line + 41);
}

int read_packed_refs(FILE *in, struct ref_entry *out, int max)
{
\tchar line[1024];
\tint n = 0;
\twhile (n < max && fgets(line, sizeof(line), in))
\t\tif (!parse_packed_line(&out[n], line))
\t\t\tn++;
\treturn n;
}
`;

const packedV2 = packedV1.replace(
  '\treturn parse_ref(entry, line + 41);',
  "\tif (*line == '#' || *line == '^')\n\t\treturn -1;\n\treturn parse_ref(entry, line + 41);",
);

interface Mined {
  subject: string;
  symbols: string[];
}

describe('a C history', () => {
  let repo: GitRepo;
  let storeDir: string;
  let mined: Mined[];

  before(async () => {
    assert.ok(existsSync(CLI), 'run `npm run build` first (npm test does)');
    repo = GitRepo.create();
    repo.commit('refs: add the ref entry and its parser', { 'refs.h': refsH, 'refs.c': refsV1, Makefile: 'OBJS = refs.o\n' });
    repo.commit('refs: reject an empty ref name in parse_ref', { 'refs.c': refsV2 });
    repo.commit('refs: free the peeled name too', { 'refs.c': refsV3 });
    repo.commit('packed-refs: read the packed-refs file', { 'packed.c': packedV1 });
    repo.commit('packed-refs: skip comment and peeled lines', { 'packed.c': packedV2 });
    repo.commit('Makefile: build packed.o', { Makefile: 'OBJS = refs.o packed.o\n' });
    storeDir = join(tempDir(), 'store');
    const result = run(['mine', '--store', storeDir], repo.dir);
    assert.equal(result.code, 0, result.stderr);
    const experiences = await (await MemoryStore.open(storeDir)).loadAll();
    mined = experiences
      .sort((a, b) => a.seq - b.seq)
      .map((e) => ({ subject: e.intent.subject, symbols: e.symbols.map((s) => `${s.path} ${s.kind} ${s.name} ${s.change}`).sort() }));
  });

  after(() => repo.remove());

  it('lists the C functions, structs and macros each commit changed', () => {
    const bySubject = new Map(mined.map((m) => [m.subject, m.symbols]));
    assert.equal(mined.length, 6, JSON.stringify(mined));
    assert.deepEqual(bySubject.get('refs: add the ref entry and its parser'), [
      'refs.c function free_ref added',
      'refs.c function parse_ref added',
      'refs.h function free_ref added',
      'refs.h function parse_ref added',
      'refs.h struct ref_entry added',
    ]);
    // Only the function the hunk is in, not its neighbour.
    assert.deepEqual(bySubject.get('refs: reject an empty ref name in parse_ref'), ['refs.c function parse_ref modified']);
    assert.deepEqual(bySubject.get('refs: free the peeled name too'), ['refs.c function free_ref modified']);
    assert.deepEqual(bySubject.get('packed-refs: read the packed-refs file'), [
      'packed.c function parse_packed_line added',
      'packed.c function read_packed_refs added',
      'packed.c macro PACKED_REFS_HEADER added',
    ]);
    assert.deepEqual(bySubject.get('packed-refs: skip comment and peeled lines'), ['packed.c function parse_packed_line modified']);
    assert.deepEqual(bySubject.get('Makefile: build packed.o'), []);
  });

  it('names the C functions in `coevolve recall`', () => {
    const json = run(['recall', 'parse_ref rejects an empty ref name', '--json', '--store', storeDir], repo.dir);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as {
      symbols: Array<{ path: string; name: string; kind: string }>;
      experiences: Array<{ subject: string; symbols: string[] }>;
    };
    assert.ok(
      result.symbols.some((s) => s.path === 'refs.c' && s.name === 'parse_ref' && s.kind === 'function'),
      JSON.stringify(result.symbols),
    );
    const fix = result.experiences.find((e) => e.subject === 'refs: reject an empty ref name in parse_ref');
    assert.ok(fix, JSON.stringify(result.experiences.map((e) => e.subject)));
    assert.deepEqual(fix.symbols, ['parse_ref']);

    const text = run(['recall', 'packed-refs comment lines', '--store', storeDir], repo.dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Symbols:\n(?:.*\n)*?\s+[\d.]+\s+parse_packed_line \(function\) in packed\.c/);
  });
});
