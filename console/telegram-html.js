import { h } from './dom.js';

/**
 * A mailing's text (Telegram HTML) shown the way Telegram shows it, built from elements and text
 * nodes only: the tags Telegram knows become inert formatting elements (links show their address
 * and do not navigate), every other tag — <script>, <img>, <iframe>… — stays visible text, and
 * no attribute of the input ever reaches the page.
 */

const ELEMENTS = {
  b: 'b',
  strong: 'b',
  i: 'i',
  em: 'i',
  u: 'u',
  ins: 'u',
  s: 's',
  strike: 's',
  del: 's',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-spoiler': 'span',
  a: 'span',
  span: 'span',
  'tg-emoji': 'span',
};

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>/g;
const HREF = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

export function decodeEntities(text) {
  return text.replace(/&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, name) => {
    if (name === 'lt') return '<';
    if (name === 'gt') return '>';
    if (name === 'amp') return '&';
    if (name === 'quot') return '"';
    const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

export function renderTelegramHtml(source) {
  const root = h('div', { class: 'tg-message' });
  const stack = [{ name: null, el: root }];
  const top = () => stack[stack.length - 1];
  const text = (value) => {
    if (value) top().el.append(document.createTextNode(value));
  };
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    text(decodeEntities(source.slice(last, match.index)));
    last = match.index + match[0].length;
    const [whole, slash, rawName, attributes] = match;
    const name = rawName.toLowerCase();
    const known = ELEMENTS[name];
    if (!known || (name === 'span' && !/class\s*=\s*["']?tg-spoiler/i.test(attributes ?? '') && !slash)) {
      text(whole);
      continue;
    }
    if (slash) {
      if (top().name === name) stack.pop();
      else text(whole);
      continue;
    }
    const el = h(known, null);
    if (name === 'a') {
      el.className = 'tg-link';
      const href = HREF.exec(attributes ?? '');
      const url = href ? decodeEntities(href[1] ?? href[2] ?? href[3] ?? '') : '';
      if (url) el.title = url;
    }
    if (name === 'tg-spoiler' || name === 'span') el.className = 'tg-spoiler';
    top().el.append(el);
    stack.push({ name, el });
  }
  text(decodeEntities(source.slice(last)));
  return root;
}
