import type { Filter } from 'grammy';
import type { BotConversation, ConvContext } from '../context.js';

type TextContext = Filter<ConvContext, 'message:text'>;

/**
 * Waits for a text message. A button press ends the dialog and is handled as usual (the user
 * moved on); another kind of message (a sticker, a photo) re-asks; anything else is ignored.
 */
export function askText(conversation: BotConversation, again: string): Promise<TextContext> {
  return conversation.waitFor('message:text', {
    otherwise: async (other) => {
      if (other.callbackQuery) await conversation.halt({ next: true });
      if (other.message) await other.reply(again);
    },
  });
}
