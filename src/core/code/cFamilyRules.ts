// Declarations of C and C++, both parsed with the C++ grammar (the grammar package has no C one).
// Node type names were checked against tree-sitter-cpp in @vscode/tree-sitter-wasm 0.3.1.
import type { Node } from 'web-tree-sitter';
import { functionKind, named, sliceOf } from './ruleHelpers.ts';
import type { Decl, LanguageRules, Rule, RuleContext } from './ruleHelpers.ts';

interface DeclaratorName {
  name: string;
  /** `a::B::f` gives ['a', 'B']. */
  scope: string[];
  /** A function (or prototype), not a pointer to one. */
  isFunction: boolean;
}

const leafNames: ReadonlySet<string> = new Set(['identifier', 'field_identifier', 'type_identifier', 'destructor_name', 'operator_name']);

/** The scope part of a qualified name: `Foo<T>::` is `Foo`. */
function scopeName(node: Node | null, cx: RuleContext): string | undefined {
  if (!node) return undefined;
  return sliceOf(node.type === 'template_type' ? node.childForFieldName('name') : node, cx);
}

/**
 * The name a declarator declares, through pointers, references, initialisers and qualified names.
 * A parenthesised declarator inside a function declarator is a pointer to a function
 * (`void (*cb)(int)`): a variable, not a function.
 */
function declaratorName(start: Node | null, cx: RuleContext): DeclaratorName | undefined {
  let node = start;
  let isFunction = false;
  const scope: string[] = [];
  for (let guard = 0; node && guard < 32; guard++) {
    const type = node.type;
    if (leafNames.has(type)) {
      const name = sliceOf(node, cx);
      return name === undefined || name === '' ? undefined : { name, scope, isFunction };
    }
    switch (type) {
      case 'function_declarator':
        isFunction = true;
        node = node.childForFieldName('declarator');
        break;
      case 'parenthesized_declarator':
        isFunction = false;
        node = node.firstNamedChild;
        break;
      case 'qualified_identifier': {
        const part = scopeName(node.childForFieldName('scope'), cx);
        if (part !== undefined) scope.push(part);
        node = node.childForFieldName('name');
        break;
      }
      case 'template_function':
        node = node.childForFieldName('name');
        break;
      case 'reference_declarator':
        node = node.lastNamedChild;
        break;
      default:
        // pointer, array, init and attributed declarators keep the inner one in `declarator`.
        node = node.childForFieldName('declarator');
    }
  }
  return undefined;
}

/** A member defined outside its class (`int Foo::count() {}`) is a method of Foo, below the enclosing namespaces. */
function scoped(d: DeclaratorName, kind: Decl['kind'], cx: RuleContext): Decl {
  if (d.scope.length === 0) return { name: d.name, kind, opens: false };
  return { name: d.name, kind: 'method', opens: false, container: [...cx.containers, ...d.scope].join('.') };
}

const functionDefinition: Rule = (node, cx) => {
  const d = declaratorName(node.childForFieldName('declarator'), cx);
  return d === undefined ? undefined : scoped(d, functionKind(cx), cx);
};

/** Prototypes and globals at file or namespace level: `int f(void);`, `static int count;`. */
const declaration: Rule = (node, cx) => {
  if (cx.inFunction) return undefined;
  const names: DeclaratorName[] = [];
  for (const child of node.childrenForFieldName('declarator')) {
    const d = declaratorName(child, cx);
    if (d === undefined) continue;
    if (d.isFunction) return scoped(d, functionKind(cx), cx);
    names.push(d);
  }
  return named(names.map((d) => d.name).join(', '), 'variable');
};

/** Member function declarations in a class body; data members are left out (as C struct fields are). */
const fieldDeclaration: Rule = (node, cx) => {
  if (cx.inFunction) return undefined;
  const d = declaratorName(node.childForFieldName('declarator'), cx);
  return d?.isFunction === true ? named(d.name, 'method') : undefined;
};

/** Only definitions with a body: `struct foo *p` and `class Foo;` only mention the type. */
function typeWithBody(kind: Decl['kind'], opens: boolean): Rule {
  return (node, cx) => {
    if (!node.childForFieldName('body')) return undefined;
    const nameNode = node.childForFieldName('name');
    if (nameNode?.type === 'qualified_identifier') {
      const d = declaratorName(nameNode, cx);
      if (d === undefined) return undefined;
      return d.scope.length === 0 ? named(d.name, kind, opens) : { name: d.name, kind, opens, container: [...cx.containers, ...d.scope].join('.') };
    }
    return named(sliceOf(nameNode, cx), kind, opens);
  };
}

const macro: Rule = (node, cx) => {
  if (cx.inFunction) return undefined;
  // `#define FOO_H` (an include guard or a feature flag) carries no value worth naming.
  if (node.type === 'preproc_def' && !node.childForFieldName('value')) return undefined;
  return named(sliceOf(node.childForFieldName('name'), cx), 'macro');
};

const typeDefinition: Rule = (node, cx) => {
  if (cx.inFunction) return undefined;
  const d = declaratorName(node.childForFieldName('declarator'), cx);
  return named(d?.name, 'type');
};

const namespaceDefinition: Rule = (node, cx) => {
  const nameNode = node.childForFieldName('name');
  // An anonymous namespace names nothing; it is looked through (transparent).
  if (!nameNode) return undefined;
  const parts = (sliceOf(nameNode, cx) ?? '').split('::').map((p) => p.trim()).filter((p) => p !== '');
  const name = parts.pop();
  if (name === undefined) return undefined;
  return parts.length === 0 ? named(name, 'module', true) : { name, kind: 'module', opens: true, container: [...cx.containers, ...parts].join('.') };
};

export const cFamilyLanguage: LanguageRules = {
  rules: {
    function_definition: functionDefinition,
    declaration,
    field_declaration: fieldDeclaration,
    struct_specifier: typeWithBody('struct', true),
    union_specifier: typeWithBody('struct', true),
    class_specifier: typeWithBody('class', true),
    enum_specifier: typeWithBody('enum', false),
    type_definition: typeDefinition,
    alias_declaration: (node, cx) => (cx.inFunction ? undefined : named(sliceOf(node.childForFieldName('name'), cx), 'type')),
    preproc_function_def: macro,
    preproc_def: macro,
    namespace_definition: namespaceDefinition,
  },
  transparent: [
    'translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification',
    'declaration_list', 'field_declaration_list', 'template_declaration', 'namespace_definition',
    // These can hold a struct definition: `typedef struct foo {...} foo_t;`, `static struct opts {...} o;`,
    // `struct Inner {...};` in a class body.
    'declaration', 'type_definition', 'field_declaration',
  ],
  wrappers: ['template_declaration'],
  prefixes: [],
  comments: ['comment'],
};
