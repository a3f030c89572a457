import { randomUUID } from 'node:crypto';
import type { Update, UserFromGetMe } from 'grammy/types';
import { BotApiStandIn, type StandInEvent, type UserMessage } from '../telegram/stand-in/bot-api.js';

/**
 * The sandbox (SPEC §1): simulated Telegram users talking to the real bot through the Bot API
 * stand-in. The bot cannot tell: it long-polls getUpdates and calls sendMessage as with Telegram.
 * This side only plays the users' apps — it turns what the web chat does into updates, and shows
 * each user's chat as the stand-in holds it.
 */

export const SANDBOX_BOT_INFO: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Gramdesk',
  username: 'gramdesk_sandbox_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as UserFromGetMe;

export interface SandboxUser {
  id: number;
  firstName: string;
  lastName?: string | undefined;
  username?: string | undefined;
  languageCode: string;
  admin: boolean;
  /** The phone number "Share contact" sends. */
  phone: string;
}

/** An answer to a button press the user sees: a toast, or an alert to dismiss. */
export interface SandboxNotice {
  id: number;
  text: string;
  alert: boolean;
}

const MAX_USERS = 50;
const MAX_NOTICES = 20;
/** How many of each user's newest bot messages the user list carries (the web chat counts unread ones among them). */
const RECENT_PER_USER = 20;

export interface SandboxOptions {
  adminId: number;
  botInfo?: UserFromGetMe;
}

/** Message ids count from here at this moment: four per second since 2026 (below 2^31 until 2042). */
const MESSAGE_ID_EPOCH_MS = Date.UTC(2026, 0, 1);
export const firstMessageIdAt = (now: number) => Math.max(1000, Math.floor(((now - MESSAGE_ID_EPOCH_MS) / 1000) * 4));

export class Sandbox {
  readonly standIn: BotApiStandIn;
  /**
   * This run of the program. Chats live in memory: after a restart they start empty and `version`
   * counts from 0 again, so the web chat compares epochs to tell a restart from "nothing new".
   */
  readonly epoch = randomUUID();
  private readonly users = new Map<number, SandboxUser>();
  private readonly notices = new Map<number, SandboxNotice[]>();
  /** Callback query id → the chat it came from (to show the answer there). */
  private readonly queries = new Map<string, number>();
  private version = 0;
  private nextUpdateId = 1;
  private nextQueryId = 1;
  private nextNoticeId = 1;
  private waiters = new Set<() => void>();
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(options: SandboxOptions) {
    this.standIn = new BotApiStandIn({
      botInfo: options.botInfo ?? SANDBOX_BOT_INFO,
      recordCalls: false,
      keepPerChat: 500,
      // Chats live in memory, but the bot's database keeps the ids of messages it sent (a mailing's
      // deliveries, its live card): ids counted from 1000 again after a restart would name newer
      // messages, and a recall would delete one it never sent. Counted from the clock, a run never
      // reaches ids the next one gives unless it sent four messages a second throughout.
      firstMessageId: firstMessageIdAt(Date.now()),
    });
    this.addUser({ id: options.adminId, firstName: 'Alice', username: 'alice', languageCode: 'en', admin: true });
    this.addUser({ id: options.adminId + 1, firstName: 'Bob', username: 'bob', languageCode: 'en' });
    this.addUser({ id: options.adminId + 2, firstName: 'Вера', username: 'vera', languageCode: 'ru' });
    this.unsubscribe = this.standIn.subscribe((event) => this.onEvent(event));
  }

  /** Starts the stand-in's HTTP door on loopback; returns the Bot API root for TELEGRAM_API_ROOT. */
  listen(): Promise<string> {
    return this.standIn.listen();
  }

  /** Answers every long poll of the web chat now (at shutdown, before the HTTP server closes). */
  release(): void {
    this.closed = true;
    this.wake();
  }

  async close(): Promise<void> {
    this.release();
    this.unsubscribe();
    await this.standIn.close();
  }

  /** Bumped on every change of any chat or of the user list. */
  get currentVersion(): number {
    return this.version;
  }

  get botInfo(): UserFromGetMe {
    return this.standIn.botInfo;
  }

  listUsers(): SandboxUser[] {
    return [...this.users.values()];
  }

  /** Each user's newest bot message ids (oldest first): what the web chat marks unread in its user picker. */
  recentBotMessageIds(): Record<number, number[]> {
    const recent: Record<number, number[]> = {};
    for (const id of this.users.keys()) {
      recent[id] = this.standIn
        .botMessages(id)
        .slice(-RECENT_PER_USER)
        .map((m) => m.message_id);
    }
    return recent;
  }

  user(id: number): SandboxUser | undefined {
    return this.users.get(id);
  }

  addUser(input: {
    id?: number;
    firstName: string;
    lastName?: string;
    username?: string;
    languageCode?: string;
    admin?: boolean;
  }): SandboxUser {
    if (this.users.size >= MAX_USERS) throw new SandboxError('too many simulated users');
    const id = input.id ?? Math.max(100_000, ...this.users.keys()) + 1;
    const user: SandboxUser = {
      id,
      firstName: input.firstName,
      lastName: input.lastName,
      username: input.username,
      languageCode: input.languageCode ?? 'en',
      admin: input.admin ?? false,
      phone: `+7916${String(id).padStart(7, '0').slice(-7)}`,
    };
    this.users.set(id, user);
    this.bump();
    return user;
  }

  // ---------------------------------------------------------------- what a user does

  sendText(userId: number, text: string, replyTo?: number): UserMessage {
    const user = this.require(userId);
    const command = /^\/[A-Za-z0-9_]+(@\w+)?/.exec(text);
    return this.send(
      user,
      {
        text,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      },
      replyTo,
    );
  }

