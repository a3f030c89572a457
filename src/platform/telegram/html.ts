/** Escapes text for Telegram's HTML parse mode (only &, < and > are special there). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * Splits a text into parts of at most `limit` characters (UTF-16 units, as Telegram counts),
 * preferring line breaks, then spaces, and never cutting a surrogate pair or an HTML entity.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    // Do not split a surrogate pair.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    // Do not split an HTML entity such as &amp;
    const amp = rest.lastIndexOf('&', cut - 1);
    if (amp !== -1 && cut - amp < 8 && !rest.slice(amp, cut).includes(';')) cut = amp;
    parts.push(rest.slice(0, cut));
    // The line break or space we cut at separates the parts; it does not start the next one.
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
