/**
 * Telegram's rules for what a bot may send, as the real Bot API applies them. The Bot API stand-in
 * (bot-api.ts) refuses what Telegram refuses, with Telegram's own descriptions, so a test
 * never passes on something production would fail on.
 *
 * The HTML parser follows tdlib's `parse_html` (the code behind the Bot API): the supported tags,
 * `&lt; &gt; &amp; &quot;` and numeric entities (any other `&` stays literal), a bare `<` is an
 * error, every tag must be closed in order, `<span>` needs `class="tg-spoiler"`.
 */

import { characterCount } from '../entities.js';

/** A refusal: the Bot API answers `{ ok: false, error_code, description }`. */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number },
  ) {
    super(description);
  }
}

export const LIMITS = {
  /** Message text, after entities parsing (characters). */
  text: 4096,
  /** Media caption, after entities parsing (characters). */
  caption: 1024,
  /** callback_data of an inline button (bytes). */
  callbackData: 64,
  /** Text of answerCallbackQuery (characters). */
  callbackAnswer: 200,
  /** setMyCommands: command name and description (characters). */
  command: 32,
  commandDescription: 256,
  commands: 100,
} as const;

export const badRequest = (what: string) => new BotApiError(400, `Bad Request: ${what}`);

export interface ParsedEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export interface ParsedText {
  text: string;
  entities: ParsedEntity[];
}

const TAGS: Record<string, string> = {
  a: 'text_link',
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  u: 'underline',
  ins: 'underline',
  'tg-spoiler': 'spoiler',
  'tg-emoji': 'custom_emoji',
  span: 'spoiler',
  pre: 'pre',
  code: 'code',
  blockquote: 'blockquote',
};

const NAMED_ENTITIES = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
]);

const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\t' || c === '\r';
const byteOffset = (s: string, i: number) => Buffer.byteLength(s.slice(0, i), 'utf8');

