import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { grammarFileName, grammarFileNames, languageForPath, languageIds } from '../../../src/core/code/languages.ts';
import { SymbolParser, hunkLineRanges } from '../../../src/core/code/symbolParser.ts';
import type { Hunk, ParsedFile, SymbolRef } from '../../../src/core/code/symbolParser.ts';
import { defaultWasmDirs } from '../../../src/core/code/wasmLocation.ts';
import { codeSamples, goSample, javascriptSample, rustSample, typescriptSample } from '../../helpers/codeSamples.ts';
import { gitDiffHunks, parseUnifiedHunks } from '../../helpers/unifiedHunks.ts';

// ---------- helpers ----------

function lineOf(text: string, marker: string): number {
  const index = text.indexOf(marker);
  assert.notEqual(index, -1, `marker ${marker} not found`);
  return text.slice(0, index).split('\n').length;
}

function qualified(s: SymbolRef): string {
  return s.container === undefined ? s.name : `${s.container}.${s.name}`;
}

function lines(text: string): number {
  return text.split('\n').length;
}

/** Everything the caller can observe: the tree, the outline and the symbols of every line. */
function observe(file: ParsedFile): { tree: string; outline: SymbolRef[]; perLine: SymbolRef[][] } {
  const perLine: SymbolRef[][] = [];
  for (let line = 1; line <= lines(file.text); line++) perLine.push(file.symbolsInLines([{ start: line, end: line }]));
  return { tree: file.syntaxTree(), outline: file.outline(), perLine };
}

/** Seeded generator so fuzz failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

let parser: SymbolParser;

before(async () => {
  parser = await SymbolParser.create();
});

after(() => {
  parser.dispose();
});

/** after → toPreImage must give back `before` exactly, with the same tree as a full parse of it. */
function assertRoundTrip(path: string, beforeText: string, afterText: string): void {
  const diff = gitDiffHunks(beforeText, afterText);
  const post = parser.parse(path, afterText);
  assert.equal(post.isPostImageOf(diff.hunks), true, 'post image check');
  const pre = post.toPreImage(diff.hunks, diff.noEolBefore);
  const fresh = parser.parse(path, beforeText);
  try {
    assert.equal(post.isDisposed, true);
    assert.equal(pre.text, beforeText);
    assert.deepEqual(observe(pre), observe(fresh));
  } finally {
    pre.dispose();
    fresh.dispose();
    post.dispose();
  }
}

// ---------- tests ----------

describe('languageForPath', () => {
  it('maps the supported extensions', () => {
    assert.equal(languageForPath('a/b.ts'), 'typescript');
    assert.equal(languageForPath('a/b.d.ts'), 'typescript');
    assert.equal(languageForPath('b.mts'), 'typescript');
    assert.equal(languageForPath('b.cts'), 'typescript');
    assert.equal(languageForPath('b.tsx'), 'tsx');
    assert.equal(languageForPath('b.jsx'), 'javascript');
    assert.equal(languageForPath('b.mjs'), 'javascript');
    assert.equal(languageForPath('b.cjs'), 'javascript');
    assert.equal(languageForPath('b.js'), 'javascript');
    assert.equal(languageForPath('x/y.py'), 'python');
    assert.equal(languageForPath('x/y.pyi'), 'python');
    assert.equal(languageForPath('main.go'), 'go');
    assert.equal(languageForPath('lib.rs'), 'rust');
    assert.equal(languageForPath('A.java'), 'java');
    assert.equal(languageForPath('SHOUT.JAVA'), 'java');
    assert.equal(languageForPath('refs.c'), 'c');
    assert.equal(languageForPath('include/refs.h'), 'c');
    for (const ext of ['cc', 'cpp', 'cxx', 'c++', 'hpp', 'hh', 'hxx']) assert.equal(languageForPath(`src/a.${ext}`), 'cpp', ext);
    assert.equal(languageForPath('Shop/Order.cs'), 'csharp');
    assert.equal(languageForPath('lib/order.rb'), 'ruby');
    assert.equal(languageForPath('lib/tasks/db.rake'), 'ruby');
    assert.equal(languageForPath('src/Order.php'), 'php');
    assert.equal(languageForPath('scripts/build.sh'), 'bash');
    assert.equal(languageForPath('completion.bash'), 'bash');
  });

  it('leaves other files to the caller', () => {
    for (const path of ['README.md', 'Makefile', '.ts', 'dir.ts/file', 'a.json', 'x.zsh', 'Gemfile', '.bashrc', 'a.csx', 'b.phtml']) {
      assert.equal(languageForPath(path), undefined, path);
    }
  });
});

