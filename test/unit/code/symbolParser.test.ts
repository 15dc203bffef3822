import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { languageForPath } from '../../../src/core/code/languages.ts';
import { SymbolParser, hunkLineRanges } from '../../../src/core/code/symbolParser.ts';
import type { Hunk, ParsedFile, SymbolRef } from '../../../src/core/code/symbolParser.ts';
import { defaultWasmDirs } from '../../../src/core/code/wasmLocation.ts';
import { gitDiffHunks, parseUnifiedHunks } from '../../helpers/unifiedHunks.ts';

// ---------- samples ----------

interface Sample {
  path: string;
  text: string;
  /** A line inside a method, and the method it belongs to. */
  inMethod: { marker: string; name: string; container: string; kind: SymbolRef['kind'] };
  /** Two adjacent top-level functions (or methods) a single hunk can span. */
  span: { from: string; to: string; names: [string, string] };
  /** A whole function to add at the end, and its name. */
  added: { text: string; name: string };
}

const typescript: Sample = {
  path: 'src/service/orderService.ts',
  text: `import type { Order } from './order.ts';
import { logger } from '../log.ts';

export const MAX_RETRIES = 3;

export interface Repository<T> {
  find(id: string): Promise<T | undefined>;
  save(item: T): Promise<void>;
}

@injectable()
export class OrderService {
  private readonly cache = new Map<string, Order>();

  constructor(private readonly repo: Repository<Order>) {}

  async place(order: Order): Promise<void> {
    if (order.items.length === 0) {
      throw new Error('empty order');
    }
    this.cache.set(order.id, order);
    await this.repo.save(order);
  }

  cancel = async (id: string): Promise<boolean> => {
    const order = await this.repo.find(id);
    return order !== undefined;
  };
}

export function totalOf(order: Order): number {
  return order.items.reduce((sum, item) => sum + item.price, 0);
}

export function describeOrder(order: Order): string {
  return \`\${order.id}: \${totalOf(order)}\`;
}

export const formatPrice = (cents: number): string => {
  return (cents / 100).toFixed(2);
};
`,
  inMethod: { marker: "throw new Error('empty order')", name: 'place', container: 'OrderService', kind: 'method' },
  span: { from: 'return order.items.reduce', to: 'return `${order.id}', names: ['totalOf', 'describeOrder'] },
  added: { text: 'export function refund(order: Order): void {\n  logger.info(order.id);\n}\n', name: 'refund' },
};

const tsx: Sample = {
  path: 'web/components/OrderList.tsx',
  text: `import React, { useState } from 'react';

type Props = { orders: string[]; onPick: (id: string) => void };

export const OrderList = ({ orders, onPick }: Props) => {
  const [open, setOpen] = useState(false);
  return (
    <ul className="orders">
      {orders.map((id) => (
        <li key={id} onClick={() => onPick(id)}>{id}</li>
      ))}
    </ul>
  );
};

export class Panel extends React.Component<Props> {
  render() {
    return <div className="panel">{this.props.orders.length}</div>;
  }

  componentDidMount() {
    console.log('mounted');
  }
}

export function Empty() {
  return <p>Nothing here</p>;
}

function Footer() {
  return <footer>© shop</footer>;
}
`,
  inMethod: { marker: "console.log('mounted')", name: 'componentDidMount', container: 'Panel', kind: 'method' },
  span: { from: 'return <p>Nothing', to: 'return <footer>', names: ['Empty', 'Footer'] },
  added: { text: 'export function Header() {\n  return <h1>Orders</h1>;\n}\n', name: 'Header' },
};

const javascript: Sample = {
  path: 'lib/cart.js',
  text: `'use strict';
const { EventEmitter } = require('events');

class Cart extends EventEmitter {
  constructor() {
    super();
    this.items = [];
  }

  add(item) {
    this.items.push(item);
    this.emit('change', this.items);
  }

  get size() {
    return this.items.length;
  }
}

function Legacy(name) {
  this.name = name;
}

Legacy.prototype.greet = function () {
  return 'hi ' + this.name;
};

function sum(items) {
  return items.reduce((a, b) => a + b.price, 0);
}

function render(cart) {
  return <span>{cart.size}</span>;
}

module.exports = { Cart, Legacy, sum, render };
`,
  inMethod: { marker: "this.emit('change'", name: 'add', container: 'Cart', kind: 'method' },
  span: { from: 'return items.reduce', to: 'return <span>', names: ['sum', 'render'] },
  added: { text: 'function clear(cart) {\n  cart.items = [];\n}\n', name: 'clear' },
};

