import { Keyboard } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { ScreenMenu } from '../../../platform/bot/ui/menu.js';
import { matchOf } from '../../../platform/bot/ui/payload.js';
import {
  inPressedMessage,
  refreshWhenOutdated,
  type Screen,
  type ScreenHow,
  showInMessage,
  showScreen,
  visiblePressedMessage,
  withNotice,
} from '../../../platform/bot/ui/screen.js';
import type { Language } from '../../../platform/i18n/languages.js';
import type { Translate } from '../../../platform/i18n/translator.js';
import { localTime, normalizeTimezone, utcOffset } from '../../../platform/time/timezone.js';
import { updateSenderProfile } from './sender.js';

/**
 * The time zone, in one tap (SPEC §2.1): presets that fit the user's language, a shared
 * location (a reply-keyboard button; the zone is looked up offline), or typed (an IANA name, a
 * UTC offset, a city). Asked on first start (Skip keeps UTC and says so) and in Settings.
 */

interface Preset {
  zone: string;
  ru: string;
  en: string;
}

/** Every preset zone, once; a button carries its index (`z<i>`). Names in both languages. */
export const ZONES: readonly Preset[] = [
  { zone: 'Europe/Kaliningrad', ru: 'Калининград', en: 'Kaliningrad' },
  { zone: 'Europe/Moscow', ru: 'Москва', en: 'Moscow' },
  { zone: 'Europe/Samara', ru: 'Самара', en: 'Samara' },
  { zone: 'Asia/Yekaterinburg', ru: 'Екатеринбург', en: 'Yekaterinburg' },
  { zone: 'Asia/Omsk', ru: 'Омск', en: 'Omsk' },
  { zone: 'Asia/Novosibirsk', ru: 'Новосибирск', en: 'Novosibirsk' },
  { zone: 'Asia/Krasnoyarsk', ru: 'Красноярск', en: 'Krasnoyarsk' },
  { zone: 'Asia/Irkutsk', ru: 'Иркутск', en: 'Irkutsk' },
  { zone: 'Asia/Vladivostok', ru: 'Владивосток', en: 'Vladivostok' },
  { zone: 'Asia/Kamchatka', ru: 'Петропавловск-Камчатский', en: 'Kamchatka' },
  { zone: 'Europe/London', ru: 'Лондон', en: 'London' },
  { zone: 'Europe/Berlin', ru: 'Берлин', en: 'Berlin' },
  { zone: 'Europe/Kyiv', ru: 'Киев', en: 'Kyiv' },
  { zone: 'Asia/Almaty', ru: 'Алматы', en: 'Almaty' },
  { zone: 'Asia/Dubai', ru: 'Дубай', en: 'Dubai' },
  { zone: 'Asia/Kolkata', ru: 'Дели', en: 'India' },
  { zone: 'Asia/Singapore', ru: 'Сингапур', en: 'Singapore' },
  { zone: 'Asia/Tokyo', ru: 'Токио', en: 'Tokyo' },
  { zone: 'Australia/Sydney', ru: 'Сидней', en: 'Sydney' },
  { zone: 'America/New_York', ru: 'Нью-Йорк', en: 'New York' },
  { zone: 'America/Chicago', ru: 'Чикаго', en: 'Chicago' },
  { zone: 'America/Los_Angeles', ru: 'Лос-Анджелес', en: 'Los Angeles' },
  { zone: 'America/Sao_Paulo', ru: 'Сан-Паулу', en: 'São Paulo' },
  { zone: 'UTC', ru: 'UTC', en: 'UTC' },
];

/** Which presets each language is offered, in order (indexes into ZONES by zone). */
const OFFERED: Record<Language, readonly string[]> = {
  ru: [
    'Europe/Kaliningrad',
    'Europe/Moscow',
    'Europe/Samara',
    'Asia/Yekaterinburg',
    'Asia/Omsk',
    'Asia/Novosibirsk',
    'Asia/Krasnoyarsk',
    'Asia/Irkutsk',
    'Asia/Vladivostok',
    'Asia/Kamchatka',
  ],
  en: [
    'Europe/London',
    'Europe/Berlin',
    'Europe/Moscow',
    'Asia/Dubai',
    'Asia/Kolkata',
    'Asia/Singapore',
    'Asia/Tokyo',
    'Australia/Sydney',
    'America/New_York',
    'America/Chicago',
    'America/Los_Angeles',
    'America/Sao_Paulo',
  ],
};

