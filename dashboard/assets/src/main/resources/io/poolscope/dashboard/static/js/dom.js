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
