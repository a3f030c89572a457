import { UnrecoverableError } from 'bullmq';
import { GrammyError, HttpError } from 'grammy';

/** Where a send drew its slot from: a 429 pauses it for Telegram's `retry_after`. */
export interface PausableBudget {
  pause(seconds: number): Promise<void>;
}

export interface SendOptions {
  /** The chat the message goes to; passed to `onBlocked`. */
  chatId: number;
  /** 403 (the user blocked the bot or is deactivated): record it; the send is not retried. */
  onBlocked: (chatId: number) => Promise<void>;
  budget?: PausableBudget | undefined;
  /**
   * A network error may hide a delivered message. Only when a second copy is harmless (e.g. a
   * confirmation request) may the job resend; otherwise it stops rather than send twice.
   */
  resendAfterNetworkError?: boolean;
}

/**
 * Network errors that happen before a request is written: the Bot API was never reached (refused,
 * no route, name not resolved, the connection could not be set up in time), so nothing was sent.
 */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Whether a grammY HttpError says the request never reached the Bot API (undici puts the socket error in `cause`). */
export function neverReachedTelegram(err: unknown, depth = 0): boolean {
  if (depth > 5 || typeof err !== 'object' || err === null) return false;
  const { code, cause, errors, error } = err as { code?: unknown; cause?: unknown; errors?: unknown; error?: unknown };
  if (typeof code === 'string' && NEVER_SENT_CODES.has(code)) return true;
  const next = (e: unknown) => neverReachedTelegram(e, depth + 1);
  return next(error) || next(cause) || (Array.isArray(errors) && errors.some(next));
}

/**
 * The one rule for a Telegram send made outside an update (jobs: notices, echoes, reminders),
 * ARCHITECTURE rule 7. Returns the result, or `null` when the user blocked the bot (403, marked
 * through `onBlocked`). A 429 pauses the budget and rethrows, like any other answer of Telegram
 * (5xx, 400): nothing was delivered, so the job is retried with backoff. So is a network error
 * before the request was written (Telegram unreachable: refused, connect timeout). A network
 * error after the request was written (no answer, connection cut) may hide a delivered message:
 * it throws `UnrecoverableError` unless resending is harmless. Mailings have their own transport
 * with the same rules per delivery row (features/mailings/jobs/transport.ts).
 */
export async function sendOnce<T>(options: SendOptions, send: () => Promise<T>): Promise<T | null> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 403) {
      await options.onBlocked(options.chatId);
      return null;
    }
    if (err instanceof GrammyError && err.error_code === 429) {
      await options.budget?.pause(err.parameters.retry_after ?? 1);
    }
    if (err instanceof HttpError && !options.resendAfterNetworkError && !neverReachedTelegram(err)) {
      throw new UnrecoverableError(`network error while sending; not resent to avoid a duplicate: ${err.message}`);
    }
    throw err;
  }
}
