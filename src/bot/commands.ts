import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { LANGUAGES } from '../db/entities/index.js';
import type { Translator } from './i18n.js';

/** Commands every user sees, in menu order. Admin commands get a chat scope of their own later. */
const PUBLIC_COMMANDS = ['start', 'menu', 'tasks', 'newtask', 'settings', 'help', 'cancel'] as const;

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