/** The presets for a language: their index in ZONES and a label with the current offset. */
export function timezonePresets(
  language: Language,
  now = new Date(),
): { index: number; zone: string; label: string }[] {
  return (OFFERED[language] ?? OFFERED.en).map((zone) => {
    const index = ZONES.findIndex((z) => z.zone === zone);
    const preset = ZONES[index] as Preset;
    return { index, zone, label: `${preset[language] ?? preset.en} · ${utcOffset(zone, now)}` };
  });
}

/**
 * What a text that is no time zone is told (✏️ Other… and the first-start question alike): the
 * hint, quoting the text cut to a readable length.
 */
export function timezoneHint(t: Translate, input: string): string {
  const chars = [...input];
  return t('settings-timezone-invalid', { input: chars.length > 64 ? `${chars.slice(0, 64).join('')}…` : input });
}

/** A zone typed by the user: an IANA name, an offset, a city of the IANA list, or a preset's name in either language. */
export function readTimezone(input: string): string | null {
  const text = input.trim().toLowerCase().replace(/ё/g, 'е');
  const preset = ZONES.find((z) => z.ru.toLowerCase().replace(/ё/g, 'е') === text || z.en.toLowerCase() === text);
  return preset ? preset.zone : normalizeTimezone(input);
}

export function timezoneText(ctx: BotContext): string {
  return ctx.t('settings-choose-timezone', { timezone: ctx.profile.timezone, time: localTime(ctx.profile.timezone) });
}

/** The first-start question as /start asks it: a typed zone is taken right there (first-start.ts). */
export function firstStartQuestion(ctx: BotContext): string {
  return ctx.t('timezone-start', { time: localTime('UTC') });
}

/** The same question shown again without a typed answer awaited (after a Cancel): typing goes through ✏️ Other…. */
function startText(ctx: BotContext): string {
  return ctx.t('timezone-start-menu', { time: localTime('UTC') });
}

export async function chooseTimezone(ctx: BotContext, zone: string): Promise<void> {
  await updateSenderProfile(ctx, { timezone: zone });
  // Toasts are plain text: drop the HTML tags of the shared message.
  await answerCallback(
    ctx,
    ctx.t('settings-timezone-saved', { timezone: zone, time: localTime(zone) }).replace(/<[^>]+>/g, ''),
  );
}

/** Where a time zone is being chosen: in Settings, or answering the first-start question. */
export type TimezoneOrigin = 'settings' | 'start';

/** The line that says the first-start question is answered with `zone`. */
export const startSetNotice = (ctx: BotContext, zone: string) =>
  ctx.t('timezone-start-set', { timezone: zone, time: localTime(zone) });

/**
 * The first-start question answered (a zone, or Skip): its message shows only what was decided.
 * /start sent the main menu right below the question, so the answer does not bring a second one
 * (SPEC §2.1: one main menu). `how`: the pressed message, or a dialog's (`{ messageId }`).
 */
export async function showFirstStartAnswered(ctx: BotContext, notice: string, how: ScreenHow = 'edit'): Promise<void> {
  const other = { reply_markup: { inline_keyboard: [] } };
  const shown =
    typeof how === 'object' && ctx.chat
      ? showInMessage(ctx.api, ctx.chat.id, how.messageId, notice, other)
      : how === 'edit'
        ? inPressedMessage(ctx, notice, other)
        : ctx.reply(notice, other);
  await Promise.all([answerCallback(ctx), shown]);
}

/**
 * A time zone set by a dialog (typed) or a shared location, shown in `how`: Settings with the
 * saved zone on top, or on first start the notice alone in the question's place.
 */
