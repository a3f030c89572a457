import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One sendMessage the fake accepted (it would have reached the user). */
export interface RecordedSend {
  chatId: number;
  text: string;
  at: number;
  paid: boolean;
}

type Fault =
  | { kind: 'flood'; retryAfter: number }
  | { kind: 'server-error' }
  | { kind: 'reset-before-body' }
  | { kind: 'reset-after-body' }
  | { kind: 'slow'; ms: number };

/**
 * A fake Telegram Bot API over real HTTP, for the mailing engine: it records every sendMessage
 * (chat id, text, time) and counts duplicates (the same text to the same chat twice), and injects
 * failures: 403 for chosen chats, 400 for others, 429 with retry_after for the next N calls,
 * 500s, slow answers, connection resets before or after reading the body, and refused connections.
 */
export class FakeBotApiServer {
  readonly sends: RecordedSend[] = [];
  /** Every sendMessage request that arrived, answered or not (time, chat). */
  readonly arrivals: Array<{ chatId: number; at: number }> = [];
  /** Windows in which Telegram had told the bot to wait (429): [from, until] in ms. */
  readonly floodWindows: Array<[number, number]> = [];
  readonly blocked = new Set<number>();
  readonly badChats = new Set<number>();
  private readonly seen = new Map<string, number>();
  private readonly faults: Fault[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;
  private nextMessageId = 1;
  /** Answer delay for every call (ms). */
  latencyMs = 0;
  private down = false;

  /** How many sends were duplicates (a chat got the same text more than once). */
  get duplicates(): number {
    let n = 0;
    for (const count of this.seen.values()) if (count > 1) n += count - 1;
    return n;
  }

  sentTo(chatId: number): RecordedSend[] {
    return this.sends.filter((s) => s.chatId === chatId);
  }

  /** The next `n` sendMessage calls answer 429 with retry_after. */
  flood(n: number, retryAfter: number): void {
    for (let i = 0; i < n; i++) this.faults.push({ kind: 'flood', retryAfter });
  }

  serverErrors(n: number): void {
    for (let i = 0; i < n; i++) this.faults.push({ kind: 'server-error' });
  }

  resetBeforeBody(n: number): void {
    for (let i = 0; i < n; i++) this.faults.push({ kind: 'reset-before-body' });
  }

  /** The message is accepted (recorded, as Telegram would deliver it), then the connection is cut. */
  resetAfterBody(n: number): void {
    for (let i = 0; i < n; i++) this.faults.push({ kind: 'reset-after-body' });
  }

  slow(n: number, ms: number): void {
    for (let i = 0; i < n; i++) this.faults.push({ kind: 'slow', ms });
  }

  /** Refuses connections (the port is closed) for `ms`. */
  async refuseFor(ms: number): Promise<void> {
    this.down = true;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    setTimeout(() => {
      void this.listenOn(this.port).then(() => {
        this.down = false;
      });
    }, ms);
  }

  get isDown(): boolean {
    return this.down;
  }

  async listen(): Promise<string> {
    await this.listenOn(0);
    return `http://127.0.0.1:${this.port}`;
  }

  private listenOn(port: number): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
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

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server?.listening ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.url ?? '').split('/').pop() ?? '';
    const fault = method === 'sendMessage' ? this.faults.shift() : undefined;
    if (fault?.kind === 'reset-before-body') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {}
    const answer = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const delay = this.latencyMs + (fault?.kind === 'slow' ? fault.ms : 0);
    if (method !== 'sendMessage') {
      if (method === 'getUpdates') await new Promise((r) => setTimeout(r, 500));
      answer(200, { ok: true, result: method === 'getUpdates' ? [] : true });
      return;
    }
    const chatId = Number(payload.chat_id);
    const now = Date.now();
    this.arrivals.push({ chatId, at: now });
    if (fault?.kind === 'flood') {
      this.floodWindows.push([now, now + fault.retryAfter * 1000]);
      answer(429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${fault.retryAfter}`,
        parameters: { retry_after: fault.retryAfter },
      });
      return;
    }
    if (fault?.kind === 'server-error') {
      answer(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
      return;
    }
    if (this.blocked.has(chatId)) {
      answer(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
      return;
    }
    if (this.badChats.has(chatId)) {
      answer(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
      return;
    }
    const text = String(payload.text ?? '');
    this.sends.push({ chatId, text, at: now, paid: payload.allow_paid_broadcast === true });
    const key = `${chatId}\u0000${text}`;
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
    if (fault?.kind === 'reset-after-body') {
      req.socket.destroy();
      return;
    }
    const result = {
      message_id: this.nextMessageId++,
      date: Math.floor(now / 1000),
      chat: { id: chatId, type: 'private' },
      text,
    };
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    answer(200, { ok: true, result });
  }
}
