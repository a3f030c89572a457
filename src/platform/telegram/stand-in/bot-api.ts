import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Update, UserFromGetMe } from 'grammy/types';
import { isLoopbackHost } from '../../http/loopback.js';
import {
  BotApiError,
  badRequest,
  checkCallbackAnswer,
  checkCaption,
  checkCommands,
  checkReplyMarkup,
  checkText,
  keyboardKey,
  type ParsedText,
  type ReplyMarkup,
} from './telegram-rules.js';

/**
 * THE Telegram Bot API stand-in of the sandbox, the tests and the benchmarks: one core (chats and messages,
 * Telegram's rules, faults, the getUpdates queue, the record of calls) with two doors:
 *
 * - `fetch`: in-process, for grammY's `client.fetch` (it also reaches the Api objects that
 *   conversations build) and for `createServices({ fetch })`;
 * - `listen()`: a real HTTP server, for the real program (TELEGRAM_API_ROOT) and the mailing
 *   engine's own HTTP transport.
 *
 * It is as strict as Telegram (see telegram-rules.ts): editing an unknown message fails,
 * "message is not modified" is an error, text (4096), caption (1024), callback_data (64 bytes)
 * and toast (200) limits apply, HTML that does not parse is refused, so are `entities` /
 * `caption_entities` outside the text or splitting a surrogate pair (and ignored next to a
 * parse_mode, as Telegram ignores them), a blocked chat answers 403,
 * a second answer to one callback query is refused, a call inside a 429 window is refused again,
 * getUpdates while a webhook is set is a 409, an unknown method is a 404.
 *
 * Faults: `blocked` / `badChats` (403 / 400 per chat), `flood(n, retryAfter)` (429),
 * `serverErrors(n)` (500), `resetBeforeBody(n)` / `resetAfterBody(n)` (network errors before the
 * call reached Telegram / after it was carried out), `slow(n, ms)` and `hang(n)` (timeouts),
 * `latencyMs` (every answer), `refuseFor(ms)` (connection refused), `ageMessages(chatId, ms)`
 * (a chat's messages become older, e.g. past the 48 h in which a bot may delete them), time-boxed
 * outages `outage(ms, 'server-error' | 'timeout')` and `floodStorm(ms, retryAfter)` (a 429 storm), and
 * `override(method, fn)` for anything else.
 */

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
  caption?: string;
  reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>>; keyboard?: unknown };
  /** A media message: its kind (photo, document, …) and Telegram's file id. */
  media?: { type: string; file_id: string };
}

/** What a user sent the bot (the sandbox's side of a chat), as Telegram stores it. */
export interface UserMessage {
  message_id: number;
  chat_id: number;
  date: number;
  from: { id: number; is_bot: false; first_name: string; username?: string; language_code?: string };
  text?: string;
  caption?: string;
  entities?: Array<{ type: string; offset: number; length: number }>;
  photo?: Array<{ file_id: string; file_unique_id: string; width: number; height: number; file_size?: number }>;
  contact?: { phone_number: string; first_name: string; user_id?: number };
  location?: { latitude: number; longitude: number };
}

/** Something that changed in a chat, or an answer the user sees (toasts, alerts); see `subscribe`. */
export interface StandInEvent {
  method: string;
  payload: Record<string, unknown>;
  /** The chat it concerns, when there is one. */
  chatId?: number;
}

/** One sendMessage Telegram carried out (it reached the user). */
export interface RecordedSend {
  chatId: number;
  text: string;
  at: number;
  paid: boolean;
}

