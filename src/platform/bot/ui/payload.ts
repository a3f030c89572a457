import type { BotContext } from '../context.js';

/**
 * Codecs of the short payloads inline buttons carry (callback_data is at most 64 bytes):
 * `<id>.<action>` pairs, and what the menu plugin matched.
 */
export function splitPayload(payload: string): { id: string; action: string } {
  const dot = payload.indexOf('.');
  return dot === -1 ? { id: payload, action: '' } : { id: payload.slice(0, dot), action: payload.slice(dot + 1) };
}

export const matchOf = (ctx: BotContext): string => (typeof ctx.match === 'string' ? ctx.match : '');

/** The first `max` characters (code points) of a text, with "…" when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
