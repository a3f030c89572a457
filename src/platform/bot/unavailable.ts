import { languageFromTelegram } from '../i18n/languages.js';
import type { Dependency } from '../outages.js';
import type { BotContext, BotDeps } from './context.js';
import { answerCallback } from './ui/answer.js';

/** A chat hears "temporarily unavailable" at most once in this window. */
export const UNAVAILABLE_NOTICE_WINDOW_MS = 60_000;
/** Chats remembered at most; older entries go first (they are past their window anyway). */
const MAX_CHATS = 10_000;

/**
 * Who was told "temporarily unavailable" lately. In the process's memory on purpose: the outage
 * may be Redis's, so the throttle cannot live there (a second process may tell a chat once more;
 * that is the price).
 */
export class UnavailableNotices {
  private readonly told = new Map<number, number>();

  constructor(
    private readonly windowMs = UNAVAILABLE_NOTICE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `chatId` may be told now (and remembers that it was). */
  take(chatId: number): boolean {
    const t = this.now();
    const last = this.told.get(chatId);
    if (last !== undefined && t - last < this.windowMs) return false;
    this.told.delete(chatId); // re-inserted last: the map stays in telling order
    if (this.told.size >= MAX_CHATS) {
      for (const [id, at] of this.told) {
        // Oldest first: drop those past their window, and the oldest others while still full.
        if (this.told.size < MAX_CHATS && t - at < this.windowMs) break;
        this.told.delete(id);
      }
    }
    this.told.set(chatId, t);
    return true;
  }
}

/**
 * Answers an update that failed because PostgreSQL or Redis is away (polling; in webhook mode the
 * webhook answers 503 and Telegram redelivers instead): a pressed button gets its spinner stopped
 * with the notice as a toast; a message gets the short notice, at most once per chat per minute.
 * In the user's language when it is known, else by Telegram's language code.
 */
export async function answerUnavailable(
  ctx: BotContext,
  deps: Pick<BotDeps, 'translator' | 'log'>,
  notices: UnavailableNotices,
  dependency: Dependency,
): Promise<void> {
  const t = ctx.t ?? deps.translator.forLocale(languageFromTelegram(ctx.from?.language_code));
  try {
    if (ctx.callbackQuery) {
      await answerCallback(ctx, t('temporarily-unavailable'));
      return;
    }
    if (ctx.chat && notices.take(ctx.chat.id)) await ctx.api.sendMessage(ctx.chat.id, t('temporarily-unavailable'));
  } catch (err) {
    deps.log.warn({ err, dependency, update_id: ctx.update.update_id }, 'could not say "temporarily unavailable"');
  }
}
