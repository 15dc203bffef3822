// Declarations of C#. Node type names were checked against tree-sitter-c-sharp in @vscode/tree-sitter-wasm 0.3.1.
import { classLike, named, nameField } from './ruleHelpers.ts';
import type { LanguageRules, Rule } from './ruleHelpers.ts';

const container = (kind: 'class' | 'interface' | 'struct' | 'enum'): Rule => (node, cx) => named(nameField(node, cx), kind, true);
const method: Rule = (node, cx) => named(nameField(node, cx), 'method');

export const csharpLanguage: LanguageRules = {
  rules: {
    class_declaration: container('class'),
    record_declaration: container('class'),
    interface_declaration: container('interface'),
    struct_declaration: container('struct'),
    record_struct_declaration: container('struct'),
    enum_declaration: container('enum'),
    method_declaration: method,
    constructor_declaration: method,
    destructor_declaration: method,
    property_declaration: (node, cx) => named(nameField(node, cx), 'property'),
    // A file-scoped `namespace A;` covers the declarations after it as siblings, so only the braced form contains them.
    namespace_declaration: (node, cx) => named(nameField(node, cx), 'module', true),
    // Fields, as Java's are listed; locals are not symbols.
    variable_declarator: (node, cx) =>
      !cx.inFunction && cx.parentType === 'variable_declaration' && cx.enclosing !== undefined && classLike.has(cx.enclosing)
        ? named(nameField(node, cx), 'variable')
        : undefined,
  },
  transparent: ['compilation_unit', 'declaration_list', 'enum_member_declaration_list', 'field_declaration', 'variable_declaration'],
  wrappers: [],
  prefixes: [],
  comments: ['comment'],
};
