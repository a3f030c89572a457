import type { BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import type { Translate, Translator } from '../../../platform/i18n/translator.js';
import { findByHandle } from '../chat.js';
import { handleOf } from '../names.js';
import { loadContacts, sendPm, typedHandle, userById } from './actions.js';
import { pmReplyCallback } from './keyboards.js';
import { contentOf } from './media.js';

/**
 * The chat's dialogs. Everything that touches the database, Redis or Telegram on behalf of the
 * outer update runs inside `conversation.external`; /cancel (global) leaves, and any other
 * command ends the dialog and runs (features/home/bot/cancel.ts).
 *
 * - pmReply: under a private message ("↩️ Reply"), one step: "✍️ Reply to @x", then the answer
 *   (a text, or a photo, document, voice message, video or sticker with its caption) goes back
 *   as a PM exactly like /pm (same checks, same limit, same delivery). The recipient is the user
 *   id the button carried, so a sender without a username can be answered too.
 * - pmNew (✉️ New message): whom to write to (recent contacts as buttons, which start pmReply,
 *   or a typed username), then the same step.
 */
export function chatConversations(translator: Translator) {
  /** Waits for the message and sends it; a refused text or caption is asked again. */
  async function compose(conversation: BotConversation, t: Translate, recipientId: string, handle: string) {
    const prompt = t('chat-reply-prompt', { handle });
    for (;;) {
      const answer = await conversation.waitFor('message', {
        otherwise: async (other) => {
          // A button press ends the dialog and is handled as usual (the user moved on).
          if (other.callbackQuery) await conversation.halt({ next: true });
        },
      });
      const text = answer.message.text;
      // Commands other than these already ended the dialog (features/home/bot/cancel.ts).
      if (text !== undefined && commandName(text.trim())) {
        await answer.reply(prompt);
        continue;
      }
      const content = contentOf(answer.message);
      if (content.kind === 'unsupported') {
        await answer.reply(t('chat-media-unsupported'));
        continue;
      }
      const outcome = await conversation.external((outer) => sendPm(outer, { userId: recipientId }, content));
      if (outcome !== 'retry') return;
    }
  }

  async function pmReply(conversation: BotConversation, ctx: ConvContext, recipientId: string) {
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
    await ctx.reply(t('chat-reply-prompt', { handle: target.handle }));
    await compose(conversation, t, recipientId, target.handle);
  }

  async function pmNew(conversation: BotConversation, ctx: ConvContext) {
    const { locale, contacts } = await conversation.external(async (outer) => ({
      locale: outer.user.language,
      contacts: await loadContacts(outer),
    }));
    const t = translator.forLocale(locale);
    const keyboard = contacts.map((c) => [{ text: `✉️ ${c.name.slice(0, 40)}`, callback_data: pmReplyCallback(c.id) }]);
    await ctx.reply(t(contacts.length ? 'chat-new-prompt' : 'chat-new-prompt-first'), {
      ...(keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}),
    });
    for (;;) {
      const answer = await conversation.waitFor('message:text', {
        otherwise: async (other) => {
          // A contact button starts the Reply dialog (its own handler); other messages re-ask.
          if (other.callbackQuery) await conversation.halt({ next: true });
          if (other.message) await other.reply(t('chat-new-not-text'));
        },
      });
      const input = answer.message.text.trim();
      const target = await conversation.external(async (outer) => {
        const user = await findByHandle(outer.em, input);
        if (!user) {
          await outer.reply(outer.t('chat-new-not-found', { handle: typedHandle(input) }));
          return null;
        }
        if (user.id === outer.user.id) {
          await outer.reply(outer.t('chat-pm-self'));
          return null;
        }
        return { id: user.id, handle: handleOf(user) };
      });
      if (!target) continue;
      await answer.reply(t('chat-reply-prompt', { handle: target.handle }));
      await compose(conversation, t, target.id, target.handle);
      return;
    }
  }

  return { pmReply, pmNew };
}