export async function showTimezoneSet(
  ctx: BotContext,
  settings: Screen,
  origin: TimezoneOrigin,
  zone: string,
  how: ScreenHow,
): Promise<void> {
  if (origin === 'start') return showFirstStartAnswered(ctx, startSetNotice(ctx, zone), how);
  const saved = (c: BotContext) => c.t('settings-timezone-saved', { timezone: zone, time: localTime(zone) });
  await showScreen(ctx, withNotice(settings, saved), how);
}

/** Telegram shares a location only through a reply-keyboard button, so this leaves the inline menu. */
export async function requestLocation(ctx: BotContext, origin: TimezoneOrigin): Promise<void> {
  const session = await ctx.session;
  session.awaitingLocation = origin;
  // On first start the question's message shows the answer once the location comes.
  session.locationAskedIn = origin === 'start' ? visiblePressedMessage(ctx)?.message_id : undefined;
  await answerCallback(ctx);
  await ctx.reply(ctx.t('timezone-location-prompt'), {
    reply_markup: new Keyboard()
      .requestLocation(ctx.t('timezone-location-button'))
      .row()
      .text(ctx.t('timezone-location-cancel'))
      .resized()
      .oneTime(),
  });
}

/** Conversation that asks for a typed zone (users/bot/dialogs.ts), by name. */
export const TIMEZONE_CONVERSATION = 'timezone';

/**
 * First start: opens the dialog that takes a zone typed in answer to the question /start has just
 * sent (`question`, the message with the time zone menu), so "type it" works right there
 * (first-start.ts).
 */
export function openFirstStartDialog(ctx: BotContext, question: number): Promise<void> {
  return ctx.conversation.enter(TIMEZONE_CONVERSATION, 'start', question);
}

/**
 * The two time zone menus: in Settings (`tz`, with ◀️ Back) and on first start (`tz0`, with
 * ⏭ Skip, which keeps UTC and says so). Presets follow the user's language; a forged or stale
 * preset index is answered and changes nothing. A press on an outdated keyboard shows the
 * menu's current screen in that message.
 */
export function buildTimezoneMenus(next: { settings: () => Screen }) {
  const settingsMenu: ScreenMenu = new ScreenMenu('tz', {
    onMenuOutdated: refreshWhenOutdated(() => screens.timezone),
  });
  const startMenu: ScreenMenu = new ScreenMenu('tz0', {
    onMenuOutdated: refreshWhenOutdated(() => screens.timezoneStart),
  });

  const screens = {
    timezone: { text: timezoneText, menu: settingsMenu } as Screen,
    timezoneStart: { text: startText, menu: startMenu } as Screen,
  };

  for (const [menu, origin] of [
    [settingsMenu, 'settings'],
    [startMenu, 'start'],
  ] as const) {
    menu.dynamic((ctx, range) => {
      timezonePresets(ctx.profile.language as Language).forEach((preset, i) => {
        range.text({ text: preset.label, payload: `z${preset.index}` }, async (c) => {
          const zone = ZONES[Number(matchOf(c).slice(1))]?.zone;
          if (!zone) {
            await answerCallback(c, c.t('stale-button'));
            return showScreen(c, origin === 'start' ? screens.timezoneStart : screens.timezone);
          }
          await chooseTimezone(c, zone);
          if (origin === 'settings') return showScreen(c, next.settings());
          await showFirstStartAnswered(c, startSetNotice(c, zone));
        });
        if (i % 2 === 1) range.row();
      });
      range
        .row()
        .text(ctx.t('timezone-share-location'), (c) => requestLocation(c, origin))
        .text(ctx.t('settings-timezone-other'), async (c) => {
          await answerCallback(c);
          await c.conversation.enter(TIMEZONE_CONVERSATION, origin);
        })
        .row();
      if (origin === 'start') {
        range.text(ctx.t('timezone-skip'), (c) => showFirstStartAnswered(c, c.t('timezone-skipped')));
      } else {
        range.text(ctx.t('back'), (c) => showScreen(c, next.settings()));
      }
    });
  }
  return { menus: [settingsMenu, startMenu], screens };
}
