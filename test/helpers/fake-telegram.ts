import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update, UserFromGetMe } from 'grammy/types';

/** A Bot API call the bot made. */
export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

/** What a chat looks like from the user's side: the bot's messages, as last edited. */
export interface ChatMessage {
  message_id: number;
  chat_id: number;
  text: string;
  reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>>; keyboard?: unknown };
}

export const TEST_BOT_INFO: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Gramdesk Test',
  username: 'gramdesk_test_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
} as UserFromGetMe;

type Responder = (call: ApiCall) => unknown;

/**
 * A fake Telegram Bot API that records every call and answers like Telegram would.
 * Used in-process through `fetch` (grammY's `client.fetch`, which also reaches the Api
 * objects conversations build) and, for end-to-end tests, as an HTTP server the real
 * program talks to through TELEGRAM_API_ROOT, with getUpdates serving queued updates.
 */
export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  readonly messages = new Map<number, ChatMessage>();
  private nextMessageId = 1000;
  private readonly pendingUpdates: Update[] = [];
  private updateWaiters: Array<() => void> = [];
  private readonly overrides = new Map<string, Responder>();
  private readonly answeredQueries = new Set<string>();
  private server: Server | undefined;

  constructor(readonly botInfo: UserFromGetMe = TEST_BOT_INFO) {}

  /** grammY-compatible fetch: reads the method from the URL and the JSON body. */
  readonly fetch = async (url: unknown, init?: { body?: unknown }): Promise<Response> => {
    const method = String(url).split('/').pop() ?? '';
    const payload = parseBody(init?.body);
    const result = await this.handle(method, payload);
    return new Response(JSON.stringify(result), { headers: { 'content-type': 'application/json' } });
  };

  /**
   * Makes a method answer differently, e.g. with an error `{ ok: false, error_code: 403, ... }`;
   * a responder returning undefined lets the call be answered normally.
   */
  override(method: string, responder: Responder | undefined): void {
    if (responder) this.overrides.set(method, responder);
    else this.overrides.delete(method);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Texts sent or edited into a chat, in order (what the user saw happen). */
  textsTo(chatId: number): string[] {
    return this.calls
      .filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && c.payload.chat_id === chatId)
      .map((c) => String(c.payload.text));
  }

  /** The bot's messages in a chat, oldest first, with edits applied. */
  chat(chatId: number): ChatMessage[] {
    return [...this.messages.values()].filter((m) => m.chat_id === chatId).sort((a, b) => a.message_id - b.message_id);
  }

  clear(): void {
    this.calls.length = 0;
  }

  /** Queues an update for the program's getUpdates long poll. */
  pushUpdate(update: Update): void {
    this.pendingUpdates.push(update);
    for (const wake of this.updateWaiters.splice(0)) wake();
  }

  /** Resolves when a call matching `predicate` has been recorded (or rejects after `timeoutMs`). */
  async waitForCall(predicate: (call: ApiCall) => boolean, timeoutMs = 15_000): Promise<ApiCall> {
    const started = Date.now();
    for (;;) {
      const found = this.calls.find(predicate);
      if (found) return found;
      if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for a Bot API call');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then(async (body) => {
        const method = (req.url ?? '').split('?')[0]?.split('/').pop() ?? '';
        const result = await this.handle(method, parseBody(body));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const wake of this.updateWaiters.splice(0)) wake();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(method: string, payload: Record<string, unknown>): Promise<unknown> {
    if (method !== 'getUpdates') this.calls.push({ method, payload });
    const overridden = this.overrides.get(method)?.({ method, payload });
    if (overridden !== undefined) return overridden;
    try {
      return { ok: true, result: await this.result(method, payload) };
    } catch (err) {
      if (err instanceof DoubleAnswer) {
        return {
          ok: false,
          error_code: 400,
          description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
        };
      }
      throw err;
    }
  }

  private async result(method: string, p: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return this.botInfo;
      case 'answerCallbackQuery': {
        // Telegram accepts one answer per callback query.
        const id = String(p.callback_query_id);
        if (this.answeredQueries.has(id)) {
          return Promise.reject(new DoubleAnswer());
        }
        this.answeredQueries.add(id);
        return true;
      }
      case 'getUpdates':
        return this.takeUpdates(Number(p.offset ?? 0), Number(p.timeout ?? 0));
      case 'sendMessage': {
        const message: ChatMessage = {
          message_id: this.nextMessageId++,
          chat_id: Number(p.chat_id),
          text: String(p.text),
          reply_markup: p.reply_markup as ChatMessage['reply_markup'],
        };
        this.messages.set(message.message_id, message);
        return this.asTelegramMessage(message);
      }
      case 'editMessageText': {
        const message = this.messages.get(Number(p.message_id));
        if (!message) return { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' };
        message.text = String(p.text);
        message.reply_markup = p.reply_markup as ChatMessage['reply_markup'];
        return this.asTelegramMessage(message);
      }
      case 'editMessageReplyMarkup': {
        const message = this.messages.get(Number(p.message_id));
        if (message) message.reply_markup = p.reply_markup as ChatMessage['reply_markup'];
        return message ? this.asTelegramMessage(message) : true;
      }
      default:
        // answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook, deleteMessage, ...
        return true;
    }
  }

  private asTelegramMessage(m: ChatMessage) {
    return {
      message_id: m.message_id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: m.chat_id, type: 'private', first_name: 'User' },
      from: { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username },
      text: m.text,
      ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
    };
  }

  private async takeUpdates(offset: number, timeoutSeconds: number): Promise<Update[]> {
    const deadline = Date.now() + Math.min(timeoutSeconds, 2) * 1000;
    for (;;) {
      // Telegram forgets updates below the offset once they are confirmed.
      while (this.pendingUpdates.length && (this.pendingUpdates[0]?.update_id ?? 0) < offset)
        this.pendingUpdates.shift();
      if (this.pendingUpdates.length || Date.now() >= deadline) return [...this.pendingUpdates];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.updateWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

class DoubleAnswer extends Error {}

function parseBody(body: unknown): Record<string, unknown> {
  if (typeof body === 'string' && body.length > 0) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return {};
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