const python: Sample = {
  path: 'shop/orders.py',
  text: `"""Order handling."""
from dataclasses import dataclass

MAX_ITEMS = 50


@dataclass
class Order:
    id: str
    items: list

    def total(self) -> int:
        return sum(item.price for item in self.items)

    @property
    def empty(self) -> bool:
        return not self.items

    async def persist(self, repo):
        await repo.save(self)


def load(repo, order_id):
    return repo.get(order_id)


def dump(order):
    return {"id": order.id, "total": order.total()}
`,
  inMethod: { marker: 'return sum(item.price', name: 'total', container: 'Order', kind: 'method' },
  span: { from: 'return repo.get', to: 'return {"id"', names: ['load', 'dump'] },
  added: { text: '\n\ndef cancel(order):\n    order.items.clear()\n', name: 'cancel' },
};

const go: Sample = {
  path: 'internal/order/order.go',
  text: `package order

import (
	"errors"
	"fmt"
)

const MaxItems = 50

type Order struct {
	ID    string
	Items []Item
}

type Store interface {
	Save(o *Order) error
}

func (o *Order) Total() int {
	total := 0
	for _, it := range o.Items {
		total += it.Price
	}
	return total
}

func (o Order) String() string {
	return fmt.Sprintf("%s (%d)", o.ID, o.Total())
}

func Validate(o *Order) error {
	if len(o.Items) == 0 {
		return errors.New("empty")
	}
	return nil
}

func New(id string) *Order {
	return &Order{ID: id}
}
`,
  inMethod: { marker: 'total += it.Price', name: 'Total', container: 'Order', kind: 'method' },
  span: { from: 'return errors.New', to: 'return &Order{ID', names: ['Validate', 'New'] },
  added: { text: '\nfunc Cancel(o *Order) {\n\to.Items = nil\n}\n', name: 'Cancel' },
};

const rust: Sample = {
  path: 'src/order.rs',
  text: `use std::fmt;

pub const MAX_ITEMS: usize = 50;

#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub items: Vec<Item>,
}

impl Order {
    pub fn new(id: &str) -> Self {
        Order { id: id.to_string(), items: Vec::new() }
    }

    pub fn total(&self) -> u64 {
        self.items.iter().map(|i| i.price).sum()
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.total())
    }
}

pub trait Store {
    fn save(&mut self, order: &Order) -> Result<(), String>;
}

pub fn validate(order: &Order) -> bool {
    !order.items.is_empty()
}

fn describe(order: &Order) -> String {
    format!("{}", order)
}
`,
  inMethod: { marker: 'self.items.iter().map', name: 'total', container: 'Order', kind: 'method' },
  span: { from: '!order.items.is_empty()', to: 'format!("{}", order)', names: ['validate', 'describe'] },
  added: { text: '\npub fn cancel(order: &mut Order) {\n    order.items.clear();\n}\n', name: 'cancel' },
};

const java: Sample = {
  path: 'src/main/java/shop/OrderService.java',
  text: `package shop;

import java.util.ArrayList;
import java.util.List;

@Service
public class OrderService {
    private final List<Order> orders = new ArrayList<>();

    public OrderService() {
    }

    public void place(Order order) {
        if (order.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        orders.add(order);
    }

    public int count() {
        return orders.size();
    }

    public long total() {
        return orders.stream().mapToLong(Order::total).sum();
    }

    static class Audit {
        void log(String message) {
            System.out.println(message);
        }
    }
}
`,
  inMethod: { marker: 'System.out.println(message)', name: 'log', container: 'OrderService.Audit', kind: 'method' },
  span: { from: 'return orders.size()', to: 'return orders.stream()', names: ['count', 'total'] },
  added: { text: 'class Refund {\n    void apply() {\n    }\n}\n', name: 'Refund' },
};

const samples: Sample[] = [typescript, tsx, javascript, python, go, rust, java];

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
  });

  it('leaves other files to the caller', () => {
    for (const path of ['README.md', 'Makefile', '.ts', 'dir.ts/file', 'a.json', 'x.c', 'y.rb']) {
      assert.equal(languageForPath(path), undefined, path);
    }
  });
});