/** Refusals the bot provoked: each is a bug in the bot unless a test injected it. */
export interface ApiAnomalies {
  /** answerCallbackQuery sent twice for one query. */
  doubleAnswers: number;
  /** Edits of a message the fake does not know. */
  missingEdits: number;
  /** Edits that changed nothing ("message is not modified"). */
  notModified: number;
  /** Every refusal by its description (injected faults excluded). */
  refusals: Map<string, number>;
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

export interface FakeBotApiOptions {
  botInfo?: UserFromGetMe;
  /**
   * Keep every call in `calls` (default). Benchmarks turn it off: `counts` still counts them and
   * `onCall` still sees them, so the fake's own cost stays flat over a long run.
   */
  recordCalls?: boolean;
  /**
   * Keep only the newest N messages per chat (benchmarks; 0 keeps none, for send-only loads);
   * older ones are forgotten, as if deleted, so editing them fails.
   */
  keepPerChat?: number;
  /** The first message id it gives (default 1000). */
  firstMessageId?: number;
}

/** Answers a call differently; returning undefined lets it be answered normally, throwing is a network error. */
type Responder = (call: ApiCall) => unknown;

/** An outage for a while (`outage`, `floodStorm`): every call of `methods` (null: all) until `until`. */
interface OutageWindow {
  kind: 'server-error' | 'timeout' | 'flood';
  until: number;
  methods: ReadonlySet<string> | null;
  retryAfter: number;
}

/** The methods that send a message: what a 429 storm refuses by default. */
const SENDING_METHODS = [
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendVoice',
  'sendSticker',
  'copyMessage',
];

type Fault =
  | { kind: 'flood'; retryAfter: number }
  | { kind: 'server-error' }
  | { kind: 'reset-before-body' }
  | { kind: 'reset-after-body' }
  | { kind: 'slow'; ms: number }
  | { kind: 'hang' };

interface StoredMessage extends ChatMessage {
  /** The text (or caption) as Telegram parsed it: what "message is not modified" compares. */
  parsed: ParsedText;
  /** When it was sent (ms; `ageMessages` moves it back). */
  sentAt: number;
}

/** Telegram lets a bot delete a message in a private chat for 48 hours after it was sent. */
const DELETE_WINDOW_MS = 48 * 3600 * 1000;

/** Methods that answer `true` and change nothing the fake models. */
const TRUE_METHODS = new Set([
  'setMyDescription',
  'setMyShortDescription',
  'setMyName',
  'setChatMenuButton',
  'setMyDefaultAdministratorRights',
  'sendChatAction',
  'logOut',
  'close',
]);

/** Media sends and the field that carries the file. */
const SEND_METHODS_WITH_CAPTION = new Map([
  ['sendPhoto', 'photo'],
  ['sendDocument', 'document'],
  ['sendVideo', 'video'],
  ['sendAudio', 'audio'],
  ['sendAnimation', 'animation'],
  ['sendVoice', 'voice'],
]);

/** Thrown by the in-process door where the HTTP door would cut the connection. */
export class FakeNetworkError extends TypeError {
  constructor(
    message: string,
    readonly code = 'ECONNRESET',
  ) {
    super(message);
  }
}

class Reset extends Error {
  constructor(readonly afterBody: boolean) {
    super(afterBody ? 'connection reset after the call was carried out' : 'connection reset');
  }
}

class Hang extends Error {}

export class BotApiStandIn {
  readonly botInfo: UserFromGetMe;
  /** Every call that reached the fake, in order (refused ones included; getUpdates excluded). */
  readonly calls: ApiCall[] = [];
  /** Calls per method (getUpdates excluded), kept even when `recordCalls` is off. */
  readonly counts = new Map<string, number>();
  /** Every sendMessage Telegram carried out. */
  readonly sends: RecordedSend[] = [];
  /** Every sendMessage that arrived, answered or not (time, chat). */
  readonly arrivals: Array<{ chatId: number; at: number }> = [];
  /** Windows in which Telegram had told the bot to wait (429): [from, until] in ms. */
  readonly floodWindows: Array<[number, number]> = [];
  /** Chats whose user blocked the bot: every call to them answers 403. */
  readonly blocked = new Set<number>();
  /** Chats Telegram does not know: every call to them answers 400 "chat not found". */
  readonly badChats = new Set<number>();
  readonly anomalies: ApiAnomalies = { doubleAnswers: 0, missingEdits: 0, notModified: 0, refusals: new Map() };
  /** Delay of every answer (ms). */
  latencyMs = 0;
  /**
   * Callback queries past Telegram's answer window (a few seconds): set, every answer to a query
   * fails with 400 "query is too old", as when the bot works through updates queued during an
   * outage.
   */
  callbackQueriesExpired = false;
  /** Called for every call as it arrives, e.g. to attribute it to the update being handled. */
  onCall: ((method: string, payload: Record<string, unknown>) => void) | undefined;

  private readonly recordCalls: boolean;
  private readonly keepPerChat: number;
  private readonly chats = new Map<number, Map<number, StoredMessage>>();
  private nextMessageId: number;
  private readonly answeredQueries = new Set<string>();
  private readonly seen = new Map<string, number>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly overrides = new Map<string, Responder>();
  private readonly pendingUpdates: Update[] = [];
  private updateWaiters: Array<() => void> = [];
  private hangWaiters: Array<() => void> = [];
  private webhookUrl = '';
  private floodUntil = 0;
  private refusingUntil = 0;
  private outages: OutageWindow[] = [];
  private readonly listeners = new Set<(event: StandInEvent) => void>();
  /** setMyCommands by scope and language (`scopeKey|language`). */
  private readonly commandSets = new Map<string, Array<{ command: string; description: string }>>();
  private readonly files = new Map<string, { bytes: Buffer; mimeType: string }>();
  private readonly userMessages = new Map<number, Map<number, UserMessage>>();
  private nextFileId = 1;
  private readonly edited = new Set<number>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private down = false;
  private closed = false;

  constructor(options: FakeBotApiOptions | UserFromGetMe = {}) {
    const o: FakeBotApiOptions = 'is_bot' in options ? { botInfo: options } : options;
    this.botInfo = o.botInfo ?? TEST_BOT_INFO;
    this.recordCalls = o.recordCalls ?? true;
    this.keepPerChat = o.keepPerChat ?? Number.POSITIVE_INFINITY;
    this.nextMessageId = o.firstMessageId ?? 1000;
  }

