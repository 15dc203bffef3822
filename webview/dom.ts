// Builds DOM from data without ever parsing HTML: everything shown here may be repository text
// (commit messages, SKILL.md), so strings only ever become text nodes or attribute values.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  attrs?: Record<string, string | boolean | undefined>;
  on?: Partial<Record<string, (event: Event) => void>>;
}

export function el(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const [name, handler] of Object.entries(props.on ?? {})) if (handler) element.addEventListener(name, handler);
  append(element, ...children);
  return element;
}

function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A line that tells the user what went wrong, in the panel (never an exception that blanks it). */
export function errorLine(error: unknown): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  return el('p', { class: 'error', attrs: { role: 'alert' } }, message);
}

export function emptyLine(text: string): HTMLElement {
  return el('p', { class: 'empty' }, text);
}

export function shortSha(sha: string): string {
  return sha.slice(0, 10);
}
