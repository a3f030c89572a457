import type { Update } from 'grammy/types';
import type { ButtonLabel, FakeBotApi } from '../test/helpers/fake-bot-api.js';

export type { ButtonLabel } from '../test/helpers/fake-bot-api.js';

/** What the fake Bot API refused besides double answers and edits of unknown messages (reported apart). */
export function otherRefusals(api: FakeBotApi): string[] {
  return [...api.anomalies.refusals]
    .filter(([description]) => !/message to edit not found|query is too old/.test(description))
    .map(([description, n]) => `${n} calls refused: ${description}`);
}

/**
 * One simulated Telegram user: sends commands and clicks buttons of the bot's last messages
 * by label, building the updates Telegram would deliver. Update ids are per fake API.
 */
export class SimulatedUser {
  private static nextUpdateId = 1;
  private static nextMessageId = 1;

  constructor(
    readonly api: FakeBotApi,
    readonly id: number,
    readonly firstName: string,
    readonly languageCode: string,
  ) {}

  private from() {
    return { id: this.id, is_bot: false as const, first_name: this.firstName, language_code: this.languageCode };
  }

  private chat() {
    return { id: this.id, type: 'private' as const, first_name: this.firstName };
  }

  command(name: string): Update {
    const text = `/${name}`;
    return {
      update_id: SimulatedUser.nextUpdateId++,
      message: {
        message_id: SimulatedUser.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: this.chat(),
        from: this.from(),
        text,
        entities: [{ type: 'bot_command', offset: 0, length: text.length }],
      },
    };
  }

  /** A callback query for the button labelled so; throws when the bot did not show it. */
  click(label: ButtonLabel): Update {
    const found = this.api.findButton(this.id, label);
    if (!found) {
      throw new Error(
        `No button ${JSON.stringify(label)} for user ${this.id}; visible: ${this.api.labels(this.id).join(' | ')}`,
      );
    }
    const updateId = SimulatedUser.nextUpdateId++;
    return {
      update_id: updateId,
      callback_query: {
        id: `cq${updateId}`,
        chat_instance: String(this.id),
        from: this.from(),
        data: found.data,
        message: {
          message_id: found.message.message_id,
          date: Math.floor(Date.now() / 1000),
          chat: this.chat(),
          from: { id: this.api.botInfo.id, is_bot: true, first_name: this.api.botInfo.first_name },
          text: found.message.text,
          ...(found.message.reply_markup ? { reply_markup: found.message.reply_markup } : {}),
        },
      },
    } as Update;
  }
}
