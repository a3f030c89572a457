import type { MessageEntity } from 'grammy/types';

/**
 * Telegram's formatting of a text (bold, links…) as message entities: offsets and lengths in
 * UTF-16 code units, which is also how JavaScript indexes strings. A formatted text that is
 * relayed (a PM, a room message) keeps its entities; whatever is put before it (the sender's
 * line) moves every offset by its own UTF-16 length, never by its character count.
 */

/** The kinds of formatting kept when a user's text or caption is relayed. */
export const RELAYED_ENTITY_TYPES = [
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
  'code',
  'pre',
  'text_link',
  'blockquote',
  'expandable_blockquote',
] as const;
export type RelayedEntityType = (typeof RELAYED_ENTITY_TYPES)[number];

/** One entity as stored with a message and sent back to Telegram. */
export interface TextEntity {
  type: RelayedEntityType;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

/** A text with its formatting. */
export interface Formatted {
  text: string;
  entities: TextEntity[];
}

const RELAYED = new Set<string>(RELAYED_ENTITY_TYPES);

/**
 * The entities of a user's message that are kept when it is relayed. Left out: what Telegram
 * finds again by itself (mentions, links, hashtags, commands…), and what a bot may not send on a
 * user's behalf or may be refused for (a text mention of someone the bot does not know, a custom
 * emoji: the emoji itself stays in the text).
 */
export function relayedEntities(entities: readonly MessageEntity[] | undefined): TextEntity[] {
  return (entities ?? []).flatMap((e): TextEntity[] => {
    if (!RELAYED.has(e.type) || !(e.length > 0) || !(e.offset >= 0)) return [];
    return [
      {
        type: e.type as RelayedEntityType,
        offset: e.offset,
        length: e.length,
        ...('url' in e && e.url ? { url: e.url } : {}),
        ...('language' in e && e.language ? { language: e.language } : {}),
      },
    ];
  });
}

/** True if UTF-16 index `at` falls between the two halves of a surrogate pair. */
function splitsPair(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  return at > 0 && at < text.length && before >= 0xd800 && before <= 0xdbff;
}

/** Entities moved by `by` UTF-16 units. */
export const shiftEntities = (entities: readonly TextEntity[], by: number): TextEntity[] =>
  entities.map((e) => ({ ...e, offset: e.offset + by }));

/**
 * The part [start, end) of a formatted text (UTF-16 indexes), with the entities cut to it; an
 * entity left with nothing in the part is dropped.
 */
export function sliceFormatted(text: string, entities: readonly TextEntity[], start: number, end = text.length) {
  const kept = entities.flatMap((e) => {
    const from = Math.max(e.offset, start);
    const to = Math.min(e.offset + e.length, end);
    return to > from ? [{ ...e, offset: from - start, length: to - from }] : [];
  });
  return { text: text.slice(start, end), entities: kept };
}

/**
 * The text NFC-normalized and trimmed, as chat texts are stored, with the entities still on the
 * characters they formatted: each stretch between two entity boundaries is normalized on its
 * own (so a boundary never falls inside a recomposed character), then the ends are trimmed.
 */
export function normalizeFormatted(text: string, formatting: readonly TextEntity[]): Formatted {
  // What Telegram would refuse to send is dropped here rather than failing the relay: an entity
  // past the end of the text, or one that cuts an emoji (a surrogate pair) in two.
  const entities = formatting.filter(
    (e) => e.offset + e.length <= text.length && !splitsPair(text, e.offset) && !splitsPair(text, e.offset + e.length),
  );
  if (entities.length === 0) return { text: text.normalize('NFC').trim(), entities: [] };
  const bounds = [...new Set([0, text.length, ...entities.flatMap((e) => [e.offset, e.offset + e.length])])].sort(
    (a, b) => a - b,
  );
  const moved = new Map<number, number>();
  let normalized = '';
  for (let i = 0; i < bounds.length; i++) {
    const at = bounds[i] as number;
    moved.set(at, normalized.length);
    if (i + 1 < bounds.length) normalized += text.slice(at, bounds[i + 1]).normalize('NFC');
  }
  const remapped = entities.flatMap((e) => {
    const from = moved.get(e.offset) as number;
    const to = moved.get(e.offset + e.length) as number;
    return to > from ? [{ ...e, offset: from, length: to - from }] : [];
  });
  const start = normalized.length - normalized.trimStart().length;
  return sliceFormatted(normalized, remapped, start, normalized.trimEnd().length);
}

const TAG_ENTITIES: Record<string, RelayedEntityType> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  del: 'strikethrough',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
};
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * Our own HTML (a translated line such as "🏠 <b>{name}</b> in the room: {text}", arguments
 * escaped by the translator) as plain text and entities, for a message sent with entities
 * instead of parse_mode (Telegram takes one or the other). Only the plain tags the locales use
 * are understood; null for anything else, so the caller keeps sending HTML.
 */
export function htmlToFormatted(html: string): Formatted | null {
  let text = '';
  const entities: TextEntity[] = [];
  const open: Array<{ tag: string; offset: number }> = [];
  const pattern = /<(\/?)([a-z]+)>|&(lt|gt|amp|quot|#\d+);|[<>]/g;
  let last = 0;
  for (const match of html.matchAll(pattern)) {
    text += html.slice(last, match.index);
    last = match.index + match[0].length;
    const [, closing, tag, entity] = match;
    if (entity) {
      text += entity.startsWith('#') ? String.fromCodePoint(Number(entity.slice(1))) : NAMED[entity];
      continue;
    }
    const type = tag ? TAG_ENTITIES[tag] : undefined;
    if (!type) return null;
    if (!closing) {
      open.push({ tag: tag as string, offset: text.length });
      continue;
    }
    const top = open.pop();
    if (!top || top.tag !== tag) return null;
    if (text.length > top.offset) entities.push({ type, offset: top.offset, length: text.length - top.offset });
  }
  if (open.length) return null;
  text += html.slice(last);
  return { text, entities: entities.sort((a, b) => a.offset - b.offset || b.length - a.length) };
}

/**
 * A line written around a user's formatted text: `line` is the line rendered with `marker` in
 * place of the text (as our HTML); the result is the line with the text in, the line's own
 * formatting kept (an entity around the marker grows with the text) and the text's entities
 * moved by the UTF-16 length of what comes before it. Null when the line is not plain enough
 * (see htmlToFormatted) or does not hold the marker exactly once.
 */
export function formatAround(line: string, marker: string, inner: Formatted): Formatted | null {
  const outer = htmlToFormatted(line);
  if (!outer) return null;
  const at = outer.text.indexOf(marker);
  if (at < 0 || outer.text.indexOf(marker, at + 1) >= 0) return null;
  const grow = inner.text.length - marker.length;
  const end = at + marker.length;
  const own = outer.entities.map((e) => {
    if (e.offset >= end) return { ...e, offset: e.offset + grow };
    if (e.offset + e.length >= end) return { ...e, length: e.length + grow };
    return e;
  });
  return {
    text: outer.text.slice(0, at) + inner.text + outer.text.slice(end),
    entities: [...own, ...shiftEntities(inner.entities, at)].sort((a, b) => a.offset - b.offset || b.length - a.length),
  };
}

/**
 * The entities as the Bot API takes them (`entities`, `caption_entities`). Our stored kinds are
 * a subset of MessageEntity's, each with the fields it needs (a text_link its url).
 */
export const messageEntities = (entities: readonly TextEntity[]): MessageEntity[] => [...entities] as MessageEntity[];

/** Characters as Telegram counts a text's length (code points), counted without copying the text. */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
