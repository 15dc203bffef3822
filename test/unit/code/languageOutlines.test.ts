// The declarations found in C, C++, C#, Ruby, PHP and Bash: whole outlines of the shared samples
// (names, kinds, containers and line ranges), what encloses a changed line, and the shapes each
// language gets wrong most easily (function pointers, forward declarations, C++ keywords used as
// names in C, qualified definitions, singleton methods, namespaces that do not enclose).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SymbolParser } from '../../../src/core/code/symbolParser.ts';
import type { SymbolRef } from '../../../src/core/code/symbolParser.ts';
import { bashSample, cSample, cppSample, csharpSample, phpSample, rubySample } from '../../helpers/codeSamples.ts';
import type { CodeSample } from '../../helpers/codeSamples.ts';

let parser: SymbolParser;

before(async () => {
  parser = await SymbolParser.create();
});

after(() => {
  parser.dispose();
});

/** `kind container.name start-end`, one string per symbol, so a failure shows the whole list. */
function show(s: SymbolRef): string {
  return `${s.kind} ${s.container === undefined ? '' : `${s.container}.`}${s.name} ${s.startLine}-${s.endLine}`;
}

function outlineOf(path: string, text: string): string[] {
  const file = parser.parse(path, text);
  try {
    return file.outline().map(show);
  } finally {
    file.dispose();
  }
}

function lineOf(text: string, marker: string): number {
  const index = text.indexOf(marker);
  assert.notEqual(index, -1, `marker ${marker} not found`);
  return text.slice(0, index).split('\n').length;
}

/** Symbols enclosing the line holding `marker`, innermost first. */
function at(path: string, text: string, marker: string): string[] {
  const file = parser.parse(path, text);
  try {
    const line = lineOf(text, marker);
    return file.symbolsInLines([{ start: line, end: line }]).map(show);
  } finally {
    file.dispose();
  }
}

function outline(sample: CodeSample): string[] {
  return outlineOf(sample.path, sample.text);
}