describe('wasm location', () => {
  it('finds the runtime and every grammar from source', () => {
    const dirs = defaultWasmDirs();
    assert.ok(existsSync(join(dirs.runtime, 'web-tree-sitter.wasm')));
    for (const lang of languageIds) assert.ok(existsSync(join(dirs.grammars, grammarFileName(lang))), lang);
    // The package has no C grammar: C is read with the C++ one.
    assert.equal(grammarFileName('c'), 'tree-sitter-cpp.wasm');
    assert.equal(grammarFileName('csharp'), 'tree-sitter-c-sharp.wasm');
    assert.deepEqual(grammarFileNames().length, new Set(grammarFileNames()).size);
  });

  it('copies every grammar into the build (scripts/build.mjs), so the extension and the CLI find them', () => {
    const build = readFileSync(join(import.meta.dirname, '../../../scripts/build.mjs'), 'utf8');
    for (const name of grammarFileNames()) assert.ok(build.includes(`'${name.slice('tree-sitter-'.length, -'.wasm'.length)}'`), name);
  });
});

describe('SymbolParser', () => {
  it('does not support other files', () => {
    assert.equal(parser.supports('docs/guide.md'), false);
    assert.equal(parser.supports('src/a.ts'), true);
    assert.throws(() => parser.parse('docs/guide.md', '# hi'), /No grammar/);
  });

  for (const sample of codeSamples) {
    describe(sample.path, () => {
      it('finds the method enclosing a changed line, with its container', () => {
        const file = parser.parse(sample.path, sample.text);
        try {
          const line = lineOf(sample.text, sample.inMethod.marker);
          const [innermost] = file.symbolsInLines([{ start: line, end: line }]);
          assert.ok(innermost, 'a symbol');
          assert.equal(innermost.name, sample.inMethod.name);
          assert.equal(innermost.container, sample.inMethod.container);
          assert.equal(innermost.kind, sample.inMethod.kind);
          assert.ok(innermost.startLine <= line && line <= innermost.endLine);
        } finally {
          file.dispose();
        }
      });

      it('returns both functions for a hunk spanning two', () => {
        const file = parser.parse(sample.path, sample.text);
        try {
          const from = lineOf(sample.text, sample.span.from);
          const to = lineOf(sample.text, sample.span.to);
          const names = file.symbolsInLines([{ start: from, end: to }]).map((s) => s.name);
          assert.deepEqual(names.slice(0, 2), sample.span.names);
        } finally {
          file.dispose();
        }
      });

      it('maps an added function on the new side and nothing of it on the old side', () => {
        const afterText = sample.text + sample.added.text;
        const diff = gitDiffHunks(sample.text, afterText);
        const post = parser.parse(sample.path, afterText);
        const newSide = post.symbolsInLines(hunkLineRanges(diff.hunks, 'new')).map(qualified);
        assert.ok(newSide.includes(sample.added.name), `${newSide.join(', ')} has ${sample.added.name}`);
        const pre = post.toPreImage(diff.hunks, diff.noEolBefore);
        try {
          assert.equal(pre.text, sample.text);
          assert.ok(!pre.outline().some((s) => s.name === sample.added.name));
        } finally {
          pre.dispose();
        }
      });

      it('outlines the file in order', () => {
        const file = parser.parse(sample.path, sample.text);
        try {
          const outline = file.outline();
          assert.ok(outline.length >= 4);
          const names = outline.map(qualified);
          const expected = sample.inMethod.container === undefined ? sample.inMethod.name : `${sample.inMethod.container}.${sample.inMethod.name}`;
          assert.ok(names.includes(expected), names.join(', '));
          const starts = outline.map((s) => s.startLine);
          assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
          assert.equal(file.outline(2).length, 2);
        } finally {
          file.dispose();
        }
      });

      it('round-trips edits through the incremental pre-image parse', () => {
        const text = sample.text;
        const comment = /\.(py|rb|sh)$/.test(sample.path) ? '#' : '//';
        const all = text.split('\n');
        const bodyLine = lineOf(text, sample.inMethod.marker) - 1;
        const edits: Array<[string, string]> = [
          // non-ASCII inside a method
          [text, all.map((l, i) => (i === bodyLine ? `${l} // café ☕ 😀 ñ` : l)).join('\n')],
          [all.map((l, i) => (i === bodyLine ? `${l} // 😀😀 ü` : l)).join('\n'), text],
          // additions at the start and the end
          [text, `// © 2024 Ünïcode 🚀\n${text}`],
          [text, text + sample.added.text],
          // pure deletions (a method's line, the first lines, the last lines)
          [text, all.filter((_, i) => i !== bodyLine).join('\n')],
          [text, all.slice(2).join('\n')],
          [text, all.slice(0, -4).join('\n') + '\n'],
          // trailing newline removed, added, and last line changed without one
          [text, text.replace(/\n$/, '')],
          [text.replace(/\n$/, ''), text],
          [text.replace(/\n$/, ''), text.replace(/\n$/, '') + ' 😀'],
          // the last line, without a newline, has non-ASCII text (columns count UTF-16 units)
          [`${text}${comment} é😀`, `${text}${comment} é😀 ü`],
          [`${text}${comment} é😀`, `${text}${comment} é😀\n`],
          [`${text}${comment} é😀\n`, `${text}${comment} ñ😀`],
          // several hunks at once
          [text, all.map((l, i) => (i % 7 === 3 ? `${l} /* é */` : l)).filter((_, i) => i % 11 !== 5).join('\n')],
          // everything replaced / emptied
          [text, ''],
          ['', text],
        ];
        for (const [beforeText, afterText] of edits) assertRoundTrip(sample.path, beforeText, afterText);
      });

      it('round-trips CRLF files', () => {
        const crlf = sample.text.replace(/\n/g, '\r\n');
        const all = crlf.split('\n');
        const bodyLine = lineOf(sample.text, sample.inMethod.marker) - 1;
        assertRoundTrip(sample.path, crlf, all.map((l, i) => (i === bodyLine ? l.replace('\r', ' // ñandú 🦤\r') : l)).join('\n'));
        assertRoundTrip(sample.path, crlf, crlf + sample.added.text.replace(/\n/g, '\r\n'));
        assertRoundTrip(sample.path, crlf, all.filter((_, i) => i !== bodyLine).join('\n'));
        assertRoundTrip(sample.path, crlf, crlf.replace(/\r\n$/, ''));
        assertRoundTrip(sample.path, crlf.replace(/\r\n$/, ''), crlf);
      });

      it('round-trips random line edits', () => {
        const next = random(sample.path.length * 7919);
        const pool = ['', '  // é ☕', '\t😀 = 1', 'x', '}', '{', '  return ü;', '#[x]', '@deco', '"""', '/*', '*/', '\r'];
        const base = sample.text.split('\n');
        for (let round = 0; round < 12; round++) {
          const mutated = base.slice();
          const operations = 1 + Math.floor(next() * 4);
          for (let k = 0; k < operations; k++) {
            const at = Math.floor(next() * (mutated.length + 1));
            const choice = next();
            const line = pool[Math.floor(next() * pool.length)] ?? '';
            if (choice < 0.35) mutated.splice(at, 0, line);
            else if (choice < 0.7) mutated.splice(at, 1 + Math.floor(next() * 3));
            else mutated.splice(at, 1, (mutated[at] ?? '') + line);
          }
          const eol = next() < 0.8;
          const afterText = mutated.join('\n').replace(/\n*$/, eol ? '\n' : '');
          assertRoundTrip(sample.path, sample.text, afterText);
          assertRoundTrip(sample.path, afterText, sample.text);
        }
      });
    });
  }

  it('handles deletion points (start === end) and keeps innermost first', () => {
    const file = parser.parse(typescriptSample.path, typescriptSample.text);
    try {
      const line = lineOf(typescriptSample.text, 'this.cache.set');
      const symbols = file.symbolsInLines([{ start: line, end: line }]);
      assert.deepEqual(
        symbols.map((s) => [s.kind, qualified(s)]),
        [['method', 'OrderService.place'], ['class', 'OrderService']],
      );
      // Two ranges, one in a method and one in a top-level function: leaves first, then parents.
      const other = lineOf(typescriptSample.text, 'return (cents / 100)');
      const both = file.symbolsInLines([{ start: other, end: other }, { start: line, end: line }]);
      assert.deepEqual(both.map(qualified), ['OrderService.place', 'formatPrice', 'OrderService']);
      assert.deepEqual(file.symbolsInLines([{ start: 1, end: 1 }]), []);
      assert.deepEqual(file.symbolsInLines([]), []);
      assert.equal(file.symbolsInLines([{ start: 1, end: 1000 }], 3).length, 3);
    } finally {
      file.dispose();
    }
  });

  it('finds symbols after non-ASCII text (indices are UTF-16 units)', () => {
    const text = [
      "const banner = '😀😀😀 café ñandú 🦤🦤';",
      ...Array.from({ length: 30 }, (_, i) => `export const v${i} = '${'é😀'.repeat(i)}';`),
      'export class Ünicode {',
      "  greet(): string { return '👋'; }",
      '  shout(): string {',
      "    return '📣📣📣'.toUpperCase();",
      '  }',
      '}',
      '',
    ].join('\n');
    const file = parser.parse('src/u.ts', text);
    try {
      const line = lineOf(text, "return '📣📣📣'");
      assert.deepEqual(file.symbolsInLines([{ start: line, end: line }]).map(qualified), ['Ünicode.shout', 'Ünicode']);
      const v7 = lineOf(text, 'export const v7 ');
      assert.deepEqual(file.symbolsInLines([{ start: v7, end: v7 }, { start: line - 2, end: line - 2 }]).map(qualified), ['v7', 'Ünicode.greet', 'Ünicode']);
    } finally {
      file.dispose();
    }
  });

  it('turns hunks into line ranges on either side', () => {
    const hunks: Hunk[] = [
      { oldStart: 3, oldLines: 2, newStart: 3, newLines: 0, removed: ['a', 'b'], added: [] },
      { oldStart: 10, oldLines: 0, newStart: 9, newLines: 3, removed: [], added: ['x', 'y', 'z'] },
      { oldStart: 1, oldLines: 1, newStart: 0, newLines: 0, removed: ['q'], added: [] },
    ];
    assert.deepEqual(hunkLineRanges(hunks, 'old'), [{ start: 3, end: 4 }, { start: 10, end: 10 }, { start: 1, end: 1 }]);
    assert.deepEqual(hunkLineRanges(hunks, 'new'), [{ start: 3, end: 3 }, { start: 9, end: 11 }, { start: 1, end: 1 }]);
  });

  it('includes decorators and attributes in the declaration', () => {
    const ts = parser.parse(typescriptSample.path, typescriptSample.text);
    const rs = parser.parse(rustSample.path, rustSample.text);
    try {
      const decorator = lineOf(typescriptSample.text, '@injectable()');
      const [cls] = ts.symbolsInLines([{ start: decorator, end: decorator }]);
      assert.equal(cls?.name, 'OrderService');
      assert.equal(cls.startLine, decorator);
      const derive = lineOf(rustSample.text, '#[derive');
      const [struct] = rs.symbolsInLines([{ start: derive, end: derive }]);
      assert.deepEqual(struct, { name: 'Order', kind: 'struct', startLine: derive, endLine: derive + 4 });
    } finally {
      ts.dispose();
      rs.dispose();
    }
  });

  it('names Go receivers, Rust impls and JS prototype methods as containers', () => {
    const goFile = parser.parse(goSample.path, goSample.text);
    const rsFile = parser.parse(rustSample.path, rustSample.text);
    const jsFile = parser.parse(javascriptSample.path, javascriptSample.text);
    try {
      const at = (f: ParsedFile, text: string, marker: string): string[] => {
        const line = lineOf(text, marker);
        return f.symbolsInLines([{ start: line, end: line }]).map((s) => `${s.kind} ${qualified(s)}`);
      };
      assert.deepEqual(at(goFile, goSample.text, 'fmt.Sprintf'), ['method Order.String']);
      assert.deepEqual(at(rsFile, rustSample.text, 'write!(f'), ['method Order.fmt', 'impl Order']);
      assert.deepEqual(at(jsFile, javascriptSample.text, "return 'hi '"), ['method Legacy.greet']);
      assert.deepEqual(at(jsFile, javascriptSample.text, 'return this.items.length'), ['method Cart.size', 'class Cart']);
    } finally {
      goFile.dispose();
      rsFile.dispose();
      jsFile.dispose();
    }
  });

  it('rejects hunks that do not fit, leaving the file usable', () => {
    const file = parser.parse(goSample.path, goSample.text);
    try {
      const hunk: Hunk = { oldStart: 500, oldLines: 1, newStart: 500, newLines: 1, removed: ['x'], added: ['y'] };
      assert.equal(file.isPostImageOf([hunk]), false);
      assert.throws(() => file.toPreImage([hunk]), /does not fit/);
      assert.equal(file.isDisposed, false);
      assert.ok(file.outline().length > 0);
      file.dispose();
      file.dispose();
      assert.throws(() => file.outline(), /disposed/);
    } finally {
      file.dispose();
    }
  });

  it('parses git hunk headers with omitted counts and no-newline markers', () => {
    const diff = parseUnifiedHunks(
      ['diff --git a/a b/b', '--- a/a', '+++ b/b', '@@ -3 +3,0 @@', '--- x', '@@ -9,0 +8,2 @@', '+a', '+b', '\\ No newline at end of file', ''].join('\n'),
    );
    assert.deepEqual(diff.hunks, [
      { oldStart: 3, oldLines: 1, newStart: 3, newLines: 0, removed: ['-- x'], added: [] },
      { oldStart: 9, oldLines: 0, newStart: 8, newLines: 2, removed: [], added: ['a', 'b'] },
    ]);
    assert.equal(diff.noEolAfter, true);
    assert.equal(diff.noEolBefore, false);
  });
});