  // ---------------------------------------------------------------- the in-process door

  /** grammY-compatible fetch: the method is the last URL segment, the payload a JSON body. */
  readonly fetch = async (url: unknown, init?: { body?: unknown; signal?: AbortSignal | null }): Promise<Response> => {
    const href = String(url);
    const method = methodOf(href);
    if (Date.now() < this.refusingUntil || this.closed) {
      throw new FakeNetworkError('fetch failed: connect ECONNREFUSED (fake Bot API)', 'ECONNREFUSED');
    }
    const payload = { ...queryOf(href), ...parseBody(init?.body) };
    const outage = this.outageFor(method);
    if (outage?.kind === 'timeout') {
      // Telegram cannot be reached: the call never arrives; the client gives up connecting.
      await sleep(Math.min(100, Math.max(0, outage.until - Date.now())), init?.signal ?? undefined);
      throw new FakeNetworkError('fetch failed: connect ETIMEDOUT (fake Bot API)', 'UND_ERR_CONNECT_TIMEOUT');
    }
    try {
      const answer = await this.answer(method, payload, init?.signal ?? undefined);
      return jsonResponse(answer.status, answer.body);
    } catch (err) {
      if (err instanceof Reset) throw new FakeNetworkError(`fetch failed: ${err.message} (fake Bot API)`);
      throw err;
    }
  };

  // ---------------------------------------------------------------- the HTTP door

  /** Starts the HTTP door on a free loopback port; returns the API root (TELEGRAM_API_ROOT). */
  async listen(): Promise<string> {
    await this.listenOn(0);
    return `http://127.0.0.1:${this.port}`;
  }

  /** Refuses connections (the port is closed; in-process calls fail alike) for `ms`. */
  async refuseFor(ms: number): Promise<void> {
    this.refusingUntil = Date.now() + ms;
    if (!this.server) return;
    this.down = true;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    setTimeout(() => {
      if (this.closed) return;
      void this.listenOn(this.port).then(() => {
        this.down = false;
      });
    }, ms);
  }

