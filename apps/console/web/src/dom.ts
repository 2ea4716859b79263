/** A tiny element helper: h('p', { class: 'note' }, 'text', child). No innerHTML, no style attribute (CSP). */
export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

function setAttrs(element: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'style') throw new Error('no style attributes: the CSP forbids them; use a class');
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttrs(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  setAttrs(element, attrs);
  append(element, children);
  return element;
}

/** Text with line-break opportunities after / . _ - (URIs, kids, replica names wrap cleanly on small screens). */
export function breakable(text: string): Node[] {
  const nodes: Node[] = [];
  for (const piece of text.split(/(?<=[/._-])/)) {
    if (nodes.length) nodes.push(document.createElement('wbr'));
    nodes.push(document.createTextNode(piece));
  }
  return nodes;
}

/** Replaces an element's content. */
export function fill(element: Element, ...children: Child[]): void {
  element.replaceChildren();
  append(element, children);
}

/** A status line (aria-live) that says one thing at a time, plainly. */
export class StatusLine {
  readonly element: HTMLParagraphElement;
  constructor(id: string) {
    this.element = h('p', { id, class: 'status', role: 'status', 'aria-live': 'polite' });
  }
  info(text: string): void {
    this.element.className = 'status';
    this.element.textContent = text;
  }
  ok(text: string): void {
    this.element.className = 'status ok';
    this.element.textContent = text;
  }
  error(text: string): void {
    this.element.className = 'status error';
    this.element.textContent = text;
  }
  clear(): void {
    this.element.className = 'status';
    this.element.textContent = '';
  }
}
