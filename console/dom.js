/**
 * The console's only way to build the page: elements from createElement and text from text nodes.
 * Nothing here (or anywhere in the console) assigns HTML: user text and mailing HTML are data,
 * never markup. The page's CSP requires Trusted Types with no policy, so an innerHTML would throw.
 */

const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'indeterminate']);

/**
 * h('a', {href: '#/users', class: 'x', onClick: fn}, 'text', child): an element. `on*` props
 * are listeners; `value`, `checked`, `disabled`… are set as properties; the rest as attributes.
 * Children may be strings (text nodes), numbers, nodes, arrays, or null/false (skipped).
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'class') el.className = String(value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of [children].flat(Number.POSITIVE_INFINITY)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/**
 * A <dialog> asking to confirm; resolves true on OK. Esc or Cancel resolve false. `message` is text
 * or nodes (e.g. a sentence with an isolated name). Focus goes back where it was when it closes.
 */
export function confirmDialog(message, okLabel, cancelLabel) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const ok = h('button', { type: 'button', class: 'danger', 'data-testid': 'confirm-ok' }, okLabel);
    const cancel = h('button', { type: 'button' }, cancelLabel);
    const text = h('p', { id: 'confirm-message' }, message);
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-message' },
      text,
      h('div', { class: 'dialog-actions' }, cancel, ok),
    );
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(answer);
    };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** "2026-03-01 09:30" in the browser's time zone, or "—". */
export function formatTime(iso, locale) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

export function formatNumber(n, locale) {
  return new Intl.NumberFormat(locale).format(n);
}
