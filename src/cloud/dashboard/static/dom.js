// Small DOM helpers. Text always goes in through textContent and attributes through setAttribute, so nothing
// from the server is ever parsed as HTML; no inline style either (the page's CSP forbids it).

const SVG_NS = 'http://www.w3.org/2000/svg';

/** `el('td', { class: 'num', 'data-field': 'fps' }, '12.5')`: children are nodes or text. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  if (text !== undefined) node.textContent = text;
  return node;
}

function setAttrs(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
}

export function $(selector, root = document) {
  const found = root.querySelector(selector);
  if (found === null) throw new Error(`no element ${selector}`);
  return found;
}

/** Changes text only when it differs, so unchanged cells are not re-laid out on every push. */
export function setText(node, text) {
  const value = String(text);
  if (node.textContent !== value) node.textContent = value;
}

export function clear(node) {
  node.replaceChildren();
}

export function show(node, visible) {
  node.hidden = !visible;
}
