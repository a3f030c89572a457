import { DomainError } from '../../platform/errors.js';
import { isStorableText } from '../../platform/storable-text.js';
import { characterCount } from '../../platform/telegram/entities.js';
import { escapeHtml } from '../../platform/telegram/html.js';
import {
  type MailingButton,
  type MailingMedia,
  MEDIA_TYPES,
  type MediaType,
  type TextEntity,
} from './mailing.entities.js';

/**
 * What a mailing says (SPEC §2.5): a text, or a photo / video / animation / document with a
 * caption, formatted either by Telegram's entities (as the admin sent it in the bot) or by HTML
 * (the API), plus URL buttons; and the one builder of the Bot API call that sends it, used by
 * the engine for every recipient and by the test send, so the admin sees exactly what recipients get.
 */

export const MAILING_TEXT_MAX = 4096;
export const MAILING_CAPTION_MAX = 1024;
export const BUTTON_ROWS_MAX = 5;
export const BUTTONS_PER_ROW_MAX = 3;
export const BUTTON_TEXT_MAX = 64;
export const BUTTON_URL_MAX = 512;
export const MEDIA_URL_MAX = 2048;
const ENTITIES_MAX = 1000;

/** Callback data of the buttons under a mailing message: `mlu:<id>` unsubscribe, `mlr:<id>` undo. */
export const UNSUBSCRIBE_DATA = 'mlu:';
/** The mailing id in the 🔕 of a copy sent to an admin (preview, 🧪 Test): pressing it only says what it does. */
export const PREVIEW_MAILING_ID = '0';
export const RESUBSCRIBE_DATA = 'mlr:';
/** The "Unsubscribed" label after pressing (does nothing but answer). */
export const UNSUBSCRIBED_DATA = 'mln:';

export interface MailingContent {
  text: string;
  /** null: `text` is HTML. */
  entities: TextEntity[] | null;
  media: MailingMedia | null;
  buttons: MailingButton[][] | null;
}

export interface ContentInput {
  text?: string | null;
  entities?: TextEntity[] | null;
  media?: MailingMedia | null;
  buttons?: MailingButton[][] | null;
}

const UNSTORABLE = 'Contains NUL or unpaired surrogate characters';

/** A field refusal: `<top-level field>_invalid` (`media_invalid` for `media.url`), the field in the details. */
function invalid(field: string, message: string, reason: string, extra: Record<string, unknown> = {}) {
  const top = field.split('.')[0] ?? field;
  return new DomainError(`${top}_invalid`, message, { field, reason, ...extra });
}

// ---------------------------------------------------------------------------------------------
// HTML (Telegram's parse mode)

const ALLOWED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-spoiler',
  'span',
]);
/**
 * A tag as Telegram's parser (tdlib's parse_html) reads it: an end tag has no attributes; every
 * attribute has a value (`<blockquote expandable>` aside), quoted, or a bare token of letters,
 * digits and `.-_:`. Anything else Telegram refuses, so we do too.
 */
const END_TAG = /^<\/([a-zA-Z][a-zA-Z0-9-]*)\s*>/;
const START_TAG =
  /^<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9.\-_:]+))*)(\s+expandable)?\s*>/;
const ENTITY = /^&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/;

/** A start tag's attributes as Telegram reads them: names lower-cased, bare values too, the last one of a name wins. */
function attributesOf(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of raw.matchAll(/([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9.\-_:]+))/g)) {
    out.set((m[1] ?? '').toLowerCase(), m[2] ?? m[3] ?? (m[4] ?? '').toLowerCase());
  }
  return out;
}

/** What a link of a mailing's text may open. */
const LINK_SCHEMES = /^(https?:\/\/|tg:\/\/|mailto:)/i;

/**
 * Checks Telegram's HTML parse mode: only its tags (b, i, u, s, a, code, pre, blockquote,
 * tg-spoiler and their synonyms), properly nested and closed, `<`, `>` and `&` escaped elsewhere.
 * Returns a problem description, or null when the text is fine.
 */
