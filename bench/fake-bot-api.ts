import type { Update, UserFromGetMe } from 'grammy/types';

/**
 * A lean in-process Bot API for benchmarks. Like test/helpers/fake-telegram.ts it answers
 * through grammY's `client.fetch` and keeps the bot's messages so buttons can be clicked by
 * label, but every operation is O(1): it keeps only the last few messages per chat and
 * counts calls instead of recording them, so the fake's own cost stays flat over a long run
 * and is the same for every stack measured.
 */

export interface InlineButton {
  text: string;
  callback_data?: string;
}

interface Message {
  message_id: number;
  chat_id: number;
  text: string;
  keyboard: InlineButton[][] | undefined;
}

/** Messages kept per chat: clicks go to the newest message with a keyboard. */
const KEEP_PER_CHAT = 4;

export interface ApiAnomalies {
  /** answerCallbackQuery sent twice for one query: real Telegram rejects the second one. */
  doubleAnswers: number;
  /** editMessageText of a message the fake does not know. */
  missingEdits: number;
}

export class FakeBotApi {
  readonly calls = new Map<string, number>();
  readonly anomalies: ApiAnomalies = { doubleAnswers: 0, missingEdits: 0 };
  /** Called for every Bot API call, e.g. to attribute it to the update being handled. */
  onCall: ((method: string, payload: Record<string, unknown>) => void) | undefined;
  private readonly chats = new Map<number, Message[]>();
  private readonly answered = new Set<string>();
  private nextMessageId = 1;

  constructor(readonly botInfo: UserFromGetMe) {}

  /** grammY-compatible fetch: the method is the last URL segment, the payload a JSON body. */
  readonly fetch = async (url: unknown, init?: { body?: unknown }): Promise<Response> => {
    const method = String(url).slice(String(url).lastIndexOf('/') + 1);
    const payload =
      typeof init?.body === 'string' && init.body ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    this.onCall?.(method, payload);
    return new Response(JSON.stringify(this.answer(method, payload)), {
      headers: { 'content-type': 'application/json' },
    });
  };

  /** The newest message in the chat that has a button labelled so, with that button's data. */
  findButton(chatId: number, label: ButtonLabel): { message: Message; data: string } | undefined {
    const messages = this.chats.get(chatId) ?? [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      for (const row of message?.keyboard ?? []) {
        for (const button of row) {
          if (button.callback_data && matches(label, button.text) && message) {
            return { message, data: button.callback_data };
          }
        }
      }
    }
    return undefined;
  }

  labels(chatId: number): string[] {
    const messages = this.chats.get(chatId) ?? [];
    return (
      messages
        .at(-1)
        ?.keyboard?.flat()
        .map((b) => b.text) ?? []
    );
  }

  totalCalls(): number {
    let total = 0;
    for (const n of this.calls.values()) total += n;
    return total;
  }

  private answer(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'sendMessage': {
        const chatId = Number(p.chat_id);
        const message: Message = {
          message_id: this.nextMessageId++,
          chat_id: chatId,
          text: String(p.text),
          keyboard: inlineKeyboard(p.reply_markup),
        };
        const messages = this.chats.get(chatId) ?? [];
        messages.push(message);
        if (messages.length > KEEP_PER_CHAT) messages.shift();
        this.chats.set(chatId, messages);
        return { ok: true, result: this.asTelegramMessage(message) };
      }
      case 'editMessageText': {
        const message = this.chats.get(Number(p.chat_id))?.find((m) => m.message_id === Number(p.message_id));
        if (!message) {
          this.anomalies.missingEdits++;
          return { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' };
        }
        message.text = String(p.text);
        message.keyboard = inlineKeyboard(p.reply_markup);
        return { ok: true, result: this.asTelegramMessage(message) };
      }
      case 'answerCallbackQuery': {
        const id = String(p.callback_query_id);
        if (this.answered.has(id)) this.anomalies.doubleAnswers++;
        else this.answered.add(id);
        return { ok: true, result: true };
      }
      case 'getMe':
        return { ok: true, result: this.botInfo };
      default:
        return { ok: true, result: true };
    }
  }

  private asTelegramMessage(m: Message) {
    return {
      message_id: m.message_id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: m.chat_id, type: 'private', first_name: 'User' },
      from: { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username },
      text: m.text,
      ...(m.keyboard ? { reply_markup: { inline_keyboard: m.keyboard } } : {}),
    };
  }
}

export type ButtonLabel = string | { startsWith: string };

function matches(label: ButtonLabel, text: string): boolean {
  return typeof label === 'string' ? text === label : text.startsWith(label.startsWith);
}

function inlineKeyboard(markup: unknown): InlineButton[][] | undefined {
  if (markup && typeof markup === 'object' && 'inline_keyboard' in markup && Array.isArray(markup.inline_keyboard)) {
    return markup.inline_keyboard as InlineButton[][];
  }
  return undefined;
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
          ...(found.message.keyboard ? { reply_markup: { inline_keyboard: found.message.keyboard } } : {}),
        },
      },
    } as Update;
  }
}
