/** The languages Gramdesk speaks (Fluent files in locales/). */
export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
