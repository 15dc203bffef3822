// Shared by the per-language declaration tables: what a rule sees and returns, and the helpers
// that slice names out of the source.
import type { Node } from 'web-tree-sitter';
import type { SymbolKind } from './symbolParser.ts';

/** What a declaration node declares. */
export interface Decl {
  name: string;
  kind: SymbolKind;
  /** Members below it get its name in their container chain. */
  opens: boolean;
  /** Replaces the container chain (Go receivers, JS prototype assignments, C++ `Foo::bar`, Ruby `class A::B`). */
  container?: string;
}

export interface RuleContext {
  /** Full source, to slice names out of (cheaper and safer than Node.text). */
  readonly text: string;
  /** Type of the node's parent. */
  readonly parentType: string;
  /** Kind of the nearest enclosing declaration. */
  readonly enclosing: SymbolKind | undefined;
  /** Inside a function or method body (local variables are not symbols). */
  readonly inFunction: boolean;
  /** Names of the enclosing containers, outermost first. */
  readonly containers: readonly string[];
}

export type Rule = (node: Node, cx: RuleContext) => Decl | undefined;

export interface LanguageRules {
  readonly rules: Readonly<Record<string, Rule>>;
  /** Structural nodes an outline looks through (roots, bodies, export wrappers). */
  readonly transparent: readonly string[];
  /** Nodes whose declaration child's range starts at the wrapper (decorators, `export`). */
  readonly wrappers: readonly string[];
  /** Sibling nodes that belong to the declaration after them (TS decorators in class bodies, Rust attributes). */
  readonly prefixes: readonly string[];
  readonly comments: readonly string[];
}

export const classLike: ReadonlySet<SymbolKind> = new Set<SymbolKind>(['class', 'interface', 'enum', 'struct', 'trait', 'impl']);
const maxNameLength = 200;

export function sliceOf(node: Node | null, cx: RuleContext): string | undefined {
  if (!node) return undefined;
  const raw = cx.text.slice(node.startIndex, node.endIndex);
  const compact = raw.length < 64 && !/\s/.test(raw) ? raw : raw.replace(/\s+/g, ' ').trim();
  return compact.length > maxNameLength ? compact.slice(0, maxNameLength) : compact;
}

export function nameField(node: Node, cx: RuleContext, field = 'name'): string | undefined {
  return sliceOf(node.childForFieldName(field), cx);
}

export function unquote(name: string): string {
  return name.length >= 2 && /^(['"`]).*\1$/.test(name) ? name.slice(1, -1) : name;
}

export function functionKind(cx: RuleContext): SymbolKind {
  return cx.enclosing !== undefined && classLike.has(cx.enclosing) ? 'method' : 'function';
}

export function named(name: string | undefined, kind: SymbolKind, opens = false): Decl | undefined {
  return name === undefined || name === '' ? undefined : { name, kind, opens };
}

/** The bare type name of a receiver or impl target: `*Foo`, `Foo[T]`, `&mut a::Foo<T>` are all `Foo`. */
export function typeName(start: Node | null, cx: RuleContext): string | undefined {
  let node = start;
  for (let guard = 0; node && guard < 16; guard++) {
    switch (node.type) {
      case 'pointer_type':
      case 'reference_type':
        node = node.childForFieldName('type') ?? node.lastNamedChild;
        break;
      case 'generic_type':
        node = node.childForFieldName('type') ?? node.firstNamedChild;
        break;
      case 'scoped_type_identifier':
      case 'qualified_type':
        node = node.childForFieldName('name') ?? node.lastNamedChild;
        break;
      default:
        return sliceOf(node, cx);
    }
  }
  return undefined;
}