  shareContact(userId: number): UserMessage {
    const user = this.require(userId);
    return this.send(user, { contact: { phone_number: user.phone, first_name: user.firstName, user_id: user.id } });
  }

  shareLocation(userId: number, latitude: number, longitude: number): UserMessage {
    const user = this.require(userId);
    return this.send(user, { location: { latitude, longitude } });
  }

  sendPhoto(userId: number, bytes: Buffer, mimeType: string, caption?: string): UserMessage {
    const user = this.require(userId);
    const fileId = this.standIn.putFile(bytes, mimeType);
    const photo = [{ file_id: fileId, file_unique_id: fileId, width: 800, height: 600, file_size: bytes.length }];
    return this.send(user, { photo, ...(caption ? { caption } : {}) });
  }

  /** Taps an inline button of one of the bot's messages. */
  tap(userId: number, messageId: number, data: string): void {
    const user = this.require(userId);
    const message = this.standIn.telegramMessage(user.id, messageId);
    if (!message) throw new SandboxError('that message is gone');
    const id = `sandbox-${this.nextQueryId++}`;
    this.queries.set(id, user.id);
    this.push({
      callback_query: {
        id,
        from: this.from(user),
        chat_instance: String(user.id),
        data,
        message: { ...message, chat: this.chat(user) },
      },
    } as Omit<Update, 'update_id'>);
  }

  // ---------------------------------------------------------------- what a user sees

  /** The user's chat with the bot, oldest first: theirs and the bot's messages, as last edited. */
  chat(user: SandboxUser): { id: number; type: 'private'; first_name: string; username?: string } {
    return {
      id: user.id,
      type: 'private',
      first_name: user.firstName,
      ...(user.username ? { username: user.username } : {}),
    };
  }

  view(userId: number) {
    const user = this.require(userId);
    const fromBot = this.standIn.botMessages(user.id).map((m) => ({
      id: m.message_id,
      from: 'bot' as const,
      text: m.plain,
      entities: m.entities,
      edited: m.edited,
      media: m.media,
      inlineKeyboard: m.reply_markup?.inline_keyboard,
      replyKeyboard: m.reply_markup?.keyboard,
      removeKeyboard: (m.reply_markup as { remove_keyboard?: boolean } | undefined)?.remove_keyboard === true,
    }));
    const fromUser = this.standIn.userChat(user.id).map((m) => ({
      id: m.message_id,
      from: 'user' as const,
      text: m.text ?? m.caption ?? '',
      contact: m.contact,
      location: m.location,
      photo: m.photo?.at(-1)?.file_id,
    }));
    const messages = [...fromBot, ...fromUser].sort((a, b) => a.id - b.id);
    // The reply keyboard shown under the input: the newest bot message that set or removed one.
    let keyboard: unknown;
    for (const m of fromBot) {
      if (m.replyKeyboard) keyboard = m.replyKeyboard;
      else if (m.removeKeyboard) keyboard = undefined;
    }
    return {
      epoch: this.epoch,
      version: this.version,
      user,
      messages: messages.map(({ replyKeyboard: _r, removeKeyboard: _d, ...m }: Record<string, unknown>) => m),
      keyboard: keyboard ?? null,
      commands: this.standIn.commandsFor(user.id, user.languageCode),
      notices: this.notices.get(user.id) ?? [],
    };
  }

  /** Resolves when anything changed after `since` (or after `timeoutMs`, or on close). */
  async changes(since: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    if (this.version !== since || this.closed) return this.version;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
    return this.version;
  }

  // ---------------------------------------------------------------- inside

  private send(user: SandboxUser, content: Partial<UserMessage>, replyTo?: number): UserMessage {
    const message = this.standIn.userMessage(user.id, { from: this.from(user), ...content });
    const replied = replyTo ? this.standIn.telegramMessage(user.id, replyTo) : undefined;
    const { chat_id: _, ...telegram } = message;
    this.push({
      message: {
        ...telegram,
        chat: this.chat(user),
        ...(replied ? { reply_to_message: { ...replied, chat: this.chat(user) } } : {}),
      },
    } as Omit<Update, 'update_id'>);
    return message;
  }

  private push(update: Omit<Update, 'update_id'>): void {
    this.standIn.pushUpdate({ update_id: this.nextUpdateId++, ...update } as Update);
  }

  private from(user: SandboxUser) {
    return {
      id: user.id,
      is_bot: false as const,
      first_name: user.firstName,
      ...(user.lastName ? { last_name: user.lastName } : {}),
      ...(user.username ? { username: user.username } : {}),
      language_code: user.languageCode,
    };
  }

  private require(userId: number): SandboxUser {
    const user = this.users.get(userId);
    if (!user) throw new SandboxError('no such simulated user');
    return user;
  }

  private onEvent(event: StandInEvent): void {
    if (event.method === 'answerCallbackQuery') {
      const chatId = this.queries.get(String(event.payload.callback_query_id));
      this.queries.delete(String(event.payload.callback_query_id));
      const text = typeof event.payload.text === 'string' ? event.payload.text : '';
      if (chatId !== undefined && text) {
        const list = this.notices.get(chatId) ?? [];
        list.push({ id: this.nextNoticeId++, text, alert: event.payload.show_alert === true });
        this.notices.set(chatId, list.slice(-MAX_NOTICES));
      }
    }
    this.bump();
  }

  private bump(): void {
    this.version++;
    this.wake();
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

/** Something the web chat asked that cannot be done (400). */
export class SandboxError extends Error {}
