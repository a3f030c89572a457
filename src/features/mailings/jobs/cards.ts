import { GrammyError } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Redis } from '../../../platform/redis.js';
import type { Services } from '../../../platform/services.js';
import { addDays, formatDay, fromLocal, localParts } from '../../../platform/time/local-dates.js';
import { User } from '../../users/index.js';
import { cardKeyboard, mailingRate, renderMailingCard } from '../card.js';
import { Mailing } from '../mailing.entities.js';
import { getMailingView } from '../mailings.js';

/**
 * Admin-facing upkeep the worker role does on a timer: live mailing cards (edited at most every
 * 5 s while a mailing runs) and the daily summary of yesterday's mailings at 09:00 in each
 * admin's time zone. A Redis lock per tick makes one worker of many do it.
 */
export const CARD_REFRESH_MS = 5_000;
const CARD_TTL_SECONDS = 7 * 24 * 3600;
const SUMMARY_HOUR = 9;

/**
 * Where an admin looks at a mailing card, in which language and zone. Each edit shows the text and
 * the buttons of the mailing as it is then (a finished mailing's card offers ↩️ Recall, not ✖️ Cancel).
 */
export interface LiveCard {
  chatId: number;
  messageId: number;
  language: 'ru' | 'en';
  timezone: string;
}

const cardsKey = (keyPrefix: string, mailingId: string) => `${keyPrefix}mailing-cards:${mailingId}`;
const indexKey = (keyPrefix: string) => `${keyPrefix}mailing-cards:index`;

export async function registerLiveCard(redis: Redis, keyPrefix: string, mailingId: string, card: LiveCard) {
  const key = cardsKey(keyPrefix, mailingId);
  await redis
    .multi()
    .hset(key, `${card.chatId}:${card.messageId}`, JSON.stringify(card))
    .expire(key, CARD_TTL_SECONDS)
    .sadd(indexKey(keyPrefix), mailingId)
    .exec();
}

/**
 * The message no longer shows the card (the admin opened another screen in it, e.g. the failed
 * recipients or the edit dialog): the worker must not write the card over it.
 */
export async function forgetLiveCard(
  redis: Redis,
  keyPrefix: string,
  mailingId: string,
  chatId: number,
  messageId: number,
) {
  await redis.hdel(cardsKey(keyPrefix, mailingId), `${chatId}:${messageId}`);
}

/** Edits every registered card of unfinished mailings; a finished mailing gets a last edit and is dropped. */
export async function refreshLiveCards(services: Services): Promise<number> {
  const { redis, keyPrefix } = services;
  const ids = await redis.smembers(indexKey(keyPrefix));
  let edited = 0;
  // Who may still watch: an admin demoted or banned since opening a card stops seeing the mailing's
  // progress there (their buttons already answer "not allowed"). Admins are few: one query a tick.
  let watchers: Set<number> | undefined;
  for (const id of ids) {
    const em = services.orm.em.fork();
    // A context of its own: the partial rows must not stand in for whole users in the view's.
    watchers ??= new Set(
      (
        await services.orm.em
          .fork()
          .find(User, { role: 'admin', status: 'active', telegramId: { $ne: null } }, { fields: ['telegramId'] })
      ).map((u) => Number(u.telegramId)),
    );
    const view = await getMailingView(em, id).catch(() => null);
    const cards: LiveCard[] = [];
    for (const [field, value] of Object.entries(await redis.hgetall(cardsKey(keyPrefix, id)))) {
      const card = JSON.parse(value) as LiveCard;
      if (watchers.has(card.chatId)) cards.push(card);
      else await redis.hdel(cardsKey(keyPrefix, id), field);
    }
    if (!view || cards.length === 0) {
      await redis.srem(indexKey(keyPrefix), id);
      continue;
    }
    // A recall in progress keeps the card live until it is done.
    const finished =
      (view.status === 'completed' || view.status === 'cancelled') && !(view.recall && !view.recall.completedAt);
    // One look at the mailing per tick: its rate measured once, each language's buttons and each
    // language and zone's text rendered once, however many admins watch it.
    const now = Date.now();
    const rate = await mailingRate({ redis, keyPrefix }, view, now);
    const keyboards = new Map<LiveCard['language'], Promise<InlineKeyboardButton[][]>>();
    const texts = new Map<string, Promise<string>>();
    for (const card of cards) {
      const t = services.translator.forLocale(card.language);
      let keyboard = keyboards.get(card.language);
      if (!keyboard) {
        keyboard = cardKeyboard(t, view, now);
        keyboards.set(card.language, keyboard);
      }
      const textKey = `${card.language} ${card.timezone}`;
      let text = texts.get(textKey);
      if (!text) {
        text = renderMailingCard({ t, locale: card.language, timezone: card.timezone, redis, keyPrefix }, view, rate);
        texts.set(textKey, text);
      }
      try {
        await services.telegram.editMessageText(card.chatId, card.messageId, await text, {
          reply_markup: { inline_keyboard: await keyboard },
        });
        edited += 1;
      } catch (err) {
        // Unchanged text, or the admin deleted the message: nothing to do either way.
        if (!(err instanceof GrammyError)) throw err;
        if (!/not modified/i.test(err.description)) {
          await redis.hdel(cardsKey(keyPrefix, id), `${card.chatId}:${card.messageId}`);
        }
      }
    }
    if (finished) {
      await redis.multi().del(cardsKey(keyPrefix, id)).srem(indexKey(keyPrefix), id).exec();
    }
  }
  return edited;
}

