import type { BotContext, BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { DIALOG_PREFIX, Dialog, type DialogBack, dialogLabels, stripButtons } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { type ScreenHow, showScreen } from '../../../platform/bot/ui/screen.js';
import type { Translate, Translator } from '../../../platform/i18n/translator.js';
import { blocks, findByHandle, handleOf } from '../../users/index.js';
import { loadContacts, type ReplyOrigin, sendPm, typedHandle, userById } from './actions.js';
import { contentOf } from './media.js';
import { type ChatScreens, showHistory, showInbox } from './screens.js';

/** The screens a left chat dialog returns to (`session.dialog.back.screen`; the history with `id`). */
export const CHAT_BACK = { chat: 'chat', inbox: 'chatInbox', history: 'chatHistory' } as const;

/** A recent contact's button in ✉️ New message (dialog-owned: a stale one is only answered). */
const PICK = `${DIALOG_PREFIX}pm:`;

/**
 * The chat's dialogs, each with ✖️ Cancel (and /cancel) back to the screen it began on (SPEC
 * §2.1). Everything that touches the database, Redis or Telegram on behalf of the outer update
 * runs inside `conversation.external`; any other command ends the dialog and runs
 * (features/home/bot/cancel.ts).
 *
 * - pmReply (↩️ Reply): "✍️ Reply to @x", then the answer (a text, or a photo, document, voice
 *   message, video or sticker with its caption) goes out as a PM exactly like /pm (same checks,
 *   same limit, same delivery). The recipient is the user id the button carried, so a sender
 *   without a username can be answered too. Under a private message the question comes below it
 *   (the message stays); on the Inbox or History screen it takes that screen's place.
 * - pmNew (✉️ New message, on the Chat screen): whom to write to (recent contacts as buttons, or
 *   a typed username), then the same step.
 */
export function chatConversations(translator: Translator, screens: ChatScreens) {
  /**
   * Asks for the message (`prompt`) and sends it; a refused text or caption is asked for again.
   * Once it went (or was refused for good, which sendPm said), a question that took a screen's
   * place gives it back — 💬 Chat, 📥 Inbox, or the 📜 History now showing the message — so the
   * user goes on from where they were; a question asked below a PM just loses its buttons.
   */
  async function compose(
    conversation: BotConversation,
    dialog: Dialog,
    t: Translate,
    recipientId: string,
    prompt: string,
    back: DialogBack | null,
  ): Promise<void> {
    await dialog.prompt(prompt);
    for (;;) {
      const answer = await dialog.ask({ message: true });
      if (answer.kind !== 'text' && answer.kind !== 'message') continue;
      const message = answer.ctx.message;
      if (!message) continue;
      // Commands other than these already ended the dialog (features/home/bot/cancel.ts).
      if (answer.kind === 'text' && commandName(answer.text.trim())) {
        await dialog.prompt(prompt, {}, true);
        continue;
      }
      const content = contentOf(message);
      if (content.kind === 'unsupported') {
        await dialog.prompt(t('chat-media-unsupported'), {}, true);
        continue;
      }
      const outcome = await conversation.external((outer) => sendPm(outer, { userId: recipientId }, content));
      if (outcome === 'retry') continue;
      await dialog.finish(async (outer, how) => {
        if (back && (await showChatDialogBack(outer, screens, back, how))) return;
        if (typeof how === 'object') await stripButtons(outer, [how.messageId]);
      });
      return;
    }
  }

  async function pmReply(
    conversation: BotConversation,
    ctx: ConvContext,
    recipientId: string,
    from: ReplyOrigin = 'message',
  ) {
    const target = await conversation.external(async (outer) => {
      const user = await userById(outer, recipientId);
      if (!user || user.id === outer.user.id) {
        await outer.reply(outer.t('chat-user-gone'));
        return null;
      }
      return { locale: outer.user.language, handle: handleOf(user) };
    });
    if (!target) return;
    const t = translator.forLocale(target.locale);
    const back: DialogBack =
      from === 'inbox'
        ? { screen: CHAT_BACK.inbox }
        : from === 'history'
          ? { screen: CHAT_BACK.history, id: recipientId }
          : { screen: CHAT_BACK.chat };
    const below = from === 'message';
    const dialog = await Dialog.open(conversation, ctx, dialogLabels(t), back, { below });
    const prompt = t('chat-reply-prompt', { handle: target.handle });
    await compose(conversation, dialog, t, recipientId, prompt, below ? null : back);
  }

  async function pmNew(conversation: BotConversation, ctx: ConvContext) {
    const { locale, contacts } = await conversation.external(async (outer) => ({
      locale: outer.user.language,
      contacts: await loadContacts(outer),
    }));
    const t = translator.forLocale(locale);
    const back: DialogBack = { screen: CHAT_BACK.chat };
    const dialog = await Dialog.open(conversation, ctx, dialogLabels(t), back);
    const rows = contacts.map((c) => [{ text: `✉️ ${c.name.slice(0, 40)}`, callback_data: `${PICK}${c.id}` }]);
    await dialog.prompt(t(contacts.length ? 'chat-new-prompt' : 'chat-new-prompt-first'), { rows });
    for (;;) {
      const answer = await dialog.ask({ again: t('chat-new-not-text'), buttons: (data) => data.startsWith(PICK) });
      if (answer.kind !== 'text' && answer.kind !== 'button') continue;
      const input = answer.kind === 'text' ? answer.text.trim() : answer.data.slice(PICK.length);
      const target = await conversation.external(async (outer) => {
        const user = answer.kind === 'text' ? await findByHandle(outer.em, input) : await userById(outer, input);
        if (!user) return { problem: answer.kind === 'text' ? 'not-found' : 'gone' } as const;
        if (user.id === outer.user.id) return { problem: 'self' } as const;
        // Said now rather than after the message was written: sending it would be refused.
        if (await blocks(outer.em, user.id, outer.user.id))
          return { problem: 'blocked', handle: handleOf(user) } as const;
        return { id: user.id, handle: handleOf(user) };
      });
      if ('problem' in target) {
        const problem =
          target.problem === 'not-found'
            ? t('chat-new-not-found', { handle: typedHandle(input) })
            : target.problem === 'blocked'
              ? t('chat-pm-not-accepted', { handle: target.handle })
              : t(target.problem === 'self' ? 'chat-pm-self' : 'chat-user-gone');
        await dialog.prompt(problem, { rows }, true);
        continue;
      }
      await compose(conversation, dialog, t, target.id, t('chat-message-prompt', { handle: target.handle }), back);
      return;
    }
  }

  return { pmReply, pmNew };
}

/**
 * The screen a left chat dialog returns to (home's /cancel resolves `CHAT_BACK` here): 💬 Chat,
 * 📥 Inbox, or the 📜 History with the user replied to; false for other screens.
 */
export async function showChatDialogBack(
  ctx: BotContext,
  screens: ChatScreens,
  back: DialogBack,
  how: ScreenHow,
): Promise<boolean> {
  if (back.screen === CHAT_BACK.inbox) {
    await showInbox(ctx, screens, how);
    return true;
  }
  if (back.screen === CHAT_BACK.history && back.id) {
    const other = await userById(ctx, back.id);
    if (other) {
      await showHistory(ctx, screens, other, 0, how);
      return true;
    }
  }
  if (!Object.values<string>(CHAT_BACK).includes(back.screen)) return false;
  await showScreen(ctx, screens.chat, how);
  return true;
}
