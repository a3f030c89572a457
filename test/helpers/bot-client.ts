import type { Update } from 'grammy/types';
import type { ChatMessage, FakeBotApi } from './fake-bot-api.js';

export interface TelegramUserProfile {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

let nextUpdateId = 1;
let nextUserMessageId = 1;

/**
 * A Telegram user talking to the bot: sends texts, commands and contacts, clicks inline
 * buttons by their label, and reads what the bot answered. `deliver` is how updates reach
 * the bot (bot.handleUpdate in-process, or the fake's getUpdates queue end to end).
 */
export class BotClient {
  constructor(
    readonly telegram: FakeBotApi,
    readonly user: TelegramUserProfile,
    private readonly deliver: (update: Update) => Promise<void>,
  ) {}

  get chatId(): number {
    return this.user.id;
  }

  private base() {
    return {
      message_id: nextUserMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: this.user.id, type: 'private' as const, first_name: this.user.first_name },
      from: { is_bot: false as const, ...this.user },
    };
  }

  sendText(text: string): Promise<void> {
    return this.deliver({ update_id: nextUpdateId++, message: { ...this.base(), text } } as Update);
  }

  /** `/start link_x`: a message with a bot_command entity, as Telegram sends it. */
  sendCommand(command: string, payload?: string): Promise<void> {
    const name = command.startsWith('/') ? command : `/${command}`;
    const text = payload ? `${name} ${payload}` : name;
    return this.deliver({
      update_id: nextUpdateId++,
      message: { ...this.base(), text, entities: [{ type: 'bot_command', offset: 0, length: name.length }] },
    } as Update);
  }

  sendContact(phone: string, userId = this.user.id): Promise<void> {
    return this.deliver({
      update_id: nextUpdateId++,
      message: { ...this.base(), contact: { phone_number: phone, first_name: this.user.first_name, user_id: userId } },
    } as Update);
  }

  /**
   * A message with any fields Telegram puts in one (a photo with a caption, a document, a poll,
   * a location…), optionally a reply (swipe) to one of the bot's messages.
   */
  sendMessage(fields: Record<string, unknown>, replyTo?: { message_id: number; text?: string }): Promise<void> {
    return this.deliver({
      update_id: nextUpdateId++,
      message: {
        ...this.base(),
        ...fields,
        ...(replyTo
          ? {
              reply_to_message: {
                message_id: replyTo.message_id,
                date: Math.floor(Date.now() / 1000),
                chat: { id: this.user.id, type: 'private', first_name: this.user.first_name },
                from: {
                  id: this.telegram.botInfo.id,
                  is_bot: true,
                  first_name: this.telegram.botInfo.first_name,
                  username: this.telegram.botInfo.username,
                },
                ...(replyTo.text !== undefined ? { text: replyTo.text } : {}),
              },
            }
          : {}),
      },
    } as Update);
  }

  sendSticker(): Promise<void> {
    return this.deliver({
      update_id: nextUpdateId++,
      message: {
        ...this.base(),
        sticker: {
          file_id: 'x',
          file_unique_id: 'x',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      },
    } as Update);
  }

  /** Presses the inline button labelled `label` (exact, or a RegExp) in the newest message that has it. */
  click(label: string | RegExp): Promise<void> {
    const found = this.findButton(label);
    if (!found) {
      const visible = this.buttons().join(' | ');
      throw new Error(`No button ${String(label)} in chat ${this.chatId}; visible buttons: ${visible}`);
    }
    return this.pressCallback(found.message, found.data);
  }

  /** Sends a callback query with arbitrary data, as a forged or stale button would. */
  pressCallback(message: ChatMessage | undefined, data: string, from: TelegramUserProfile = this.user): Promise<void> {
    return this.deliver({
      update_id: nextUpdateId++,
      callback_query: {
        id: String(nextUpdateId),
        chat_instance: String(this.chatId),
        from: { is_bot: false, ...from },
        data,
        ...(message
          ? {
              message: {
                message_id: message.message_id,
                date: Math.floor(Date.now() / 1000),
                chat: { id: message.chat_id, type: 'private', first_name: this.user.first_name },
                text: message.text,
                reply_markup: message.reply_markup,
              },
            }
          : {}),
      },
    } as Update);
  }

  /** Labels of the inline buttons of the newest message that has any. */
  buttons(): string[] {
    const message = [...this.telegram.chat(this.chatId)].reverse().find((m) => m.reply_markup?.inline_keyboard?.length);
    return message?.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
  }

  /** The text of the bot's latest message to this chat (sent or edited). */
  lastReply(): string {
    const texts = this.telegram.textsTo(this.chatId);
    const last = texts[texts.length - 1];
    if (last === undefined) throw new Error(`The bot has not written to chat ${this.chatId}`);
    return last;
  }

  /** Every text the bot sent or edited into this chat, in order. */
  replies(): string[] {
    return this.telegram.textsTo(this.chatId);
  }

  private findButton(label: string | RegExp): { message: ChatMessage; data: string } | undefined {
    const matches = (text: string) => (typeof label === 'string' ? text === label : label.test(text));
    for (const message of [...this.telegram.chat(this.chatId)].reverse()) {
      for (const button of message.reply_markup?.inline_keyboard?.flat() ?? []) {
        if (matches(button.text) && button.callback_data) return { message, data: button.callback_data };
      }
    }
    return undefined;
  }
}
