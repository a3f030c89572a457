import type { BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { askText } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import type { Translator } from '../../../platform/i18n/translator.js';
import { startSearch } from './list.js';
import { TASK_CONVERSATIONS, type TaskScreens } from './screens.js';

/**
 * 🔎 Search (and `/find` without words): asks for words of the title, then shows the results in
 * the list screen, paged like the list. `/find words` searches at once (commands.ts).
 */
export function searchConversations(translator: Translator, screens: TaskScreens) {
  async function taskSearch(conversation: BotConversation, ctx: ConvContext) {
    const locale = await conversation.external((outer) => outer.user.language);
    const t = translator.forLocale(locale);
    const prompt = t('tasks-search-prompt');
    await ctx.reply(prompt);
    for (;;) {
      const answer = await askText(conversation, prompt);
      const text = answer.message.text.trim();
      // A command other than /cancel (which the global handler takes) re-asks.
      if (text.startsWith('/') && commandName(text)) {
        await answer.reply(prompt);
        continue;
      }
      await conversation.external(async (outer) => {
        await startSearch(outer, text);
        await showScreen(outer, screens.tasks, 'reply');
      });
      return;
    }
  }
  return { [TASK_CONVERSATIONS.search]: taskSearch };
}
