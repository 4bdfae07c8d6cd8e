/**
 * Tiny DOM helpers: the console builds every node with `el` (text is always a text node,
 * never HTML), so data from the API cannot inject markup.
 */

/**
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined | null>} [attributes]
 *   `false`, `null` and `undefined` leave the attribute out; `on*` keys are not allowed.
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Appends children, skipping empty ones; strings become text nodes. */
export function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An element holding SVG markup built by `charts.js` (which escapes every text it writes). */
export function svgBox(className, markup) {
  const box = el('div', { class: className });
  box.innerHTML = markup;
  return box;
}

/** Formats an ISO time for people, in their locale and time zone; `—` when absent. */
export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A severity badge. */
export function severityBadge(severity) {
  return el('span', { class: `sev sev-${severity}` }, severity);
}