/** `&lt;` and friends at `i`: the decoded text and where it ends, or undefined (then `&` is literal). */
function decodeEntity(s: string, i: number): { value: string; end: number } | undefined {
  const semicolon = s.indexOf(';', i + 1);
  if (semicolon < 0 || semicolon - i > 12) return undefined;
  const name = s.slice(i + 1, semicolon);
  // The four named ones (what escaping writes) first: no pattern to test.
  const named = NAMED_ENTITIES.get(name);
  if (named) return { value: named, end: semicolon + 1 };
  let code: number | undefined;
  if (/^#[0-9]+$/.test(name)) code = Number.parseInt(name.slice(1), 10);
  else if (/^#[xX][0-9a-fA-F]+$/.test(name)) code = Number.parseInt(name.slice(2), 16);
  if (code !== undefined) {
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    return { value: String.fromCodePoint(code), end: semicolon + 1 };
  }
  return undefined;
}

function fail(why: string): never {
  throw badRequest(`can't parse entities: ${why}`);
}

/** Parses Telegram HTML; throws Telegram's "can't parse entities" error where Telegram does. */
export function parseHtml(source: string): ParsedText {
  let text = '';
  const entities: ParsedEntity[] = [];
  const open: Array<{ tag: string; offset: number; url?: string; language?: string }> = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '&') {
      const decoded = decodeEntity(source, i);
      if (decoded) {
        text += decoded.value;
        i = decoded.end;
      } else {
        text += c;
        i++;
      }
      continue;
    }
    if (c !== '<') {
      // A run of plain text up to the next tag or entity, copied at once.
      let end = i + 1;
      while (end < source.length) {
        const code = source.charCodeAt(end);
        if (code === 0x3c /* < */ || code === 0x26 /* & */) break;
        end++;
      }
      text += source.slice(i, end);
      i = end;
      continue;
    }
    const begin = i;
    i++;
    if (source[i] !== '/') {
      while (i < source.length && !isSpace(source[i]) && source[i] !== '>') i++;
      if (i >= source.length) fail(`Unclosed start tag at byte offset ${byteOffset(source, begin)}`);
      const tag = source.slice(begin + 1, i).toLowerCase();
      if (!Object.hasOwn(TAGS, tag)) fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(source, begin)}`);
      const attributes = new Map<string, string>();
      while (source[i] !== '>') {
        while (i < source.length && isSpace(source[i])) i++;
        if (source[i] === '>') break;
        const nameStart = i;
        while (i < source.length && !isSpace(source[i]) && source[i] !== '=' && source[i] !== '>') i++;
        const name = source.slice(nameStart, i).toLowerCase();
        if (!name) fail(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(source, begin)}`);
        while (i < source.length && isSpace(source[i])) i++;
        if (source[i] !== '=') {
          if (tag === 'blockquote' && name === 'expandable') {
            attributes.set(name, '');
            continue;
          }
          fail(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(source, begin)}`,
          );
        }
        i++;
        while (i < source.length && isSpace(source[i])) i++;
        if (i >= source.length) fail(`Unclosed start tag at byte offset ${byteOffset(source, begin)}`);
        let value = '';
        const quote = source[i];
        if (quote !== '"' && quote !== "'") {
          const tokenStart = i;
          while (i < source.length && /[A-Za-z0-9.\-_:]/.test(source[i] as string)) i++;
          value = source.slice(tokenStart, i).toLowerCase();
          if (!isSpace(source[i]) && source[i] !== '>')
            fail(`Unexpected end of name token at byte offset ${byteOffset(source, i)}`);
        } else {
          i++;
          while (i < source.length && source[i] !== quote) {
            const decoded = source[i] === '&' ? decodeEntity(source, i) : undefined;
            if (decoded) {
              value += decoded.value;
              i = decoded.end;
            } else value += source[i++];
          }
          if (source[i] === quote) i++;
        }
        if (i >= source.length) fail(`Unclosed start tag at byte offset ${byteOffset(source, begin)}`);
        attributes.set(name, value);
      }
      if (tag === 'span' && attributes.get('class') !== 'tg-spoiler') fail('Tag "span" must have class "tg-spoiler"');
      i++; // '>'
      open.push({
        tag,
        offset: utf16Length(text),
        ...(tag === 'a' ? { url: attributes.get('href') ?? '' } : {}),
        ...(tag === 'code' && attributes.get('class')?.startsWith('language-')
          ? { language: attributes.get('class')?.slice('language-'.length) }
          : {}),
      });
      continue;
    }
    // An end tag.
    if (!open.length) fail(`Unexpected end tag at byte offset ${byteOffset(source, begin)}`);
    i++;
    const nameStart = i;
    while (i < source.length && !isSpace(source[i]) && source[i] !== '>') i++;
    const endName = source.slice(nameStart, i).toLowerCase();
    while (i < source.length && isSpace(source[i])) i++;
    if (source[i] !== '>') fail(`Unclosed end tag at byte offset ${byteOffset(source, begin)}`);
    i++;
    const top = open.pop() as (typeof open)[number];
    if (endName && endName !== top.tag) {
      fail(
        `Unmatched end tag at byte offset ${byteOffset(source, begin)}, expected "</${top.tag}>", found "</${endName}>"`,
      );
    }
    const length = utf16Length(text) - top.offset;
    if (length > 0) {
      entities.push({
        type: TAGS[top.tag] as string,
        offset: top.offset,
        length,
        ...(top.url !== undefined ? { url: top.url } : {}),
        ...(top.language !== undefined ? { language: top.language } : {}),
      });
    }
  }
  if (open.length) fail(`Can't find end tag corresponding to start tag "${open.at(-1)?.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

const utf16Length = (s: string) => s.length;
/** More than `max` characters: a text of at most `max` UTF-16 units cannot be, so most are not counted. */
const longerThan = (s: string, max: number) => s.length > max && characterCount(s) > max;

/**
 * The text as Telegram would show it, per parse_mode or the entities given with it; refuses what
 * Telegram refuses. With a parse_mode (and a text) the entities are ignored, as the Bot API does.
 */
export function parseText(text: string, parseMode: unknown, entities?: unknown): ParsedText {
  if (parseMode === undefined || parseMode === null || parseMode === '' || text === '') {
    return { text, entities: entities === undefined || entities === null ? [] : checkEntities(text, entities) };
  }
  if (typeof parseMode === 'string' && parseMode.toLowerCase() === 'html') return parseHtml(text);
  if (parseMode === 'Markdown' || parseMode === 'MarkdownV2') {
    // Gramdesk sends HTML only; a Markdown text here is a mistake worth failing loudly on.
    throw badRequest(`can't parse entities: the fake Bot API does not model parse_mode ${parseMode}`);
  }
  throw badRequest('unsupported parse_mode');
}

/** Entity types the Bot API takes in `entities` / `caption_entities`. */
const ENTITY_TYPES = new Set([
  ...Object.values(TAGS),
  'expandable_blockquote',
  'text_mention',
  // Found by Telegram itself: accepted and found again.
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'url',
  'email',
  'phone_number',
]);
const DETECTED = new Set(['mention', 'hashtag', 'cashtag', 'bot_command', 'url', 'email', 'phone_number']);

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * `entities` / `caption_entities` as Telegram checks them against the text: offsets and lengths
 * are UTF-16 code units; an entity that starts or ends past the text, or inside a surrogate pair
 * (half an emoji), is refused with Telegram's own words; empty ones are dropped.
 */
export function checkEntities(text: string, raw: unknown): ParsedEntity[] {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw badRequest("can't parse entities JSON object");
    }
  }
  if (!Array.isArray(value)) throw badRequest('field "entities" must be of type Array');
  const splits = (at: number) => at > 0 && at < text.length && isHighSurrogate(text.charCodeAt(at - 1));
  const bytesTo = (at: number) => Buffer.byteLength(text.slice(0, at + 1), 'utf8');
  const entities: ParsedEntity[] = [];
  for (const item of value as Array<Record<string, unknown>>) {
    if (!item || typeof item !== 'object') throw badRequest("can't parse MessageEntity: expected an Object");
    if (typeof item.type !== 'string')
      throw badRequest('can\'t parse MessageEntity: Field "type" must be of type String');
    if (!ENTITY_TYPES.has(item.type)) throw badRequest("can't parse MessageEntity: Unsupported type specified");
    for (const field of ['offset', 'length'] as const) {
      if (typeof item[field] !== 'number' || !Number.isInteger(item[field]))
        throw badRequest(`can't parse MessageEntity: Field "${field}" must be of type Number`);
    }
    const offset = item.offset as number;
    const length = item.length as number;
    if (offset < 0 || offset > 1_000_000) throw badRequest(`receive an entity with incorrect offset ${offset}`);
    if (length < 0 || length > 1_000_000) throw badRequest(`receive an entity with incorrect length ${length}`);
    if (item.type === 'text_link') {
      if (typeof item.url !== 'string')
        throw badRequest('can\'t parse MessageEntity: Field "url" must be of type String');
      if (!item.url) throw badRequest("entity URL '' is invalid: URL host is empty");
    }
    if (length === 0) continue;
    const end = offset + length;
    if (offset > text.length) throw badRequest(`entity begins after the end of the text at UTF-16 offset ${offset}`);
    if (end > text.length) {
      throw badRequest(
        `entity beginning at UTF-16 offset ${offset} ends after the end of the text at UTF-16 offset ${end}`,
      );
    }
    if (splits(offset))
      throw badRequest(`entity begins in a middle of a UTF-16 symbol at byte offset ${bytesTo(offset)}`);
    if (splits(end)) {
      throw badRequest(
        `entity beginning at UTF-16 offset ${offset} ends in a middle of a UTF-16 symbol at byte offset ${bytesTo(end)}`,
      );
    }
    if (DETECTED.has(item.type)) continue;
    entities.push({
      type: item.type,
      offset,
      length,
      ...(typeof item.url === 'string' ? { url: item.url } : {}),
      ...(typeof item.language === 'string' ? { language: item.language } : {}),
    });
  }
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return entities;
}

