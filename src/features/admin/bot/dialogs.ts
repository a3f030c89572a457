import type { BotContext, BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { Dialog, type DialogBack, dialogLabels } from '../../../platform/bot/ui/ask.js';
import { type ScreenHow, showScreen, withNotice } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import type { Translator } from '../../../platform/i18n/translator.js';
import { visibleName } from '../../users/index.js';
import { addTags, findUserById, isAdmin, isSearchQuery } from '../admin.js';
import { afterAdminChange } from '../after-change.js';
import { ADMIN_BACK, ADMIN_CONVERSATIONS, type AdminScreens, type SearchOrigin } from './screens.js';
import { adminChangeDeps, adminView, denyUnlessAdmin } from './views.js';

/**
 * Admin dialogs: the user search (a prefix or an id → the results) and adding tags to a user,
 * each with ✖️ Cancel (and /cancel) back to the screen it began on — Admin, the results, the
 * user's card — and its outcome shown in the dialog's message (SPEC §2.1). The admin check runs
 * again inside `finish` when the dialog acts, so an admin demoted in the middle of a dialog
 * changes nothing.
 */
export function adminConversations(translator: Translator, screens: AdminScreens) {
  async function adminSearch(conversation: BotConversation, ctx: ConvContext, from: SearchOrigin = 'home') {
    const locale = await conversation.external((outer) => outer.user.language);
    const t = translator.forLocale(locale);
    const back = { screen: from === 'results' ? ADMIN_BACK.results : ADMIN_BACK.home };
    const dialog = await Dialog.open(conversation, ctx, dialogLabels(t), back);
    await dialog.prompt(t('admin-search-prompt'));
    for (;;) {
      const answer = await dialog.ask({});
      if (answer.kind !== 'text') continue;
      const text = answer.text.trim();
      if (text.startsWith('/') || !isSearchQuery(text)) {
        await dialog.prompt(t('admin-search-invalid'), {}, true);
        continue;
      }
      await dialog.finish(async (outer, how) => {
        if (await denyUnlessAdmin(outer)) return;
        (await outer.session).adminSearch = { query: text, page: 1 };
        await showScreen(outer, screens.adminResults, how);
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
    const dialog = await Dialog.open(conversation, ctx, dialogLabels(t), { screen: ADMIN_BACK.card, id: userId });
    const prompt = t('admin-tag-prompt', { name: start.name });
    await dialog.prompt(prompt);
    for (;;) {
      const answer = await dialog.ask({});
      if (answer.kind !== 'text') continue;
      const text = answer.text;
      const outcome = await dialog.finish(async (outer, how): Promise<'done' | 'invalid'> => {
        if (!isAdmin(outer.user)) {
          await denyUnlessAdmin(outer);
          return 'done';
        }
        try {
          const change = await addTags(outer.em, outer.user, userId, text);
          await afterAdminChange(adminChangeDeps(outer), change);
          adminView(outer).target = change.user;
          await showScreen(
            outer,
            withNotice(screens.adminCard, (c) => c.t('admin-tags-added')),
            how,
          );
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
      await dialog.prompt(t('admin-tag-invalid'), {}, true);
    }
  }

  return { [ADMIN_CONVERSATIONS.search]: adminSearch, [ADMIN_CONVERSATIONS.addTag]: adminAddTag };
}

/**
 * The screen a left admin dialog returns to (home's /cancel resolves `ADMIN_BACK` here): Admin,
 * the search results, or a user's card; false for other screens, and for one who is no longer
 * an admin (they get the main menu).
 */
export async function showAdminDialogBack(
  ctx: BotContext,
  screens: AdminScreens,
  back: DialogBack,
  how: ScreenHow,
): Promise<boolean> {
  if (!Object.values<string>(ADMIN_BACK).includes(back.screen) || !isAdmin(ctx.user)) return false;
  if (back.screen === ADMIN_BACK.card && back.id) {
    const user = await findUserById(ctx.em, back.id);
    adminView(ctx).target = user ?? undefined;
    await showScreen(ctx, user ? screens.adminCard : screens.adminHome, how);
    return true;
  }
  await showScreen(ctx, back.screen === ADMIN_BACK.results ? screens.adminResults : screens.adminHome, how);
  return true;
}