/**
 * Sends each admin whose local time is 09:xx the summary of the mailings that started on their
 * local yesterday, once per local day (remembered in Redis). Admins with no such mailings get nothing.
 */
export async function sendDailySummaries(services: Services, now = new Date()): Promise<number> {
  const em = services.orm.em.fork();
  const admins = await em.find(User, { role: 'admin', status: 'active', botBlocked: false, telegramId: { $ne: null } });
  let sent = 0;
  for (const admin of admins) {
    const local = localParts(now, admin.timezone);
    if (local.hour !== SUMMARY_HOUR || admin.telegramId == null) continue;
    const today = fromLocal(
      { year: local.year, month: local.month, day: local.day, hour: 0, minute: 0 },
      admin.timezone,
    );
    const day = addDays(local, -1);
    const yesterday = fromLocal({ ...day, hour: 0, minute: 0 }, admin.timezone);
    const dateLabel = `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
    const marker = `${services.keyPrefix}daily-summary:${admin.id}:${dateLabel}`;
    if ((await services.redis.set(marker, '1', 'EX', 3 * 24 * 3600, 'NX')) !== 'OK') continue;
    const mailings = await em.find(Mailing, { startAt: { $gte: yesterday, $lt: today } }, { orderBy: { id: 'asc' } });
    if (mailings.length === 0) continue;
    const t = services.translator.forLocale(admin.language);
    const lines: string[] = [];
    for (const mailing of mailings) {
      const view = await getMailingView(em, mailing.id);
      lines.push(
        t('mailing-daily-summary-line', {
          id: view.id,
          status: t(`mailing-status-${view.status}`),
          sent: view.counts.sent,
          error: view.counts.error,
          expired: view.counts.expired,
          unknown: view.counts.unknown,
        }),
      );
    }
    // The day as the bot shows days elsewhere, in the admin's language ("Sat, Nov 21" / "сб, 21 нояб."),
    // with the year only on January 1st (yesterday was in another year).
    const date = formatDay(day, admin.language, day.year !== local.year);
    await services.telegram.sendMessage(
      admin.telegramId,
      `${t('mailing-daily-summary', { date })}\n${lines.join('\n')}`,
    );
    sent += 1;
  }
  return sent;
}

/** The worker's admin timer: cards every 5 s, summaries checked every minute, one worker at a time. */
export function startAdminTicker(services: Services): { stop(): Promise<void> } {
  let lastSummaryCheck = 0;
  let running: Promise<void> | undefined;
  const tick = async () => {
    const lock = await services.redis.set(
      `${services.keyPrefix}admin-ticker:lock`,
      '1',
      'PX',
      CARD_REFRESH_MS - 500,
      'NX',
    );
    if (lock !== 'OK') return;
    await refreshLiveCards(services);
    if (Date.now() - lastSummaryCheck >= 60_000) {
      lastSummaryCheck = Date.now();
      await sendDailySummaries(services);
    }
  };
  const timer = setInterval(() => {
    running ??= tick()
      .catch((err: unknown) => {
        // PostgreSQL or Redis away: the outage is logged once, not every tick.
        if (!services.outages?.noticed(err)) services.log.warn({ err }, 'admin ticker failed');
      })
      .finally(() => {
        running = undefined;
      });
  }, CARD_REFRESH_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
