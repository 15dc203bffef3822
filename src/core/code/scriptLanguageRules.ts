// Declarations of Ruby, PHP and Bash. Node type names were checked against the grammars in
// @vscode/tree-sitter-wasm 0.3.1.
import type { Node } from 'web-tree-sitter';
import { named, nameField, sliceOf } from './ruleHelpers.ts';
import type { Decl, LanguageRules, Rule, RuleContext } from './ruleHelpers.ts';

// ---------- Ruby ----------

/** `class A::B` is B below A (and below the enclosing modules). */
function rubyScoped(node: Node, cx: RuleContext, kind: 'class' | 'module'): Decl | undefined {
  const nameNode = node.childForFieldName('name');
  if (nameNode?.type !== 'scope_resolution') return named(sliceOf(nameNode, cx), kind, true);
  const name = sliceOf(nameNode.childForFieldName('name'), cx);
  const scope = sliceOf(nameNode.childForFieldName('scope'), cx);
  if (name === undefined) return undefined;
  if (scope === undefined) return named(name, kind, true);
  return { name, kind, opens: true, container: [...cx.containers, ...scope.split('::').filter((p) => p !== '')].join('.') };
}

/** A def in a class or module is a method; a top-level def is a function (a private method of Object, in Ruby's terms). */
const rubyMethod: Rule = (node, cx) =>
  named(nameField(node, cx), cx.enclosing === 'class' || cx.enclosing === 'module' ? 'method' : 'function');

export const rubyLanguage: LanguageRules = {
  rules: {
    class: (node, cx) => rubyScoped(node, cx, 'class'),
    module: (node, cx) => rubyScoped(node, cx, 'module'),
    method: rubyMethod,
    // `def self.load`: the name without `self.`, as Python's classmethods are named.
    singleton_method: (node, cx) => named(nameField(node, cx), 'method'),
    assignment: (node, cx) => {
      if (cx.inFunction) return undefined;
      const left = node.childForFieldName('left');
      return left?.type === 'constant' ? named(sliceOf(left, cx), 'variable') : undefined;
    },
  },
  // `class << self` holds class methods of the enclosing class.
  transparent: ['program', 'body_statement', 'singleton_class'],
  wrappers: [],
  prefixes: [],
  comments: ['comment'],
};

// ---------- PHP ----------

const phpType = (kind: 'class' | 'interface' | 'trait' | 'enum'): Rule => (node, cx) => named(nameField(node, cx), kind, true);

export const phpLanguage: LanguageRules = {
  rules: {
    class_declaration: phpType('class'),
    interface_declaration: phpType('interface'),
    trait_declaration: phpType('trait'),
    enum_declaration: phpType('enum'),
    function_definition: (node, cx) => named(nameField(node, cx), 'function'),
    method_declaration: (node, cx) => named(nameField(node, cx), 'method'),
    namespace_definition: (node, cx) => {
      // `namespace A\B;` covers the declarations after it as siblings; only `namespace A\B { }` contains them.
      if (!node.childForFieldName('body')) return undefined;
      const name = nameField(node, cx);
      return named(name?.replace(/\\/g, '.'), 'module', true);
    },
  },
  // compound_statement is a namespace's braces here; a function's body is never reached through an outline.
  transparent: ['program', 'declaration_list', 'enum_declaration_list', 'compound_statement'],
  wrappers: [],
  prefixes: [],
  comments: ['comment'],
};

// ---------- Bash ----------

export const bashLanguage: LanguageRules = {
  rules: {
    function_definition: (node, cx) => named(nameField(node, cx), 'function'),
  },
  transparent: ['program'],
  wrappers: [],
  prefixes: [],
  comments: ['comment'],
};
