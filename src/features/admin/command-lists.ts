import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Em } from '../../platform/db/orm.js';
import { LANGUAGES } from '../../platform/i18n/languages.js';
import type { Translator } from '../../platform/i18n/translator.js';
import { User } from '../users/index.js';

/** Commands every user sees, in menu order. Admin commands get a chat scope of their own later. */
const PUBLIC_COMMANDS = [
  'start',
  'menu',
  'tasks',
  'newtask',
  'find',
  'pm',
  'inbox',
  'history',
  'room',
  'leave',
  'settings',
  'help',
  'cancel',
] as const;

export function commandList(translator: Translator, locale: (typeof LANGUAGES)[number]): BotCommand[] {
  return PUBLIC_COMMANDS.map((command) => ({ command, description: translator.t(locale, `cmd-${command}`) }));
}

/** Registers the command list in every language; English is also the default for other languages. */
export async function registerCommands(api: Api, translator: Translator): Promise<void> {
  await api.setMyCommands(commandList(translator, 'en'));
  for (const language of LANGUAGES) {
    await api.setMyCommands(commandList(translator, language), { language_code: language });
  }
}

/** Commands only admins see: registered per admin chat through a chat scope (SPEC §2). */
export const ADMIN_COMMANDS = ['admin', 'newmailing'] as const;

/** The public list followed by the admin commands, in one language. */
export function adminCommandList(translator: Translator, locale: (typeof LANGUAGES)[number]): BotCommand[] {
  return [
    ...commandList(translator, locale),
    ...ADMIN_COMMANDS.map((command) => ({ command, description: translator.t(locale, `cmd-${command}`) })),
  ];
}

/**
 * Shows or hides the admin commands in one user's chat (a private chat's id is the user's
 * Telegram id): a chat scope overrides the default list, so it carries the public commands too,
 * in the user's language; removing the scope brings back the public list.
 */
export async function syncAdminCommands(
  api: Api,
  translator: Translator,
  user: { telegramId?: number | null; role: string; status?: string; language: (typeof LANGUAGES)[number] },
): Promise<void> {
  if (user.telegramId == null) return;
  const scope = { type: 'chat' as const, chat_id: user.telegramId };
  if (user.role === 'admin' && user.status !== 'banned') {
    await api.setMyCommands(adminCommandList(translator, user.language), { scope });
  } else {
    await api.deleteMyCommands({ scope });
  }
}

/** At start-up: the admin commands in the chat of every admin (ADMIN_TELEGRAM_IDS and admins in the database). */
export async function registerAdminCommands(
  api: Api,
  translator: Translator,
  em: Em,
  configuredAdmins: readonly number[],
): Promise<void> {
  const admins = await em.find(User, {
    $or: [{ role: 'admin' }, ...(configuredAdmins.length ? [{ telegramId: { $in: [...configuredAdmins] } }] : [])],
    telegramId: { $ne: null },
    status: 'active',
  });
  const seen = new Set<number>();
  for (const admin of admins) {
    if (admin.telegramId == null) continue;
    seen.add(admin.telegramId);
    await syncAdminCommands(api, translator, { ...admin, role: 'admin' });
  }
  // Configured admins who never wrote to the bot: English until they do.
  for (const telegramId of configuredAdmins) {
    if (!seen.has(telegramId)) {
      await syncAdminCommands(api, translator, { telegramId, role: 'admin', language: 'en' });
    }
  }
}
