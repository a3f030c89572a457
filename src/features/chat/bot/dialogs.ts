import type { BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { askText } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import type { Translator } from '../../../platform/i18n/translator.js';
import { handleOf } from '../names.js';
import { sendPm, userById } from './actions.js';

/**
 * The Reply dialog under a private message: one step, "✍️ Reply to @x:", then the answer goes
 * back as a PM exactly like /pm (same checks, same limit, same delivery). /cancel (global)
 * leaves; a too-long text is asked again. The recipient is the user id the button carried, so
 * a sender without a username can be answered too. Everything that touches the database,
 * Redis or Telegram on behalf of the outer update runs inside `conversation.external`.
 */
export function chatConversations(translator: Translator) {
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
    const prompt = t('chat-reply-prompt', { handle: target.handle });
    await ctx.reply(prompt);
    for (;;) {
      const answer = await askText(conversation, t('chat-reply-not-text'));
      const text = answer.message.text;
      // Commands other than these already ended the dialog (features/cancel.ts).
      if (commandName(text.trim())) {
        await answer.reply(prompt);
        continue;
      }
      const outcome = await conversation.external((outer) => sendPm(outer, { userId: recipientId }, text));
      if (outcome !== 'retry') return;
    }
  }

  return { pmReply };
}