export function htmlProblem(text: string): string | null {
  const stack: string[] = [];
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    if (ch === '<') {
      const head = text.slice(i, i + 2048);
      const end = END_TAG.exec(head);
      const start = end ? null : START_TAG.exec(head);
      const match = end ?? start;
      if (!match) return `Unescaped "<" at ${i + 1} (write &lt;)`;
      const whole = match[0];
      const closing = end !== null;
      const name = (match[1] ?? '').toLowerCase();
      const attrs = start?.[2] ?? '';
      if (!ALLOWED_TAGS.has(name)) return `The tag <${name}> is not supported by Telegram`;
      if (start?.[3] && name !== 'blockquote') return `<${name}> does not take "expandable"`;
      if (name === 'span' && !closing && attributesOf(attrs).get('class') !== 'tg-spoiler')
        return 'Only <span class="tg-spoiler"> is supported';
      if (name === 'a' && !closing) {
        const href = attributesOf(attrs).get('href');
        if (href === undefined) return '<a> needs an href';
        // As for the mailing's buttons: a link taps through to a web page (or a Telegram chat,
        // a mail), never a javascript: or data: URL run in whatever opens it.
        if (!LINK_SCHEMES.test(href.trim())) return '<a href> must be an http://, https://, tg:// or mailto: link';
      }
      if (closing) {
        if (stack.pop() !== name) return `</${name}> does not close the last open tag`;
      } else stack.push(name);
      i += whole.length;
    } else if (ch === '>') {
      return `Unescaped ">" at ${i + 1} (write &gt;)`;
    } else if (ch === '&') {
      const match = ENTITY.exec(text.slice(i, i + 12));
      if (!match) return `Unescaped "&" at ${i + 1} (write &amp;)`;
      i += match[0].length;
    } else i++;
  }
  if (stack.length) return `<${stack[stack.length - 1]}> is not closed`;
  return null;
}

/** The text a reader sees of (valid) Telegram HTML: tags dropped, character references decoded. */
export function visibleHtml(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_, ref: string) => {
    if (ref === 'lt') return '<';
    if (ref === 'gt') return '>';
    if (ref === 'amp') return '&';
    if (ref === 'quot') return '"';
    const code = ref.startsWith('#x') ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    // Telegram shows a reference to no character (NUL, a surrogate, past U+10FFFF) as written.
    return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)
      ? `&${ref};`
      : String.fromCodePoint(code);
  });
}

const ENTITY_TAGS: Record<string, [string, string] | undefined> = {
  bold: ['<b>', '</b>'],
  italic: ['<i>', '</i>'],
  underline: ['<u>', '</u>'],
  strikethrough: ['<s>', '</s>'],
  spoiler: ['<tg-spoiler>', '</tg-spoiler>'],
  code: ['<code>', '</code>'],
  blockquote: ['<blockquote>', '</blockquote>'],
  expandable_blockquote: ['<blockquote expandable>', '</blockquote>'],
};

/** Telegram's entities written as its HTML (for the API's `text` of a mailing made in the bot). */
export function entitiesToHtml(text: string, entities: readonly TextEntity[]): string {
  type Mark = { at: number; open: boolean; tag: string; order: number };
  const marks: Mark[] = [];
  entities.forEach((e, order) => {
    let tags = ENTITY_TAGS[e.type];
    if (e.type === 'text_link' && e.url) tags = [`<a href="${escapeHtml(e.url)}">`, '</a>'];
    if (e.type === 'pre')
      tags = [
        e.language ? `<pre><code class="language-${escapeHtml(e.language)}">` : '<pre>',
        e.language ? '</code></pre>' : '</pre>',
      ];
    if (!tags) return;
    marks.push(
      { at: e.offset, open: true, tag: tags[0], order },
      { at: e.offset + e.length, open: false, tag: tags[1], order },
    );
  });
  // At one position: closings first (the innermost, i.e. the latest opened, first), then openings.
  marks.sort(
    (a, b) => a.at - b.at || (a.open === b.open ? (a.open ? a.order - b.order : b.order - a.order) : a.open ? 1 : -1),
  );
  let out = '';
  let at = 0;
  for (const mark of marks) {
    out += escapeHtml(text.slice(at, mark.at)) + mark.tag;
    at = mark.at;
  }
  return out + escapeHtml(text.slice(at));
}