/** A message text (sendMessage, editMessageText): 1–4096 characters after parsing. */
export function checkText(raw: unknown, parseMode: unknown, entities?: unknown): ParsedText {
  if (typeof raw !== 'string' && typeof raw !== 'number') throw badRequest('message text is empty');
  const parsed = parseText(String(raw), parseMode, entities);
  if (!parsed.text.trim()) throw badRequest('message text is empty');
  if (longerThan(parsed.text, LIMITS.text)) throw badRequest('message is too long');
  return parsed;
}

/** A media caption: up to 1024 characters after parsing (empty is allowed). */
export function checkCaption(raw: unknown, parseMode: unknown, entities?: unknown): ParsedText {
  if (raw === undefined || raw === null) return { text: '', entities: [] };
  const parsed = parseText(String(raw), parseMode, entities);
  if (longerThan(parsed.text, LIMITS.caption)) throw badRequest('message caption is too long');
  return parsed;
}

export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  [key: string]: unknown;
}

export interface ReplyMarkup {
  inline_keyboard?: InlineButton[][];
  keyboard?: unknown;
  [key: string]: unknown;
}

const BUTTON_ACTIONS = [
  'callback_data',
  'url',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

/** reply_markup as Telegram checks it: every inline button has an action, callback_data is 1–64 bytes. */
export function checkReplyMarkup(markup: unknown): ReplyMarkup | undefined {
  if (markup === undefined || markup === null) return undefined;
  let value = markup;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
  }
  if (typeof value !== 'object' || value === null) throw badRequest("can't parse reply keyboard markup JSON object");
  const reply = value as ReplyMarkup;
  if (reply.inline_keyboard !== undefined) {
    if (!Array.isArray(reply.inline_keyboard))
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    for (const row of reply.inline_keyboard) {
      if (!Array.isArray(row))
        throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
      for (const button of row) {
        if (!button || typeof button !== 'object' || typeof button.text !== 'string')
          throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
        if (!BUTTON_ACTIONS.some((action) => action in button))
          throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        if ('callback_data' in button) {
          const bytes = Buffer.byteLength(String(button.callback_data ?? ''), 'utf8');
          if (bytes < 1 || bytes > LIMITS.callbackData) throw badRequest('BUTTON_DATA_INVALID');
        }
        if (!button.text.trim() && !('pay' in button)) throw badRequest('BUTTON_TEXT_INVALID');
      }
    }
  }
  return reply;
}

/** The inline keyboard as Telegram compares it for "message is not modified" (no keyboard = empty). */
export function keyboardKey(markup: ReplyMarkup | undefined): string {
  const rows = markup?.inline_keyboard ?? [];
  return JSON.stringify(rows.filter((r) => r.length).map((row) => row.map((b) => canonical(b))));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** setMyCommands: 1–32 characters of a-z, 0-9 and _, a 1–256 character description, at most 100. */
export function checkCommands(commands: unknown): void {
  if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required');
  if (commands.length > LIMITS.commands) throw badRequest('too many commands specified');
  for (const c of commands as Array<{ command?: unknown; description?: unknown }>) {
    const command = String(c?.command ?? '');
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    const description = String(c?.description ?? '').trim();
    if (!description || longerThan(description, LIMITS.commandDescription))
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
  }
}

/** answerCallbackQuery's toast: at most 200 characters. */
export function checkCallbackAnswer(text: unknown): void {
  if (text !== undefined && longerThan(String(text), LIMITS.callbackAnswer)) throw badRequest('MESSAGE_TOO_LONG');
}
