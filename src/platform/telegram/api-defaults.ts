import { autoRetry } from '@grammyjs/auto-retry';
import type { Transformer } from 'grammy';

const WITH_TEXT = new Set([
  'sendMessage',
  'editMessageText',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendVoice',
  'editMessageCaption',
]);

/**
 * All texts we send are HTML (arguments are escaped by the translator), so HTML is the
 * default parse mode. Installed on bot.api and, through a conversation plugin, on the Api
 * objects conversations build for each replay. A text sent with its entities (a relayed
 * message keeping its sender's formatting) gets none: with a parse_mode Telegram would ignore
 * the entities.
 */
export const htmlParseMode: Transformer = (prev, method, payload, signal) => {
  if (
    WITH_TEXT.has(method) &&
    payload &&
    typeof payload === 'object' &&
    !('parse_mode' in payload) &&
    !('entities' in payload) &&
    !('caption_entities' in payload)
  ) {
    return prev(method, { ...payload, parse_mode: 'HTML' } as typeof payload, signal);
  }
  return prev(method, payload, signal);
};

/** Bot API replies that mean "nothing to do", safe to ignore after an edit. */
export function isMessageNotModified(err: unknown): boolean {
  return err instanceof Error && /message is not modified/i.test(err.message);
}

/**
 * The Bot API's answer to answerCallbackQuery for a query past its answer window (a few seconds:
 * an update handled late, after an outage or a backlog) or answered already. The user's spinner
 * has stopped by itself; nothing is left to do.
 */
export function isCallbackQueryExpired(err: unknown): boolean {
  return err instanceof Error && /query is too old|query id is invalid/i.test(err.message);
}

/** Bot API replies that mean the message cannot be edited any more (deleted, or too old): show a new one instead. */
export function isMessageGone(err: unknown): boolean {
  return err instanceof Error && /message to edit not found|message can't be edited/i.test(err.message);
}

/**
 * Retries for interactive replies: wait out a short flood limit (429 with retry_after ≤ 5 s)
 * or a Telegram 5xx twice, then give up. Network errors are not retried: auto-retry would
 * retry them forever, hanging the update (and a resent message may arrive twice).
 */
export function interactiveRetry(): Transformer {
  return autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5, rethrowHttpErrors: true });
}
