import type { BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { askText } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import type { Translator } from '../../../platform/i18n/translator.js';
import { visibleName } from '../../users/index.js';
import { addTags, findUserById, isAdmin, isSearchQuery } from '../admin.js';
import { afterAdminChange } from '../after-change.js';
import { ADMIN_CONVERSATIONS, type AdminScreens, openUserCard } from './screens.js';
import { adminChangeDeps, adminView, denyUnlessAdmin } from './views.js';

/**
 * Admin dialogs: the user search (a prefix or an id → the results) and adding tags to a user.
 * The admin check runs again inside `external` when the dialog acts, so an admin demoted in the
 * middle of a dialog changes nothing. /cancel (global) leaves; a pressed button leaves too.
 */
export function adminConversations(translator: Translator, screens: AdminScreens) {
  async function adminSearch(conversation: BotConversation, ctx: ConvContext) {
    const locale = await conversation.external((outer) => outer.user.language);
    const t = translator.forLocale(locale);
    await ctx.reply(t('admin-search-prompt'));
    for (;;) {
      const answer = await askText(conversation, t('admin-search-prompt'));
      const text = answer.message.text.trim();
      if (text.startsWith('/') || !isSearchQuery(text)) {
        await answer.reply(t('admin-search-invalid'));
        continue;
      }
      await conversation.external(async (outer) => {
        if (await denyUnlessAdmin(outer)) return;
        const session = await outer.session;
        session.adminSearch = { query: text, page: 1 };
        await showScreen(outer, screens.adminResults, 'reply');
      });
      return;
    }
  }

  async function adminAddTag(conversation: BotConversation, ctx: ConvContext, userId: string) {
    const start = await conversation.external(async (outer) => {
      if (await denyUnlessAdmin(outer)) return null;
      const target = await findUserById(outer.em, userId);
      if (!target) {
        await outer.reply(outer.t('admin-user-not-found'));
        return null;
      }
      return { locale: outer.user.language, name: visibleName(target) };
    });
    if (!start) return;
    const t = translator.forLocale(start.locale);
    const prompt = t('admin-tag-prompt', { name: start.name });
    await ctx.reply(prompt);
    for (;;) {
      const answer = await askText(conversation, prompt);
      const text = answer.message.text;
      if (text.trim().startsWith('/') && commandName(text.trim())) {
        await answer.reply(prompt);
        continue;
      }
      const outcome = await conversation.external(async (outer): Promise<'done' | 'invalid'> => {
        if (!isAdmin(outer.user)) {
          await denyUnlessAdmin(outer);
          return 'done';
        }
        try {
          const change = await addTags(outer.em, outer.user, userId, text);
          await afterAdminChange(adminChangeDeps(outer), change);
          adminView(outer).target = change.user;
          await outer.reply(outer.t('admin-tags-added'));
          await openUserCard(outer, screens, userId, 'reply');
          return 'done';
        } catch (err) {
          if (err instanceof DomainError && err.code === 'not_found') {
            await outer.reply(outer.t('admin-user-not-found'));
            return 'done';
          }
          // The only input addTags refuses is the tag list (parseTags: tags_invalid).
          if (err instanceof DomainError && err.code === 'tags_invalid') return 'invalid';
          throw err;
        }
      });
      if (outcome === 'done') return;
      await answer.reply(t('admin-tag-invalid'));
    }
  }

  return { [ADMIN_CONVERSATIONS.search]: adminSearch, [ADMIN_CONVERSATIONS.addTag]: adminAddTag };
}