  get isDown(): boolean {
    return this.down;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.updateWaiters.splice(0), ...this.hangWaiters.splice(0)]) wake();
    if (!this.server) return;
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  }

  private listenOn(port: number): Promise<void> {
    const server = createServer((req, res) => void this.serve(req, res));
    server.keepAliveTimeout = 120_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve) =>
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      }),
    );
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The door is the program's Telegram, on loopback. A web page the developer has open must not
    // use it (read the bot's updates, post as the bot): browsers say so (Sec-Fetch-Site, Origin),
    // and a page that rebound its own name to 127.0.0.1 sends that name as the Host.
    if (
      req.headers['sec-fetch-site'] !== undefined ||
      req.headers.origin !== undefined ||
      !isLoopbackHost(req.headers.host)
    ) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ ok: false, error_code: 403, description: 'Forbidden: not for browsers or other hosts' }),
      );
      return;
    }
    const url = req.url ?? '';
    const method = methodOf(url);
    // The fault belongs to the call that arrived first, not to the first whose body was read.
    const outage = this.outageFor(method);
    if (outage?.kind === 'timeout') {
      // Nothing is read or carried out; the connection is held until the outage ends, then cut.
      const timer = setTimeout(() => req.socket.destroy(), Math.max(0, outage.until - Date.now()));
      req.socket.once('close', () => clearTimeout(timer));
      return;
    }
    const fault = this.takeFault(method);
    if (fault?.kind === 'reset-before-body') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return;
    }
    const payload = { ...queryOf(url), ...parseBody(Buffer.concat(chunks).toString('utf8')) };
    const aborted = new AbortController();
    // Only a client that left before its answer aborts it: aborting makes a DOMException (a
    // stack trace), which on every finished answer was 6 % of the mailing benchmark's process.
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    try {
      const answer = await this.answer(method, payload, aborted.signal, fault ?? null);
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    } catch {
      // A reset, a hang given up by the client, or a responder that threw: cut the connection.
      req.socket.destroy();
    }
  }

  // ---------------------------------------------------------------- fault injection

  /**
   * Makes a method answer differently, e.g. with an error `{ ok: false, error_code: 403, ... }`;
   * a responder returning undefined lets the call be answered normally; one that throws is a
   * network error (in-process: fetch rejects; HTTP: the connection is cut).
   */
  override(method: string, responder: Responder | undefined): void {
    if (responder) this.overrides.set(method, responder);
    else this.overrides.delete(method);
  }

  /** The user of `chatId` blocks the bot (every call to the chat answers 403) or unblocks it. */
  block(chatId: number, blocked = true): void {
    if (blocked) this.blocked.add(chatId);
    else this.blocked.delete(chatId);
  }

  /** The next `n` calls of `method` answer 429 with retry_after; calls inside the window get 429 too. */
  flood(n: number, retryAfter: number, method = 'sendMessage'): void {
    this.addFaults(method, n, { kind: 'flood', retryAfter });
  }

  /** The next `n` calls of `method` answer 500. */
  serverErrors(n: number, method = 'sendMessage'): void {
    this.addFaults(method, n, { kind: 'server-error' });
  }

  /** The next `n` calls of `method` never reach Telegram: the connection is cut (a network error). */
  resetBeforeBody(n: number, method = 'sendMessage'): void {
    this.addFaults(method, n, { kind: 'reset-before-body' });
  }

  /** The next `n` calls of `method` are carried out (a message is delivered), then the connection is cut. */
  resetAfterBody(n: number, method = 'sendMessage'): void {
    this.addFaults(method, n, { kind: 'reset-after-body' });
  }

  /** The next `n` calls of `method` are answered `ms` late (on top of `latencyMs`). */
  slow(n: number, ms: number, method = 'sendMessage'): void {
    this.addFaults(method, n, { kind: 'slow', ms });
  }

  /** The next `n` calls of `method` are carried out and never answered (the client must time out). */
  hang(n: number, method = 'sendMessage'): void {
    this.addFaults(method, n, { kind: 'hang' });
  }

  /**
   * The messages of a chat (the bot's and the user's) become `ms` older, as if sent that long
   * before: after 48 h, deleteMessage refuses them as Telegram does ("message can't be deleted").
   */
  ageMessages(chatId: number, ms: number): void {
    for (const m of this.chats.get(chatId)?.values() ?? []) m.sentAt -= ms;
    for (const m of this.userMessages.get(chatId)?.values() ?? []) m.date -= Math.floor(ms / 1000);
  }

  /**
   * The user deletes the bot's message from their chat, as Telegram lets them at any age; the bot
   * is not told, and its next edit of that message is refused ("message to edit not found").
   */
  userDeletes(chatId: number, messageId: number): void {
    if (!this.chats.get(chatId)?.delete(messageId)) throw new Error(`chat ${chatId} has no message ${messageId}`);
  }

  /**
   * Telegram is down for `ms`: every call (or only those of `methods`) fails and nothing is carried
   * out. 'server-error': answered 502 Bad Gateway. 'timeout': never answered — in-process the call
   * fails as a connect timeout (it never reached Telegram); over HTTP the connection is held until
   * the outage ends, then cut.
   */
  outage(ms: number, kind: 'server-error' | 'timeout' = 'server-error', methods?: readonly string[]): void {
    this.outages.push({ kind, until: Date.now() + ms, methods: methods ? new Set(methods) : null, retryAfter: 0 });
  }

  /**
   * A 429 storm: for `ms`, every call of `methods` (by default every sending method) answers 429
   * with `retry_after` = `retryAfter` seconds, and nothing is carried out.
   */
  floodStorm(ms: number, retryAfter: number, methods: readonly string[] = SENDING_METHODS): void {
    this.outages.push({ kind: 'flood', until: Date.now() + ms, methods: new Set(methods), retryAfter });
  }

  /** The outage in force for `method` now, if any. */
  private outageFor(method: string): OutageWindow | undefined {
    const now = Date.now();
    this.outages = this.outages.filter((o) => o.until > now);
    return this.outages.find((o) => o.methods === null || o.methods.has(method));
  }

  private addFaults(method: string, n: number, fault: Fault): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < n; i++) queue.push(fault);
    this.faults.set(method, queue);
  }

  private peekFault(method: string): Fault | undefined {
    return this.faults.get(method)?.[0];
  }

  private takeFault(method: string): Fault | undefined {
    return this.faults.get(method)?.shift();
  }

  // ---------------------------------------------------------------- updates (getUpdates)

  /** Queues an update for the program's getUpdates long poll. */
  pushUpdate(update: Update): void {
    this.pendingUpdates.push(update);
    for (const wake of this.updateWaiters.splice(0)) wake();
  }

  // ---------------------------------------------------------------- what happened

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Texts sent or edited into a chat, in order (what the bot tried to show; refused ones included). */
  textsTo(chatId: number): string[] {
    return this.calls
      .filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && c.payload.chat_id === chatId)
      .map((c) => String(c.payload.text));
  }

  /** The bot's messages in a chat, oldest first, with edits applied (what the user sees). */
  chat(chatId: number): ChatMessage[] {
    return [...(this.chats.get(chatId)?.values() ?? [])].map(({ parsed: _, sentAt: __, ...m }) => m);
  }

  /** Every message the bot has in any chat, by id. */
  get messages(): Map<number, ChatMessage> {
    const all = new Map<number, ChatMessage>();
    for (const chat of this.chats.values()) for (const [id, m] of chat) all.set(id, m);
    return all;
  }

  /** Sends Telegram carried out to a chat. */
  sentTo(chatId: number): RecordedSend[] {
    return this.sends.filter((s) => s.chatId === chatId);
  }

  /** How many sends were duplicates (a chat got the same text more than once). */
  get duplicates(): number {
    let n = 0;
    for (const count of this.seen.values()) if (count > 1) n += count - 1;
    return n;
  }

  totalCalls(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  /** Forgets the recorded calls (state and faults stay). */
  clear(): void {
    this.calls.length = 0;
    this.counts.clear();
  }

  /** The newest message in the chat with a button labelled so (callback buttons only), with the button's data. */
  findButton(chatId: number, label: ButtonLabel): { message: ChatMessage; data: string } | undefined {
    const messages = [...(this.chats.get(chatId)?.values() ?? [])];
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i] as StoredMessage;
      for (const button of message.reply_markup?.inline_keyboard?.flat() ?? []) {
        if (button.callback_data && labelMatches(label, button.text)) return { message, data: button.callback_data };
      }
    }
    return undefined;
  }

  /** Labels of the inline buttons of the newest message that has any. */
  labels(chatId: number): string[] {
    const messages = [...(this.chats.get(chatId)?.values() ?? [])].reverse();
    const message = messages.find((m) => m.reply_markup?.inline_keyboard?.length);
    return message?.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
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

  // ---------------------------------------------------------------- the users' side (the sandbox)

  /** Called after every call Telegram carried out and every user message; returns the unsubscribe. */
  subscribe(listener: (event: StandInEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores what a user sends (a message id of the chat's own sequence, as in Telegram) and returns it. */
  userMessage(chatId: number, content: Omit<UserMessage, 'message_id' | 'chat_id' | 'date'>): UserMessage {
    const message: UserMessage = {
      message_id: this.nextMessageId++,
      chat_id: chatId,
      date: Math.floor(Date.now() / 1000),
      ...content,
    };
    let chat = this.userMessages.get(chatId);
    if (!chat) {
      chat = new Map();
      this.userMessages.set(chatId, chat);
    }
    chat.set(message.message_id, message);
    this.emit({ method: 'userMessage', payload: { message_id: message.message_id }, chatId });
    return message;
  }

  /** The bot's messages in a chat as the user's app shows them: plain text with its entities, and whether edited. */
  botMessages(
    chatId: number,
  ): Array<ChatMessage & { entities: ParsedText['entities']; plain: string; edited: boolean }> {
    return [...(this.chats.get(chatId)?.values() ?? [])].map(({ parsed, sentAt: _, ...m }) => ({
      ...m,
      plain: parsed.text,
      entities: parsed.entities,
      edited: this.edited.has(m.message_id),
    }));
  }

  /** What the user of a chat sent, oldest first. */
  userChat(chatId: number): UserMessage[] {
    return [...(this.userMessages.get(chatId)?.values() ?? [])];
  }

  /** The bot's message as Telegram hands it back in a callback query. */
  telegramMessage(chatId: number, messageId: number): Record<string, unknown> | undefined {
    const message = this.chats.get(chatId)?.get(messageId);
    return message ? this.asTelegramMessage(message) : undefined;
  }

  /** The command menu a user of `chatId` sees, resolved the way Telegram does (chat scope, then private chats, then default). */
  commandsFor(chatId: number, languageCode?: string): Array<{ command: string; description: string }> {
    const scopes = [{ type: 'chat', chat_id: chatId }, { type: 'all_private_chats' }, { type: 'default' }];
    for (const scope of scopes) {
      for (const language of languageCode ? [languageCode, ''] : ['']) {
        const found = this.commandSets.get(commandKey({ scope, language_code: language }));
        if (found) return found;
      }
    }
    return [];
  }

  /** Keeps an uploaded file (a user's photo) and returns its file id. */
  putFile(bytes: Buffer, mimeType: string): string {
    const id = `sandbox-file-${this.nextFileId++}-${bytes.length}`;
    this.files.set(id, { bytes, mimeType });
    return id;
  }

  file(fileId: string): { bytes: Buffer; mimeType: string } | undefined {
    return this.files.get(fileId);
  }

  private emit(event: StandInEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own business.
      }
    }
  }

  // ---------------------------------------------------------------- the core

  private async answer(
    method: string,
    payload: Record<string, unknown>,
    signal: AbortSignal | undefined,
    /** The fault the HTTP door took when the call arrived (null: none); undefined: take it now. */
    taken?: Fault | null,
  ): Promise<{ status: number; body: unknown }> {
    if (taken === undefined && this.peekFault(method)?.kind === 'reset-before-body') {
      // Cut before Telegram read the call: it is neither recorded nor carried out.
      this.takeFault(method);
      throw new Reset(false);
    }
    if (method !== 'getUpdates') {
      this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
      if (this.recordCalls) this.calls.push({ method, payload });
      this.onCall?.(method, payload);
    }
    const overridden = this.overrides.get(method)?.({ method, payload });
    if (overridden !== undefined) {
      const body = overridden as { ok?: boolean; error_code?: number };
      return { status: body.ok === false ? (body.error_code ?? 400) : 200, body };
    }
    const fault = taken === undefined ? this.takeFault(method) : (taken ?? undefined);
    const outage = this.outageFor(method);
    const now = Date.now();
    if (method === 'sendMessage') this.arrivals.push({ chatId: Number(payload.chat_id), at: now });
    let outcome: { status: number; body: unknown };
    try {
      if (fault?.kind === 'flood') {
        this.floodUntil = Math.max(this.floodUntil, now + fault.retryAfter * 1000);
        this.floodWindows.push([now, now + fault.retryAfter * 1000]);
        throw new BotApiError(429, `Too Many Requests: retry after ${fault.retryAfter}`, {
          retry_after: fault.retryAfter,
        });
      }
      if (fault?.kind === 'server-error') throw new BotApiError(500, 'Internal Server Error');
      if (outage?.kind === 'server-error') throw new BotApiError(502, 'Bad Gateway');
      if (outage?.kind === 'flood') {
        this.floodWindows.push([now, now + outage.retryAfter * 1000]);
        throw new BotApiError(429, `Too Many Requests: retry after ${outage.retryAfter}`, {
          retry_after: outage.retryAfter,
        });
      }
      if (method === 'sendMessage' && now < this.floodUntil) {
        // Telegram refuses again what comes before retry_after has passed.
        const retryAfter = Math.ceil((this.floodUntil - now) / 1000);
        throw new BotApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      }
      const result = await this.result(method, payload, now, signal);
      outcome = { status: 200, body: { ok: true, result } };
      if (method !== 'getUpdates' && this.listeners.size) this.emit({ method, payload, ...chatOf(payload) });
    } catch (err) {
      if (!(err instanceof BotApiError)) throw err;
      if (!fault && !outage && err.errorCode !== 429) this.count(err.description);
      outcome = {
        status: err.errorCode,
        body: {
          ok: false,
          error_code: err.errorCode,
          description: err.description,
          ...(err.parameters ? { parameters: err.parameters } : {}),
        },
      };
    }
    if (fault?.kind === 'reset-after-body') throw new Reset(true);
    if (fault?.kind === 'hang') {
      await new Promise<void>((resolve) => {
        if (signal?.aborted || this.closed) return resolve();
        signal?.addEventListener('abort', () => resolve(), { once: true });
        this.hangWaiters.push(() => resolve()); // close() wakes it
      });
      throw signal?.aborted ? abortError(signal) : new Hang('fake Bot API closed while hanging');
    }
    const delay = this.latencyMs + (fault?.kind === 'slow' ? fault.ms : 0);
    if (delay > 0 && method !== 'getUpdates') await sleep(delay, signal);
    return outcome;
  }

  private count(description: string): void {
    this.anomalies.refusals.set(description, (this.anomalies.refusals.get(description) ?? 0) + 1);
  }

  /** Refuses calls to a chat Telegram would refuse (blocked: 403; unknown: 400). */
  private checkChat(chatId: number): void {
    if (this.blocked.has(chatId)) throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
    if (this.badChats.has(chatId)) throw badRequest('chat not found');
  }

  private async result(
    method: string,
    p: Record<string, unknown>,
    now: number,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    if (p.chat_id !== undefined && method !== 'getUpdates') this.checkChat(Number(p.chat_id));
    switch (method) {
      case 'getMe':
        return this.botInfo;
      case 'getUpdates':
        if (this.webhookUrl) {
          throw new BotApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          );
        }
        return this.takeUpdates(Number(p.offset ?? 0), Number(p.timeout ?? 0), signal);
      case 'setWebhook':
        this.webhookUrl = String(p.url ?? '');
        return true;
      case 'deleteWebhook':
        this.webhookUrl = '';
        if (p.drop_pending_updates) this.pendingUpdates.length = 0;
        return true;
      case 'getWebhookInfo':
        return {
          url: this.webhookUrl,
          has_custom_certificate: false,
          pending_update_count: this.pendingUpdates.length,
        };
      case 'answerCallbackQuery': {
        const id = String(p.callback_query_id ?? '');
        if (!id || this.callbackQueriesExpired)
          throw badRequest('query is too old and response timeout expired or query ID is invalid');
        checkCallbackAnswer(p.text);
        // Telegram accepts one answer per callback query.
        if (this.answeredQueries.has(id)) {
          this.anomalies.doubleAnswers++;
          throw badRequest('query is too old and response timeout expired or query ID is invalid');
        }
        this.answeredQueries.add(id);
        return true;
      }
      case 'sendMessage': {
        const chatId = requireChat(p);
        const parsed = checkText(p.text, p.parse_mode, p.entities);
        const replyMarkup = checkReplyMarkup(p.reply_markup);
        const text = String(p.text);
        this.sends.push({ chatId, text, at: now, paid: p.allow_paid_broadcast === true });
        const key = `${chatId}\u0000${text}`;
        this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
        return this.asTelegramMessage(this.store(chatId, { text, parsed, replyMarkup }));
      }
      case 'editMessageText': {
        const message = this.editable(p);
        const parsed = checkText(p.text, p.parse_mode, p.entities);
        const replyMarkup = checkReplyMarkup(p.reply_markup);
        this.checkModified(message, parsed, replyMarkup);
        this.edited.add(message.message_id);
        message.text = String(p.text);
        message.parsed = parsed;
        message.reply_markup = replyMarkup as ChatMessage['reply_markup'];
        return this.asTelegramMessage(message);
      }
      case 'editMessageCaption': {
        const message = this.editable(p);
        const parsed = checkCaption(p.caption, p.parse_mode, p.caption_entities);
        const replyMarkup = checkReplyMarkup(p.reply_markup);
        this.checkModified(message, parsed, replyMarkup);
        this.edited.add(message.message_id);
        message.caption = String(p.caption ?? '');
        message.parsed = parsed;
        message.reply_markup = replyMarkup as ChatMessage['reply_markup'];
        return this.asTelegramMessage(message);
      }
      case 'editMessageReplyMarkup': {
        const message = this.editable(p);
        const replyMarkup = checkReplyMarkup(p.reply_markup);
        this.checkModified(message, message.parsed, replyMarkup);
        this.edited.add(message.message_id);
        message.reply_markup = replyMarkup as ChatMessage['reply_markup'];
        return this.asTelegramMessage(message);
      }
      case 'deleteMessage': {
        // As Telegram in a private chat: the bot's and the user's messages, for 48 hours.
        const chatId = requireChat(p);
        const id = Number(p.message_id);
        const bots = this.chats.get(chatId)?.get(id);
        const users = this.userMessages.get(chatId)?.get(id);
        if (!bots && !users) throw badRequest('message to delete not found');
        const sentAt = bots ? bots.sentAt : (users?.date ?? 0) * 1000;
        if (now - sentAt >= DELETE_WINDOW_MS) throw badRequest("message can't be deleted");
        if (bots) this.chats.get(chatId)?.delete(id);
        else this.userMessages.get(chatId)?.delete(id);
        return true;
      }
      case 'deleteMessages': {
        const chat = this.chats.get(requireChat(p));
        for (const id of (p.message_ids as unknown[]) ?? []) chat?.delete(Number(id));
        return true;
      }
      case 'setMyCommands':
        checkCommands(p.commands);
        this.commandSets.set(commandKey(p), p.commands as Array<{ command: string; description: string }>);
        return true;
      case 'deleteMyCommands':
        this.commandSets.delete(commandKey(p));
        return true;
      case 'getMyCommands':
        return this.commandSets.get(commandKey(p)) ?? [];
      case 'getFile': {
        const id = String(p.file_id ?? '');
        const file = this.files.get(id);
        if (!file) throw badRequest('invalid file_id');
        return { file_id: id, file_unique_id: id, file_size: file.bytes.length, file_path: `files/${id}` };
      }
      case 'copyMessage': {
        const chatId = requireChat(p);
        const fromChat = Number(p.from_chat_id);
        const id = Number(p.message_id);
        const bots = this.chats.get(fromChat)?.get(id);
        const users = this.userMessages.get(fromChat)?.get(id);
        if (!bots && !users) throw badRequest('message to copy not found');
        const replyMarkup = checkReplyMarkup(p.reply_markup);
        const caption = p.caption !== undefined ? String(p.caption) : (bots?.caption ?? users?.caption);
        const photo = users?.photo?.at(-1)?.file_id;
        const media = bots?.media ?? (photo ? { type: 'photo', file_id: photo } : undefined);
        const text = bots?.text ?? users?.text ?? '';
        const parsed =
          caption !== undefined ? checkCaption(caption, p.parse_mode, p.caption_entities) : checkText(text, undefined);
        const stored = this.store(chatId, { text: media ? '' : text, parsed, replyMarkup });
        if (media) {
          stored.media = media;
          stored.caption = caption ?? '';
        }
        return { message_id: stored.message_id };
      }
      default: {
        const field = SEND_METHODS_WITH_CAPTION.get(method) ?? (method === 'sendSticker' ? 'sticker' : undefined);
        if (field) {
          const chatId = requireChat(p);
          const parsed = checkCaption(p.caption, p.parse_mode, p.caption_entities);
          const replyMarkup = checkReplyMarkup(p.reply_markup);
          const stored = this.store(chatId, { text: '', parsed, replyMarkup });
          stored.caption = String(p.caption ?? '');
          if (typeof p[field] === 'string') stored.media = { type: field, file_id: p[field] as string };
          return this.asTelegramMessage(stored);
        }
        if (TRUE_METHODS.has(method)) return true;
        throw new BotApiError(404, 'Not Found');
      }
    }
  }

  private store(chatId: number, m: { text: string; parsed: ParsedText; replyMarkup: ReplyMarkup | undefined }) {
    const message: StoredMessage = {
      message_id: this.nextMessageId++,
      chat_id: chatId,
      text: m.text,
      parsed: m.parsed,
      sentAt: Date.now(),
      ...(m.replyMarkup ? { reply_markup: m.replyMarkup as ChatMessage['reply_markup'] } : {}),
    };
    if (this.keepPerChat <= 0) return message;
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = new Map();
      this.chats.set(chatId, chat);
    }
    chat.set(message.message_id, message);
    if (chat.size > this.keepPerChat) chat.delete(chat.keys().next().value as number);
    return message;
  }

  /** The message an edit names, in its chat; Telegram refuses edits of messages it does not have. */
  private editable(p: Record<string, unknown>): StoredMessage {
    if (p.inline_message_id !== undefined) throw badRequest('MESSAGE_ID_INVALID');
    const message = this.chats.get(requireChat(p))?.get(Number(p.message_id));
    if (!message) {
      this.anomalies.missingEdits++;
      throw badRequest('message to edit not found');
    }
    return message;
  }

  private checkModified(message: StoredMessage, parsed: ParsedText, replyMarkup: ReplyMarkup | undefined): void {
    const same =
      parsed.text === message.parsed.text &&
      JSON.stringify(parsed.entities) === JSON.stringify(message.parsed.entities) &&
      keyboardKey(replyMarkup) === keyboardKey(message.reply_markup as ReplyMarkup | undefined);
    if (same) {
      this.anomalies.notModified++;
      throw badRequest(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
  }

  private asTelegramMessage(m: StoredMessage) {
    return {
      message_id: m.message_id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: m.chat_id, type: 'private', first_name: 'User' },
      from: { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username },
      ...(m.caption !== undefined ? { caption: m.caption } : { text: m.text }),
      ...(m.media?.type === 'photo'
        ? { photo: [{ file_id: m.media.file_id, file_unique_id: m.media.file_id, width: 800, height: 600 }] }
        : m.media
          ? { [m.media.type]: { file_id: m.media.file_id, file_unique_id: m.media.file_id } }
          : {}),
      ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
    };
  }

  private async takeUpdates(
    offset: number,
    timeoutSeconds: number,
    signal: AbortSignal | undefined,
  ): Promise<Update[]> {
    const deadline = Date.now() + Math.min(timeoutSeconds, 2) * 1000;
    for (;;) {
      // Telegram forgets updates below the offset once they are confirmed.
      while (this.pendingUpdates.length && (this.pendingUpdates[0]?.update_id ?? 0) < offset)
        this.pendingUpdates.shift();
      if (this.pendingUpdates.length || Date.now() >= deadline || this.closed || signal?.aborted)
        return [...this.pendingUpdates];
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

export type ButtonLabel = string | RegExp | { startsWith: string };

export function labelMatches(label: ButtonLabel, text: string): boolean {
  if (typeof label === 'string') return text === label;
  if (label instanceof RegExp) return label.test(text);
  return text.startsWith(label.startsWith);
}

/** setMyCommands' scope and language as one key; no scope means the default scope. */
function commandKey(p: Record<string, unknown>): string {
  let scope = p.scope;
  if (typeof scope === 'string') {
    try {
      scope = JSON.parse(scope);
    } catch {
      scope = undefined;
    }
  }
  const s = (scope ?? { type: 'default' }) as { type?: string; chat_id?: unknown };
  const chat = s.chat_id !== undefined ? `:${Number(s.chat_id)}` : '';
  return `${s.type ?? 'default'}${chat}|${String(p.language_code ?? '')}`;
}

function chatOf(p: Record<string, unknown>): { chatId?: number } {
  return p.chat_id !== undefined && Number.isFinite(Number(p.chat_id)) ? { chatId: Number(p.chat_id) } : {};
}

function requireChat(p: Record<string, unknown>): number {
  if (p.chat_id === undefined || p.chat_id === null || p.chat_id === '') throw badRequest('chat_id is empty');
  const chatId = Number(p.chat_id);
  if (!Number.isFinite(chatId)) throw badRequest('chat not found');
  return chatId;
}

function methodOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.slice(path.lastIndexOf('/') + 1);
}

function queryOf(url: string): Record<string, unknown> {
  const q = url.indexOf('?');
  if (q < 0) return {};
  return Object.fromEntries(new URLSearchParams(url.slice(q + 1)));
}

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

/**
 * The in-process door's answer. grammY reads nothing of it but `json()`; undici's Response would build
 * a byte stream and decode it again for every call (about a tenth of a bot update's CPU in the bot
 * benchmark, the stand-in's cost rather than the bot's), so the answer is a JSON text behind the part
 * of the Response interface a client reads. Its JSON is parsed anew on every read, as from the wire.
 */
class JsonAnswer {
  readonly ok: boolean;
  readonly statusText = '';
  readonly redirected = false;
  readonly type = 'default';
  readonly url = '';
  private used = false;

  constructor(
    readonly status: number,
    private readonly json_: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  get headers(): Headers {
    return new Headers({ 'content-type': 'application/json' });
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  private read(): string {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.json_;
  }

  async text(): Promise<string> {
    return this.read();
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.read());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = new TextEncoder().encode(this.read());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): JsonAnswer {
    return new JsonAnswer(this.status, this.json_);
  }
}

function jsonResponse(status: number, body: unknown): Response {
  return new JsonAnswer(status, JSON.stringify(body)) as unknown as Response;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
