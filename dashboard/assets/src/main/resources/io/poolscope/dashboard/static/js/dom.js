// The only way this page creates DOM. Text goes in as text nodes and attributes through
// setAttribute, so an agent-sourced string (pool, thread, stack frame) is never parsed as HTML.

/**
 * Creates an element. attrs: class, dataset (object), on<event> (listener), anything else as an
 * attribute (null/false skipped). children: nodes, strings, numbers, arrays, null.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of el with the given nodes. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** A link to a hash route; parts are URL-encoded because ids and names come from agents. */
export function routeHref(...parts) {
  return '#/' + parts.map((p) => encodeURIComponent(String(p))).join('/');
}

/**
 * Makes parent's children match newChildren, keeping the existing nodes where the tag (and
 * data-key, if any) agree. A live update then changes text and attributes in place instead of
 * replacing the page every second, so a text selection, focus, an open row or a click in
 * progress survive it. Behaviour is attached by delegation (data-action), never to nodes, so
 * a kept node needs no listeners from its replacement.
 */
export function morph(parent, newChildren) {
  const wanted = [];
  flatten(newChildren, wanted);
  for (let i = 0; i < wanted.length; i++) {
    const next = wanted[i];
    const current = parent.childNodes[i];
    if (!current) parent.appendChild(next);
    else if (current === next) continue;
    else if (sameKind(current, next)) patch(current, next);
    else parent.replaceChild(next, current);
  }
  while (parent.childNodes.length > wanted.length) parent.lastChild.remove();
}

function flatten(children, out) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) flatten(child, out);
    else out.push(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function sameKind(a, b) {
  if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return false;
  if (a.nodeType !== Node.ELEMENT_NODE) return true;
  // Chart boxes are owned by charts.js and must never be patched into one another.
  if (a.dataset.chart !== undefined || b.dataset.chart !== undefined) return false;
  return a.dataset.key === b.dataset.key;
}

function patch(current, next) {
  if (current.nodeType !== Node.ELEMENT_NODE) {
    if (current.nodeValue !== next.nodeValue) current.nodeValue = next.nodeValue;
    return;
  }
  for (const attr of [...current.attributes]) {
    // A <details> the person opened stays open: that state is theirs, not the data's.
    if (attr.name === 'open' && current.nodeName === 'DETAILS') continue;
    if (!next.hasAttribute(attr.name)) current.removeAttribute(attr.name);
  }
  for (const attr of next.attributes) {
    if (current.getAttribute(attr.name) === attr.value) continue;
    // Through the CSSOM: the page's CSP forbids style attributes written as markup.
    if (attr.name === 'style') current.style.cssText = next.style.cssText;
    else current.setAttribute(attr.name, attr.value);
  }
  morph(current, [...next.childNodes]);
}
