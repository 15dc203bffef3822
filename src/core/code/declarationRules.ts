// Per-language tables that say which tree-sitter nodes are declarations and how to name them.
// Node type names were checked against the grammars shipped in @vscode/tree-sitter-wasm 0.3.1.
// C/C++, C#, and Ruby/PHP/Bash keep their tables in files of their own.
import type { Node } from 'web-tree-sitter';
import { cFamilyLanguage } from './cFamilyRules.ts';
import { csharpLanguage } from './csharpRules.ts';
import type { LanguageId } from './languages.ts';
import { functionKind, nameField, named, sliceOf, typeName, unquote } from './ruleHelpers.ts';
import type { Decl, LanguageRules, Rule, RuleContext } from './ruleHelpers.ts';
import { bashLanguage, phpLanguage, rubyLanguage } from './scriptLanguageRules.ts';

export type { Decl, LanguageRules, Rule, RuleContext } from './ruleHelpers.ts';

// ---------- TypeScript / TSX / JavaScript ----------

const jsFunctionValues: ReadonlySet<string> = new Set(['arrow_function', 'function_expression', 'generator_function', 'function']);
// Parents whose own rule names a function-valued child, so the child must not be reported twice.
const jsNamingParents: ReadonlySet<string> = new Set(['variable_declarator', 'assignment_expression', 'public_field_definition', 'field_definition', 'pair']);

const jsFunctionExpression: Rule = (node, cx) => {
  if (cx.parentType === 'export_statement') return { name: 'default', kind: 'function', opens: false };
  if (jsNamingParents.has(cx.parentType)) return undefined;
  // Anonymous callbacks are not declarations; named ones (`function handler() {}`) are.
  return node.type === 'arrow_function' ? undefined : named(nameField(node, cx), 'function');
};

const jsClass: Rule = (node, cx) => {
  const name = nameField(node, cx);
  if (name !== undefined) return named(name, 'class', true);
  return cx.parentType === 'export_statement' ? { name: 'default', kind: 'class', opens: true } : undefined;
};

const jsMethod: Rule = (node, cx) => named(nameField(node, cx), 'method');

const jsRules: Record<string, Rule> = {
  function_declaration: (node, cx) => named(nameField(node, cx) ?? 'default', 'function'),
  generator_function_declaration: (node, cx) => named(nameField(node, cx) ?? 'default', 'function'),
  function_signature: (node, cx) => named(nameField(node, cx), 'function'),
  function_expression: jsFunctionExpression,
  generator_function: jsFunctionExpression,
  arrow_function: jsFunctionExpression,
  class_declaration: (node, cx) => named(nameField(node, cx) ?? 'default', 'class', true),
  abstract_class_declaration: (node, cx) => named(nameField(node, cx) ?? 'default', 'class', true),
  class: (node, cx) => (cx.parentType === 'variable_declarator' ? undefined : jsClass(node, cx)),
  method_definition: jsMethod,
  method_signature: jsMethod,
  abstract_method_signature: jsMethod,
  public_field_definition: jsField,
  field_definition: jsField,
  interface_declaration: (node, cx) => named(nameField(node, cx), 'interface', true),
  type_alias_declaration: (node, cx) => named(nameField(node, cx), 'type'),
  enum_declaration: (node, cx) => named(nameField(node, cx), 'enum', true),
  internal_module: (node, cx) => named(nameField(node, cx), 'module', true),
  module: (node, cx) => {
    const name = nameField(node, cx);
    return named(name === undefined ? undefined : unquote(name), 'module', true);
  },
  variable_declarator: (node, cx) => {
    const nameNode = node.childForFieldName('name');
    // Destructuring patterns declare no single name worth reporting.
    if (!nameNode || nameNode.type !== 'identifier') return undefined;
    const name = sliceOf(nameNode, cx);
    const valueType = node.childForFieldName('value')?.type;
    if (valueType !== undefined && jsFunctionValues.has(valueType)) return named(name, 'function');
    if (valueType === 'class') return named(name, 'class', true);
    if (cx.inFunction) return undefined;
    return named(name, 'variable', valueType === 'object');
  },
  assignment_expression: (node, cx) => {
    const rightType = node.childForFieldName('right')?.type;
    const isFunction = rightType !== undefined && jsFunctionValues.has(rightType);
    // `module.exports = { ... }` and friends act as a namespace at module level.
    if (!isFunction && (rightType !== 'object' || cx.inFunction)) return undefined;
    const left = node.childForFieldName('left');
    if (!left) return undefined;
    if (left.type === 'member_expression') {
      const object = sliceOf(left.childForFieldName('object'), cx);
      const property = sliceOf(left.childForFieldName('property'), cx);
      if (isFunction && object !== undefined && property !== undefined && object.endsWith('.prototype')) {
        return { name: property, kind: 'method', opens: false, container: object.slice(0, -'.prototype'.length) };
      }
    } else if (left.type !== 'identifier') {
      return undefined;
    }
    return named(sliceOf(left, cx), isFunction ? 'function' : 'variable', !isFunction);
  },
  pair: (node, cx) => {
    if (cx.inFunction) return undefined;
    const valueType = node.childForFieldName('value')?.type;
    if (valueType === undefined || !jsFunctionValues.has(valueType)) return undefined;
    const key = nameField(node, cx, 'key');
    return named(key === undefined ? undefined : unquote(key), 'method');
  },
};

function jsField(node: Node, cx: RuleContext): Decl | undefined {
  // TS calls the field name `name`, JS calls it `property`.
  const name = nameField(node, cx) ?? nameField(node, cx, 'property');
  const valueType = node.childForFieldName('value')?.type;
  return named(name, valueType !== undefined && jsFunctionValues.has(valueType) ? 'method' : 'variable');
}