describe('C symbols (read with the C++ grammar)', () => {
  it('outlines macros, structs, typedefs, enums, globals, functions and prototypes', () => {
    assert.deepEqual(outline(cSample), [
      'macro MAX_ALIASES 4-4',
      'macro ALLOC_GROW 5-9',
      'struct ref_entry 11-15',
      'type counter_t 17-19',
      'enum ref_kind 21-24',
      'variable ref_count 26-26',
      'function skip_prefix 28-34',
      'function parse_ref 36-42',
      'function free_ref 44-47',
      'function ref_exists 49-49',
    ]);
  });

  it('maps a changed line to its function, macro or struct', () => {
    assert.deepEqual(at(cSample.path, cSample.text, 'return NULL;'), ['function skip_prefix 28-34']);
    assert.deepEqual(at(cSample.path, cSample.text, 'alloc = (nr) * 2;'), ['macro ALLOC_GROW 5-9']);
    // A function-pointer field is a field, not a function: only the struct is named.
    assert.deepEqual(at(cSample.path, cSample.text, 'void (*release)'), ['struct ref_entry 11-15']);
    assert.deepEqual(at(cSample.path, cSample.text, 'int count;'), ['type counter_t 17-19']);
  });

  it('keeps functions whose bodies use C++ keywords as names, and skips forward declarations', () => {
    const text = [
      '#ifndef BRANCH_H',
      '#define BRANCH_H',
      'struct object;',
      'struct object *lookup(struct repository *r, const struct object_id *oid);',
      'typedef int (*each_ref_fn)(const char *refname, void *data);',
      'void (*signal_handler(int sig, void (*func)(int)))(int);',
      '',
      'static struct option builtin_opts[] = {',
      '\tOPT_BOOL(0, "all", &all, "all refs"),',
      '\tOPT_END()',
      '};',
      '',
      'int cmd_branch(int argc, const char **argv, const char *prefix)',
      '{',
      '\tstruct object *new = lookup(the_repository, &oid);',
      '\tchar *template = NULL;',
      '\tint class = new->type;',
      '#define LOCAL_LIMIT 4',
      '\treturn class;',
      '}',
      '',
      'static int delete_refs(void)',
      '{',
      '\treturn 0;',
      '}',
      '#endif',
      '',
    ].join('\n');
    assert.deepEqual(outlineOf('builtin/branch.c', text), [
      'function lookup 4-4',
      'type each_ref_fn 5-5',
      'function signal_handler 6-6',
      'variable builtin_opts 8-11',
      'function cmd_branch 13-20',
      'function delete_refs 22-25',
    ]);
    assert.deepEqual(at('builtin/branch.c', text, 'int class = new->type;'), ['function cmd_branch 13-20']);
    assert.deepEqual(at('builtin/branch.c', text, 'LOCAL_LIMIT'), ['function cmd_branch 13-20']);
    assert.deepEqual(at('builtin/branch.c', text, 'OPT_BOOL'), ['variable builtin_opts 8-11']);
  });
  it('reads git-style C: macro-made declarations, parameter lists over several lines, UNUSED and NORETURN', () => {
    const text = `#define USE_THE_REPOSITORY_VARIABLE
#include "git-compat-util.h"

define_commit_slab(indegree_slab, int);

static const char * const builtin_branch_usage[] = {
	N_("git branch [<options>] [-r | -a] [--merged] [--no-merged]"),
	NULL
};

static GIT_PATH_FUNC(edit_description, "EDIT_DESCRIPTION")

static int branch_use_color = -1;

static int parse_branch_color_slot(const char *slot)
{
	return LOOKUP_CONFIG(color_branch_slots, slot);
}

static int git_branch_config(const char *var, const char *value,
			     const struct config_context *ctx, void *cb)
{
	const char *slot_name;

	if (!strcmp(var, "branch.sort")) {
		if (!value)
			return config_error_nonbool(var);
		string_list_append(&sorting_options, value);
		return 0;
	}
	return git_color_default_config(var, value, ctx, cb);
}

int cmd_branch(int argc,
	       const char **argv,
	       const char *prefix,
	       struct repository *repo UNUSED)
{
	/* possible actions */
	int delete = 0, rename = 0, copy = 0, list = 0;
	struct option options[] = {
		OPT_GROUP(N_("Generic options")),
		OPT__VERBOSE(&filter.verbose,
			N_("show hash and subject, give twice for upstream branch")),
		OPT_END(),
	};
	if (delete) {
		return delete_branches(argc, argv, delete > 1, filter.kind, quiet);
	}
	return 0;
}

static inline int oid_is_null(const struct object_id *oid)
{
	return is_null_oid(oid);
}

NORETURN void die_builtin(const char *err, va_list params)
{
	exit(128);
}
`;
    assert.deepEqual(outlineOf('builtin/branch.c', text), [
      'variable builtin_branch_usage 6-9',
      'variable branch_use_color 13-13',
      'function parse_branch_color_slot 15-18',
      'function git_branch_config 20-32',
      'function cmd_branch 34-51',
      'function oid_is_null 53-56',
      'function die_builtin 58-61',
    ]);
    // `delete` is a C++ keyword; the C++ grammar recovers around it and keeps the function.
    assert.deepEqual(at('builtin/branch.c', text, 'int delete = 0'), ['function cmd_branch 34-51']);
    assert.deepEqual(at('builtin/branch.c', text, 'delete > 1'), ['function cmd_branch 34-51']);
    assert.deepEqual(at('builtin/branch.c', text, 'define_commit_slab'), []);
  });
});

