import type { BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { Dialog, dialogLabels } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import type { Translator } from '../../../platform/i18n/translator.js';
import { TASK_BACK } from './dialogs.js';
import { startSearch } from './list.js';
import { TASK_CONVERSATIONS, type TaskScreens } from './screens.js';

/**
 * 🔎 Search (and `/find` without words): asks for words of the title, then shows the results in
 * the list screen, paged like the list, in the dialog's message. ✖️ Cancel and /cancel go back to
 * the list (from 🔎) or the main menu (from /find). `/find words` searches at once (commands.ts).
 */
export function searchConversations(translator: Translator, screens: TaskScreens) {
  async function taskSearch(conversation: BotConversation, ctx: ConvContext) {
    const locale = await conversation.external((outer) => outer.user.language);
    const t = translator.forLocale(locale);
    const back = ctx.callbackQuery ? { screen: TASK_BACK.list } : { screen: 'main' };
    const dialog = await Dialog.open(conversation, ctx, dialogLabels(t), back);
    const prompt = t('tasks-search-prompt');
    await dialog.prompt(prompt);
    for (;;) {
      const answer = await dialog.ask({});
      if (answer.kind !== 'text') continue;
      const text = answer.text.trim();
      // A command other than /cancel (which the global handler takes) re-asks.
      if (text.startsWith('/') && commandName(text)) {
        await dialog.prompt(prompt, {}, true);
        continue;
      }
      await dialog.finish(async (outer, how) => {
        await startSearch(outer, text);
        await showScreen(outer, screens.tasks, how);
      });
      return;
    }
  }
  return { [TASK_CONVERSATIONS.search]: taskSearch };
}