/** The first `max` visible characters of the content, as plain text (the card, the list). */
export function contentPreview(content: Pick<MailingContent, 'text' | 'entities'>, max: number): string {
  const plain = content.entities ? content.text : visibleHtml(content.text);
  const chars = [...plain.replace(/\s+/g, ' ').trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

// ---------------------------------------------------------------------------------------------
// Validation

function checkEntities(entities: unknown, text: string): TextEntity[] {
  if (!Array.isArray(entities) || entities.length > ENTITIES_MAX)
    throw invalid('entities', 'Expected a list of formatting entities', 'type');
  return entities.map((e) => {
    const entity = e as TextEntity;
    if (
      typeof entity !== 'object' ||
      entity === null ||
      typeof entity.type !== 'string' ||
      !Number.isInteger(entity.offset) ||
      !Number.isInteger(entity.length) ||
      entity.offset < 0 ||
      entity.length <= 0 ||
      entity.offset + entity.length > text.length
    )
      throw invalid('entities', 'A formatting entity lies outside the text', 'range');
    const out: TextEntity = { type: entity.type, offset: entity.offset, length: entity.length };
    if (typeof entity.url === 'string') out.url = entity.url;
    if (typeof entity.language === 'string') out.language = entity.language;
    if (typeof entity.custom_emoji_id === 'string') out.custom_emoji_id = entity.custom_emoji_id;
    if (entity.user && typeof entity.user.id === 'number') out.user = { id: entity.user.id };
    return out;
  });
}

/** An absolute http(s) URL of at most `max` characters, or the reason it is not. */
export function urlProblem(value: unknown, max: number): 'empty' | 'too_long' | 'scheme' | 'format' | null {
  if (typeof value !== 'string' || value.trim() === '') return 'empty';
  if (value.length > max) return 'too_long';
  // The URL is stored as given, and `new URL` would pass a NUL inside it (percent-encoding it).
  if (!isStorableText(value)) return 'format';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'format';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'scheme';
  // Spaces and control characters: a Location header cannot carry them (GET /r/<code> would fail
  // for every recipient who taps), and Telegram refuses such a button.
  if (!url.hostname || /[\s\p{Cc}]/u.test(value)) return 'format';
  return null;
}

const URL_MESSAGES = {
  empty: 'The URL is empty',
  too_long: 'The URL is too long',
  scheme: 'Only http:// and https:// links are allowed',
  format: 'Not a valid URL',
} as const;

function checkMedia(media: unknown): MailingMedia {
  const m = media as Partial<MailingMedia> | null;
  if (typeof m !== 'object' || m === null || !MEDIA_TYPES.includes(m.type as MediaType))
    throw invalid('media.type', `The media type must be one of ${MEDIA_TYPES.join(', ')}`, 'type');
  const hasFile = m.fileId !== undefined && m.fileId !== null;
  const hasUrl = m.url !== undefined && m.url !== null;
  if (hasFile === hasUrl) throw invalid('media', 'Give exactly one of url and fileId', 'source');
  if (hasFile) {
    if (typeof m.fileId !== 'string' || !/^[\w-]{1,256}$/.test(m.fileId))
      throw invalid('media.fileId', 'Not a Telegram file id', 'format');
    return { type: m.type as MediaType, fileId: m.fileId };
  }
  const problem = urlProblem(m.url, MEDIA_URL_MAX);
  if (problem) throw invalid('media.url', URL_MESSAGES[problem], problem === 'too_long' ? 'too_long' : problem);
  return { type: m.type as MediaType, url: m.url as string };
}

/** URL buttons: up to 5 rows of up to 3, each a label (≤ 64) and an http(s) URL (≤ 512). */
export function checkButtons(buttons: unknown): MailingButton[][] | null {
  if (buttons === undefined || buttons === null) return null;
  if (!Array.isArray(buttons)) throw invalid('buttons', 'Expected rows of buttons', 'type');
  const rows = buttons.filter((row) => !Array.isArray(row) || row.length > 0);
  const total = rows.reduce((n: number, row) => n + (Array.isArray(row) ? row.length : 0), 0);
  if (rows.length > BUTTON_ROWS_MAX || total > BUTTON_ROWS_MAX * BUTTONS_PER_ROW_MAX)
    throw invalid('buttons', `At most ${BUTTON_ROWS_MAX} rows of buttons`, 'too_many_rows', { max: BUTTON_ROWS_MAX });
  const out = rows.map((row, r) => {
    if (!Array.isArray(row)) throw invalid('buttons', 'Expected rows of buttons', 'type');
    if (row.length > BUTTONS_PER_ROW_MAX)
      throw invalid('buttons', `At most ${BUTTONS_PER_ROW_MAX} buttons in a row`, 'too_many_in_row', {
        row: r + 1,
        max: BUTTONS_PER_ROW_MAX,
      });
    return row.map((b, c) => {
      const button = b as Partial<MailingButton> | null;
      const at = { row: r + 1, column: c + 1 };
      const text = typeof button?.text === 'string' ? button.text.trim() : '';
      if (!text) throw invalid('buttons', 'A button needs a label', 'text_empty', at);
      if (!isStorableText(text) || (typeof button?.url === 'string' && !isStorableText(button.url)))
        throw invalid('buttons', `${UNSTORABLE} (row ${at.row}, button ${at.column})`, 'characters', at);
      if (characterCount(text) > BUTTON_TEXT_MAX)
        throw invalid('buttons', `A button label is at most ${BUTTON_TEXT_MAX} characters`, 'text_too_long', {
          ...at,
          max: BUTTON_TEXT_MAX,
        });
      const problem = urlProblem(button?.url, BUTTON_URL_MAX);
      if (problem)
        throw invalid('buttons', `${URL_MESSAGES[problem]} (row ${at.row}, button ${at.column})`, `url_${problem}`, {
          ...at,
          max: BUTTON_URL_MAX,
        });
      return { text, url: String(button?.url ?? '').trim() };
    });
  });
  return out.length ? out : null;
}

/**
 * The one validation of a mailing's content (bot and API): a text of ≤ 4096 characters, or a
 * caption of ≤ 1024 with media (the characters a reader sees: HTML tags do not count), HTML
 * that Telegram accepts when there are no entities, media by file id or http(s) URL, buttons.
 */
export function validateContent(input: ContentInput): MailingContent {
  const media = input.media === undefined || input.media === null ? null : checkMedia(input.media);
  const text = typeof input.text === 'string' ? input.text : '';
  if (input.text !== undefined && input.text !== null && typeof input.text !== 'string')
    throw invalid('text', 'Expected a string', 'type');
  if (!media && text.trim() === '') throw invalid('text', 'The text is empty', 'empty');
  const entities = input.entities === undefined || input.entities === null ? null : checkEntities(input.entities, text);
  if (!entities) {
    if (text.length > MAILING_TEXT_MAX)
      throw invalid('text', `The text is longer than ${MAILING_TEXT_MAX} characters`, 'too_long', {
        max: MAILING_TEXT_MAX,
      });
    const problem = htmlProblem(text);
    if (problem) throw invalid('text', problem, 'html');
  }
  const visible = entities ? text : visibleHtml(text);
  // "<b> </b>" is not empty HTML, but Telegram sees no text in it and refuses the message.
  if (!media && visible.trim() === '') throw invalid('text', 'The text is empty', 'empty');
  if (!isStorableText(text)) throw invalid('text', UNSTORABLE, 'characters');
  const max = media ? MAILING_CAPTION_MAX : MAILING_TEXT_MAX;
  if (visible.length > max)
    throw invalid(
      'text',
      media ? `The caption is longer than ${max} characters` : `The text is longer than ${max} characters`,
      media ? 'caption_too_long' : 'too_long',
      { max, length: visible.length },
    );
  return { text, entities, media, buttons: checkButtons(input.buttons) };
}

// ---------------------------------------------------------------------------------------------
// The Bot API call

const MEDIA_METHODS: Record<MediaType, string> = {
  photo: 'sendPhoto',
  video: 'sendVideo',
  animation: 'sendAnimation',
  document: 'sendDocument',
};

export interface MailingCall {
  method: string;
  /** Everything but `chat_id`. `parse_mode` is present (possibly undefined) so no default is added. */
  payload: Record<string, unknown>;
}

/**
 * The call that sends a mailing to one recipient, the unsubscribe label in their language. With
 * entities no parse mode is set (the key is present but undefined, so the bot's HTML default is
 * not added either); without, the text is HTML.
 */
export function mailingCall(
  mailingId: string,
  content: MailingContent,
  unsubscribeLabel: string,
  options: {
    paidBroadcast?: boolean;
    /** The URL a button opens (its index row by row): the engine's click links; default its own URL. */
    buttonUrl?: (index: number, button: MailingButton) => string;
  } = {},
): MailingCall {
  let index = 0;
  const keyboard: Array<Array<Record<string, string>>> = (content.buttons ?? []).map((row) =>
    row.map((b) => ({ text: b.text, url: options.buttonUrl ? options.buttonUrl(index++, b) : b.url })),
  );
  keyboard.push([{ text: unsubscribeLabel, callback_data: `${UNSUBSCRIBE_DATA}${mailingId}` }]);
  const format = content.entities
    ? { parse_mode: undefined, [content.media ? 'caption_entities' : 'entities']: content.entities }
    : { parse_mode: 'HTML' };
  const payload: Record<string, unknown> = content.media
    ? {
        [content.media.type]: content.media.fileId ?? content.media.url,
        ...(content.text ? { caption: content.text, ...format } : { parse_mode: undefined }),
      }
    : { text: content.text, ...format, link_preview_options: { is_disabled: true } };
  payload.reply_markup = { inline_keyboard: keyboard };
  if (options.paidBroadcast) payload.allow_paid_broadcast = true;
  return { method: content.media ? MEDIA_METHODS[content.media.type] : 'sendMessage', payload };
}