const jsLanguage: LanguageRules = {
  rules: jsRules,
  transparent: [
    'program', 'export_statement', 'lexical_declaration', 'variable_declaration', 'expression_statement', 'ambient_declaration',
    'class_body', 'interface_body', 'object_type', 'statement_block', 'class', 'object',
  ],
  wrappers: ['export_statement', 'ambient_declaration'],
  prefixes: ['decorator'],
  comments: ['comment'],
};

// ---------- Python ----------

const pythonLanguage: LanguageRules = {
  rules: {
    function_definition: (node, cx) => named(nameField(node, cx), functionKind(cx)),
    class_definition: (node, cx) => named(nameField(node, cx), 'class', true),
    type_alias_statement: (node, cx) => named(nameField(node, cx, 'left'), 'type'),
    assignment: (node, cx) => {
      if (cx.inFunction || cx.parentType !== 'expression_statement') return undefined;
      const left = node.childForFieldName('left');
      return left?.type === 'identifier' ? named(sliceOf(left, cx), 'variable') : undefined;
    },
  },
  transparent: ['module', 'block', 'decorated_definition', 'expression_statement'],
  wrappers: ['decorated_definition'],
  prefixes: [],
  comments: ['comment'],
};

// ---------- Go ----------

const goSpec: Rule = (node, cx) => {
  if (cx.inFunction) return undefined;
  const names = node.childrenForFieldName('name').map((n) => sliceOf(n, cx)).filter((n): n is string => n !== undefined);
  const value = node.childForFieldName('value');
  const isFunction = value?.namedChildCount === 1 && value.firstNamedChild?.type === 'func_literal';
  return named(names.join(', '), isFunction ? 'function' : 'variable');
};

const goLanguage: LanguageRules = {
  rules: {
    function_declaration: (node, cx) => named(nameField(node, cx), 'function'),
    method_declaration: (node, cx) => {
      const name = nameField(node, cx);
      if (name === undefined) return undefined;
      const receiver = node.childForFieldName('receiver')?.firstNamedChild ?? null;
      const container = typeName(receiver?.childForFieldName('type') ?? null, cx);
      return container === undefined ? { name, kind: 'method', opens: false } : { name, kind: 'method', opens: false, container };
    },
    type_spec: (node, cx) => {
      const type = node.childForFieldName('type')?.type;
      return named(nameField(node, cx), type === 'struct_type' ? 'struct' : type === 'interface_type' ? 'interface' : 'type');
    },
    type_alias: (node, cx) => named(nameField(node, cx), 'type'),
    const_spec: goSpec,
    var_spec: goSpec,
  },
  transparent: ['source_file', 'type_declaration', 'const_declaration', 'var_declaration', 'var_spec_list'],
  wrappers: [],
  prefixes: [],
  comments: ['comment'],
};

// ---------- Rust ----------

const rustVariable: Rule = (node, cx) => (cx.inFunction ? undefined : named(nameField(node, cx), 'variable'));

const rustLanguage: LanguageRules = {
  rules: {
    function_item: (node, cx) => named(nameField(node, cx), functionKind(cx)),
    function_signature_item: (node, cx) => named(nameField(node, cx), functionKind(cx)),
    impl_item: (node, cx) => named(typeName(node.childForFieldName('type'), cx), 'impl', true),
    struct_item: (node, cx) => named(nameField(node, cx), 'struct'),
    union_item: (node, cx) => named(nameField(node, cx), 'struct'),
    enum_item: (node, cx) => named(nameField(node, cx), 'enum'),
    trait_item: (node, cx) => named(nameField(node, cx), 'trait', true),
    mod_item: (node, cx) => named(nameField(node, cx), 'module', true),
    type_item: (node, cx) => named(nameField(node, cx), 'type'),
    const_item: rustVariable,
    static_item: rustVariable,
    macro_definition: (node, cx) => named(nameField(node, cx), 'function'),
  },
  transparent: ['source_file', 'declaration_list', 'foreign_mod_item'],
  wrappers: [],
  prefixes: ['attribute_item'],
  comments: ['line_comment', 'block_comment'],
};

// ---------- Java ----------

const javaMethod: Rule = (node, cx) => named(nameField(node, cx), 'method');

const javaLanguage: LanguageRules = {
  rules: {
    class_declaration: (node, cx) => named(nameField(node, cx), 'class', true),
    record_declaration: (node, cx) => named(nameField(node, cx), 'class', true),
    interface_declaration: (node, cx) => named(nameField(node, cx), 'interface', true),
    annotation_type_declaration: (node, cx) => named(nameField(node, cx), 'interface', true),
    enum_declaration: (node, cx) => named(nameField(node, cx), 'enum', true),
    method_declaration: javaMethod,
    constructor_declaration: javaMethod,
    compact_constructor_declaration: javaMethod,
    variable_declarator: (node, cx) =>
      cx.parentType === 'field_declaration' || cx.parentType === 'constant_declaration' ? named(nameField(node, cx), 'variable') : undefined,
  },
  transparent: [
    'program', 'class_body', 'interface_body', 'enum_body', 'enum_body_declarations', 'annotation_type_body',
    'field_declaration', 'constant_declaration',
  ],
  wrappers: [],
  prefixes: [],
  comments: ['line_comment', 'block_comment'],
};

export const declarationRules: Readonly<Record<LanguageId, LanguageRules>> = {
  typescript: jsLanguage,
  tsx: jsLanguage,
  javascript: jsLanguage,
  python: pythonLanguage,
  go: goLanguage,
  rust: rustLanguage,
  java: javaLanguage,
  c: cFamilyLanguage,
  cpp: cFamilyLanguage,
  csharp: csharpLanguage,
  ruby: rubyLanguage,
  php: phpLanguage,
  bash: bashLanguage,
};
