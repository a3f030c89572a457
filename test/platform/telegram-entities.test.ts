import { describe, expect, it } from 'vitest';
import {
  formatAround,
  htmlToFormatted,
  normalizeFormatted,
  relayedEntities,
  sliceFormatted,
} from '../../src/platform/telegram/entities.js';

/** A relayed text keeps its formatting (issue 14): the arithmetic of entity offsets, in UTF-16 units. */
const bold = (offset: number, length: number) => ({ type: 'bold' as const, offset, length });

describe('formatting of relayed texts', () => {
  it('keeps only the formatting a bot may send back', () => {
    expect(
      relayedEntities([
        { type: 'bold', offset: 0, length: 2 },
        { type: 'mention', offset: 3, length: 4 },
        { type: 'text_link', offset: 0, length: 1, url: 'https://x.org' },
        { type: 'custom_emoji', offset: 0, length: 2, custom_emoji_id: '1' },
        { type: 'text_mention', offset: 0, length: 2, user: { id: 1, is_bot: false, first_name: 'A' } },
        { type: 'pre', offset: 0, length: 2, language: 'ts' },
      ]),
    ).toEqual([
      bold(0, 2),
      { type: 'text_link', offset: 0, length: 1, url: 'https://x.org' },
      { type: 'pre', offset: 0, length: 2, language: 'ts' },
    ]);
  });

  it('normalizes (NFC) and trims as chat texts are stored, the entities staying on their words', () => {
    // "e" + combining acute becomes one "é"; two leading spaces go.
    const text = '  e\u0301te\u0301 🎉 bold  ';
    const normalized = normalizeFormatted(text, [bold(text.indexOf('bold'), 4), bold(0, 1)]);
    expect(normalized.text).toBe('été 🎉 bold');
    expect(normalized.entities.map((e) => normalized.text.slice(e.offset, e.offset + e.length))).toEqual(['bold']);
    expect(normalizeFormatted(' x ', [])).toEqual({ text: 'x', entities: [] });
    // Telegram never sends these, and would refuse them back: dropped, the text relayed all the same.
    expect(normalizeFormatted('🎉 go', [bold(1, 2), bold(0, 1), bold(3, 9), bold(3, 2)])).toEqual({
      text: '🎉 go',
      entities: [bold(3, 2)],
    });
  });

  it('cuts a part out of a text with its entities', () => {
    expect(sliceFormatted('/pm @a 🎉 hi', [bold(4, 5), bold(10, 2)], 7)).toEqual({
      text: '🎉 hi',
      entities: [bold(0, 2), bold(3, 2)],
    });
  });

  it('reads our own HTML lines; anything else is left to Telegram', () => {
    expect(htmlToFormatted('🏠 <b>A&lt;b&gt; &amp; &#128512;</b> x')).toEqual({
      text: '🏠 A<b> & 😀 x',
      entities: [bold(3, 9)],
    });
    expect(htmlToFormatted('<a href="https://x.org">x</a>')).toBeNull();
    expect(htmlToFormatted('<b>open')).toBeNull();
    expect(htmlToFormatted('<b>x</i>')).toBeNull();
  });

  it('puts a formatted text into a line: its entities move by the UTF-16 length before it', () => {
    const line = formatAround('💬 <b>Ann 🌸</b>: \uE000', '\uE000', { text: '🎉 go', entities: [bold(3, 2)] });
    expect(line).toEqual({ text: '💬 Ann 🌸: 🎉 go', entities: [bold(3, 6), bold(14, 2)] });
    // An entity around the text grows with it; one after it moves.
    expect(formatAround('<i>« \uE000 »</i> <b>end</b>', '\uE000', { text: 'abc', entities: [] })).toEqual({
      text: '« abc » end',
      entities: [{ type: 'italic', offset: 0, length: 7 }, bold(8, 3)],
    });
    expect(formatAround('no marker', '\uE000', { text: 'x', entities: [] })).toBeNull();
  });
});
