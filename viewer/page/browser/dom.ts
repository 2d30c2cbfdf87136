/** Building the page's DOM: elements from tag, attributes and children, with recorded text only ever as text. */
import { printable } from '../../printable';

export type Child = Node | string | number | null | undefined | false | Child[];
export type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Attributes | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    // Recorded text reaches the page only through here and append: its bidi and other controls are shown
    // as escapes (printable.ts), so that they cannot reorder or hide what is displayed.
    if (key === 'text') node.textContent = printable(String(value), true);
    else if (key === 'title') node.title = printable(String(value), true);
    else if (key === 'class') node.className = String(value);
    // Through the CSSOM, which the page's Content-Security-Policy allows, unlike style attributes.
    else if (key === 'style') node.style.cssText = String(value);
    else if (typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

/** Appends nodes, text and arrays of them; null, undefined and false are skipped. */
export function append(node: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, ...child);
    else if (typeof child === 'string' || typeof child === 'number') {
      node.appendChild(document.createTextNode(printable(String(child), true)));
    } else node.appendChild(child);
  }
}

/** Chart markup from renderTimeChart, which escapes every text it draws. */
export function svg(markup: string): HTMLElement {
  const holder = h('div');
  holder.innerHTML = markup;
  return holder;
}

export function copyButton(text: string): HTMLButtonElement {
  const button = h('button', { type: 'button', title: 'Copy to clipboard', text: 'Copy' });
  button.addEventListener('click', event => {
    event.stopPropagation();
    const done = () => {
      button.textContent = 'Copied';
      setTimeout(() => (button.textContent = 'Copy'), 1200);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => {
        fallbackCopy(text);
        done();
      });
    } else {
      fallbackCopy(text);
      done();
    }
  });
  return button;
}

/** Copying where the clipboard API is not offered (a page served over plain http from another host). */
function fallbackCopy(text: string): void {
  const area = h('textarea', { style: 'position:fixed;opacity:0' });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}