describe('C++ symbols', () => {
  it('outlines namespaces, classes, structs, methods and functions, with out-of-class definitions under their class', () => {
    assert.deepEqual(outline(cppSample), [
      'module shop 4-57',
      'class shop.Repository 8-13',
      'method shop.Repository.~Repository 11-11',
      'method shop.Repository.save 12-12',
      'class shop.OrderService 15-31',
      'method shop.OrderService.OrderService 17-17',
      'method shop.OrderService.place 19-24',
      'method shop.OrderService.count 26-26',
      'method shop.OrderService.operator== 27-27',
      'struct shop.Item 33-37',
      'method shop.Item.total 36-36',
      'enum shop.Status 39-39',
      'module shop.detail 45-51',
      'function shop.detail.total_of 46-50',
      'function shop.describe 53-55',
      'method shop.OrderService.size 59-59',
      'method OrderService.~OrderService 60-60',
    ]);
  });

  it('names the class of a definition outside it, and the template a class is declared in', () => {
    assert.deepEqual(at(cppSample.path, cppSample.text, 'static_cast<int>'), ['method shop.OrderService.count 41-43', 'module shop 4-57']);
    assert.deepEqual(at(cppSample.path, cppSample.text, 'virtual void save'), [
      'method shop.Repository.save 12-12',
      'class shop.Repository 8-13',
      'module shop 4-57',
    ]);
  });

  it('reads nested namespace names, aliases, nested structs and anonymous namespaces', () => {
    const text = [
      '#pragma once',
      'namespace a::b {',
      'template <typename T>',
      'class Box {',
      ' public:',
      '  T get() const { return value_; }',
      '  struct Inner { int x; };',
      ' private:',
      '  T value_;',
      '};',
      'using IntBox = Box<int>;',
      '}',
      'namespace {',
      'int hidden() { return 1; }',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(outlineOf('include/box.hpp', text), [
      'module a.b 2-12',
      'class a.b.Box 3-10',
      'method a.b.Box.get 6-6',
      'struct a.b.Box.Inner 7-7',
      'type a.b.IntBox 11-11',
      'function hidden 14-14',
    ]);
  });
});

describe('C# symbols', () => {
  it('outlines namespaces, interfaces, enums, structs, classes, records, methods, properties and fields', () => {
    assert.deepEqual(outline(csharpSample), [
      'module Shop.Orders 4-53',
      'interface Shop.Orders.IRepository 6-10',
      'method Shop.Orders.IRepository.Find 8-8',
      'method Shop.Orders.IRepository.Save 9-9',
      'enum Shop.Orders.Status 12-12',
      'struct Shop.Orders.Money 14-18',
      'property Shop.Orders.Money.Cents 16-16',
      'method Shop.Orders.Money.Money 17-17',
      'class Shop.Orders.OrderService 20-50',
      'variable Shop.Orders.OrderService.orders 23-23',
      'property Shop.Orders.OrderService.Count 25-25',
      'method Shop.Orders.OrderService.OrderService 27-30',
      'method Shop.Orders.OrderService.Place 32-39',
      'method Shop.Orders.OrderService.Total 41-44',
      'method Shop.Orders.OrderService.Dispose 46-49',
      'class Shop.Orders.Order 52-52',
    ]);
  });

  it('starts a class at its attributes and leaves locals out', () => {
    assert.deepEqual(at(csharpSample.path, csharpSample.text, '[Serializable]'), ['class Shop.Orders.OrderService 20-50', 'module Shop.Orders 4-53']);
    assert.deepEqual(at(csharpSample.path, csharpSample.text, 'orders.Add(order);'), [
      'method Shop.Orders.OrderService.Place 32-39',
      'class Shop.Orders.OrderService 20-50',
      'module Shop.Orders 4-53',
    ]);
  });

  it('does not treat a file-scoped namespace as enclosing the declarations after it', () => {
    const text = 'namespace Shop.Billing;\n\npublic sealed class Invoice\n{\n    public decimal Amount { get; init; }\n    public void Send() { var copy = Amount; }\n}\n';
    assert.deepEqual(outlineOf('Billing/Invoice.cs', text), ['class Invoice 3-7', 'property Invoice.Amount 5-5', 'method Invoice.Send 6-6']);
  });
});

describe('Ruby symbols', () => {
  it('outlines modules, classes (also `class A::B`), methods, `def self.x`, `class << self` and constants', () => {
    assert.deepEqual(outline(rubySample), [
      'module Shop 5-42',
      'variable Shop.MAX_ITEMS 6-6',
      'class Shop.Order 8-35',
      'method Shop.Order.initialize 11-14',
      'method Shop.Order.total 16-18',
      'method Shop.Order.load 20-22',
      'method Shop.Order.build 25-27',
      'method Shop.Order.validate! 32-34',
      'module Shop.Helpers 37-41',
      'method Shop.Helpers.format_price 38-40',
      'class Shop.Refund 44-46',
      'method Shop.Refund.apply 45-45',
      'function describe 48-50',
      'function dump 52-54',
    ]);
    assert.deepEqual(at(rubySample.path, rubySample.text, 'repo.find(id)'), ['method Shop.Order.load 20-22', 'class Shop.Order 8-35', 'module Shop 5-42']);
  });

  it('survives a file cut off in the middle of a method', () => {
    const text = 'class Broken\n  def ok\n    1\n  end\n\n  def half(\n';
    const file = parser.parse('lib/broken.rb', text);
    try {
      assert.equal(file.hasErrors, true);
      // Whatever the recovered tree holds, asking for it must not throw or invent names.
      for (const s of file.symbolsInLines([{ start: 1, end: 6 }])) assert.ok(['Broken', 'ok', 'half'].includes(s.name), show(s));
    } finally {
      file.dispose();
    }
  });
});

describe('PHP symbols', () => {
  it('outlines interfaces, traits, classes, enums, methods and functions', () => {
    assert.deepEqual(outline(phpSample), [
      'interface Store 11-14',
      'method Store.save 13-13',
      'trait Loggable 16-22',
      'method Loggable.log 18-21',
      'class OrderService 24-47',
      'method OrderService.__construct 31-33',
      'method OrderService.place 35-41',
      'method OrderService.create 43-46',
      'enum Status 49-57',
      'method Status.label 53-56',
      'function total_of 59-62',
      'function describe 64-67',
    ]);
    assert.deepEqual(at(phpSample.path, phpSample.text, '#[Entity]'), ['class OrderService 24-47']);
  });

  it('uses braced namespaces as containers and finds functions between HTML', () => {
    const text = '<?php\nnamespace App\\Http {\nfunction route() {}\nclass Kernel { public function handle() {} }\n}\n';
    assert.deepEqual(outlineOf('src/kernel.php', text), ['module App.Http 2-5', 'function App.Http.route 3-3', 'class App.Http.Kernel 4-4', 'method App.Http.Kernel.handle 4-4']);
    const page = '<html><body>\n<?php if ($x): ?>\n<p>hi</p>\n<?php endif; ?>\n<?php\nfunction render_footer() {\n  echo "bye";\n}\n';
    assert.deepEqual(outlineOf('templates/page.php', page), ['function render_footer 6-8']);
  });
});

describe('Bash symbols', () => {
  it('outlines functions in both syntaxes, with brace and subshell bodies', () => {
    assert.deepEqual(outline(bashSample), [
      'function log 6-8',
      'function clean 10-12',
      'function build_all 14-19',
      'function run_tests 21-23',
      'function main 29-32',
    ]);
    assert.deepEqual(at(bashSample.path, bashSample.text, 'ctest --output-on-failure'), ['function run_tests 21-23']);
    // Top-level commands belong to no function.
    assert.deepEqual(at(bashSample.path, bashSample.text, 'if [[ "${1:-}" == "--clean" ]]'), []);
  });
});

describe('bad input in the new languages', () => {
  it('parses empty text, control bytes, stray closers and deep nesting without throwing or inventing names', () => {
    const inputs = ['', '\u0000\u0000\uFFFD\u0001', '}}}\n)))\nend end\n', `\n\n\n${'{'.repeat(5000)}`];
    for (const path of [cSample.path, cppSample.path, csharpSample.path, rubySample.path, phpSample.path, bashSample.path]) {
      for (const text of inputs) {
        const file = parser.parse(path, text);
        try {
          assert.deepEqual(file.outline(), [], `${path} ${JSON.stringify(text.slice(0, 10))}`);
          assert.deepEqual(file.symbolsInLines([{ start: 1, end: 4 }]), []);
          // Outside `<?php` everything is HTML text to the PHP grammar, so only the others see errors.
          if (text !== '' && !path.endsWith('.php')) assert.equal(file.hasErrors, true, path);
        } finally {
          file.dispose();
        }
      }
    }
  });
});
