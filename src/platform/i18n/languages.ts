/** The languages Gramdesk speaks (Fluent files in locales/). */
export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Telegram's language_code → our language: Russian for ru, uk, be, kk; English otherwise. */
export function languageFromTelegram(code: string | undefined): Language {
  const base = code?.toLowerCase().split('-')[0];
  return base === 'ru' || base === 'uk' || base === 'be' || base === 'kk' ? 'ru' : 'en';
}