describe('wasm location', () => {
  it('finds the runtime and every grammar from source', () => {
    const dirs = defaultWasmDirs();
    assert.ok(existsSync(join(dirs.runtime, 'web-tree-sitter.wasm')));
    for (const lang of ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java']) {
      assert.ok(existsSync(join(dirs.grammars, `tree-sitter-${lang}.wasm`)), lang);
    }
  });
});

describe('SymbolParser', () => {
  it('does not support other files', () => {
    assert.equal(parser.supports('docs/guide.md'), false);
    assert.equal(parser.supports('src/a.ts'), true);
    assert.throws(() => parser.parse('docs/guide.md', '# hi'), /No grammar/);
  });

  for (const sample of samples) {
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
          assert.ok(names.includes(`${sample.inMethod.container}.${sample.inMethod.name}`), names.join(', '));
          const starts = outline.map((s) => s.startLine);
          assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
          assert.equal(file.outline(2).length, 2);
        } finally {
          file.dispose();
        }
      });

      it('round-trips edits through the incremental pre-image parse', () => {
        const text = sample.text;
        const comment = sample.path.endsWith('.py') ? '#' : '//';
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
    const file = parser.parse(typescript.path, typescript.text);
    try {
      const line = lineOf(typescript.text, 'this.cache.set');
      const symbols = file.symbolsInLines([{ start: line, end: line }]);
      assert.deepEqual(
        symbols.map((s) => [s.kind, qualified(s)]),
        [['method', 'OrderService.place'], ['class', 'OrderService']],
      );
      // Two ranges, one in a method and one in a top-level function: leaves first, then parents.
      const other = lineOf(typescript.text, 'return (cents / 100)');
      const both = file.symbolsInLines([{ start: other, end: other }, { start: line, end: line }]);
      assert.deepEqual(both.map(qualified), ['OrderService.place', 'formatPrice', 'OrderService']);
      assert.deepEqual(file.symbolsInLines([{ start: 1, end: 1 }]), []);
      assert.deepEqual(file.symbolsInLines([]), []);
      assert.equal(file.symbolsInLines([{ start: 1, end: 1000 }], 3).length, 3);
    } finally {
      file.dispose();
    }
  });

  it('includes decorators and attributes in the declaration', () => {
    const ts = parser.parse(typescript.path, typescript.text);
    const rs = parser.parse(rust.path, rust.text);
    try {
      const decorator = lineOf(typescript.text, '@injectable()');
      const [cls] = ts.symbolsInLines([{ start: decorator, end: decorator }]);
      assert.equal(cls?.name, 'OrderService');
      assert.equal(cls.startLine, decorator);
      const derive = lineOf(rust.text, '#[derive');
      const [struct] = rs.symbolsInLines([{ start: derive, end: derive }]);
      assert.deepEqual(struct, { name: 'Order', kind: 'struct', startLine: derive, endLine: derive + 4 });
    } finally {
      ts.dispose();
      rs.dispose();
    }
  });

  it('names Go receivers, Rust impls and JS prototype methods as containers', () => {
    const goFile = parser.parse(go.path, go.text);
    const rsFile = parser.parse(rust.path, rust.text);
    const jsFile = parser.parse(javascript.path, javascript.text);
    try {
      const at = (f: ParsedFile, text: string, marker: string): string[] => {
        const line = lineOf(text, marker);
        return f.symbolsInLines([{ start: line, end: line }]).map((s) => `${s.kind} ${qualified(s)}`);
      };
      assert.deepEqual(at(goFile, go.text, 'fmt.Sprintf'), ['method Order.String']);
      assert.deepEqual(at(rsFile, rust.text, 'write!(f'), ['method Order.fmt', 'impl Order']);
      assert.deepEqual(at(jsFile, javascript.text, "return 'hi '"), ['method Legacy.greet']);
      assert.deepEqual(at(jsFile, javascript.text, 'return this.items.length'), ['method Cart.size', 'class Cart']);
    } finally {
      goFile.dispose();
      rsFile.dispose();
      jsFile.dispose();
    }
  });

  it('rejects hunks that do not fit, leaving the file usable', () => {
    const file = parser.parse(go.path, go.text);
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
