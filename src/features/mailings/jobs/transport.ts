import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Config } from '../../../config.js';

/**
 * The mailing sender's Bot API transport: one `sendMessage` per recipient over node:http with a
 * keep-alive agent, and nothing else. Why not grammY's Api here: a mailing sends the same text to
 * hundreds of thousands of chats, and grammY builds every call from scratch (payload objects,
 * AbortController, timers, fetch shims) — a fifth of the sender's allocations. Here the body of a
 * mailing is serialised once and only the chat id changes; and node:http tells us the one fact
 * that decides what may be done after a failure: whether the request had been written (`finish`).
 * Before that (connection refused, DNS failure, reset while connecting) Telegram cannot have seen
 * it and it may be resent; after, it may have been delivered, so it is `unknown`, never resent.
 */

export type SendOutcome =
  | { kind: 'sent'; messageId: number }
  /** 429: pause everyone for retryAfter seconds; the row goes back to pending, no attempt counted. */
  | { kind: 'flood'; retryAfter: number }
  /** 403: the user blocked the bot (or is deactivated). */
  | { kind: 'blocked'; description: string }
  /** Another 4xx: terminal error. */
  | { kind: 'rejected'; description: string }
  /** 5xx or a network error before the request was written: retry with backoff. */
  | { kind: 'retry'; description: string }
  /** The request was written but the answer never came: may have been delivered. */
  | { kind: 'unknown'; description: string };

export interface MessageOptions {
  /** Telegram's paid broadcasts (up to 1000 messages/s, paid in Stars). */
  paidBroadcast?: boolean;
}

/** A mailing's call, serialised once: only the chat id is spliced in per recipient. */
export interface PreparedMessage {
  /** The Bot API method's URL (sendMessage, sendPhoto, …). */
  readonly url: URL;
  /** The JSON body after `{"chat_id":<id>` (starts with a comma, ends with the closing brace). */
  readonly tail: string;
}

export interface TransportOptions {
  /** Give up waiting for an answer after this long (the outcome is then unknown). */
  timeoutMs?: number;
  /** Sockets per host (the most sends in flight that do not queue in the agent). */
  maxSockets?: number;
}

interface BotApiAnswer {
  ok?: boolean;
  result?: { message_id?: number };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export class MailingTransport {
  private readonly base: string;
  private readonly urls = new Map<string, URL>();
  private readonly request: typeof httpRequest;
  private readonly agent: HttpAgent;
  private readonly timeoutMs: number;

  constructor(config: Pick<Config, 'botToken' | 'telegramApiRoot'>, options: TransportOptions = {}) {
    // The token is part of the path: it never leaves this object (errors carry socket codes only).
    this.base = `${config.telegramApiRoot.replace(/\/+$/, '')}/bot${config.botToken}/`;
    const https = new URL(this.base).protocol === 'https:';
    this.request = https ? (httpsRequest as typeof httpRequest) : httpRequest;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256, timeout: 60_000 };
    this.agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** An HTML text message (benchmarks and the transport's own tests). */
  prepare(text: string, options: MessageOptions = {}): PreparedMessage {
    return this.prepareCall('sendMessage', {
      text,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(options.paidBroadcast ? { allow_paid_broadcast: true } : {}),
    });
  }

  /** Any send call (content.ts `mailingCall`): the method and every field but `chat_id`. */
  prepareCall(method: string, payload: Record<string, unknown>): PreparedMessage {
    let url = this.urls.get(method);
    if (!url) {
      if (!/^send[A-Za-z]+$/.test(method)) throw new Error(`not a send method: ${method}`);
      url = new URL(`${this.base}${method}`);
      this.urls.set(method, url);
    }
    const rest = JSON.stringify(payload);
    return { url, tail: rest === '{}' ? '}' : `,${rest.slice(1)}` };
  }

  /** Sends one message; never throws: every failure is classified. */
  send(chatId: number | string, message: PreparedMessage): Promise<SendOutcome> {
    const body = `{"chat_id":${Number(chatId)}${message.tail}`;
    return new Promise<SendOutcome>((resolve) => {
      let written = false;
      let settled = false;
      const settle = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const fail = (err: Error & { code?: string }, afterWrite = written) => {
        if (settled) return;
        req.destroy();
        const detail = err.code ?? err.message;
        settle(
          afterWrite
            ? { kind: 'unknown', description: `network after the request was sent: ${detail}` }
            : { kind: 'retry', description: `network: ${detail}` },
        );
      };
      const req = this.request(
        message.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) =>
          readAnswer(
            res,
            (outcome) => settle(outcome),
            (err) => fail(err, true),
          ),
      );
      req.on('finish', () => {
        written = true;
      });
      req.on('error', (err) => fail(err));
      const timer = setTimeout(() => fail(new Error(`no answer within ${this.timeoutMs} ms`), true), this.timeoutMs);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function readAnswer(res: IncomingMessage, done: (outcome: SendOutcome) => void, failed: (err: Error) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('error', failed);
  res.on('aborted', () => failed(new Error('response aborted')));
  res.on('end', () => {
    const status = res.statusCode ?? 0;
    let answer: BotApiAnswer;
    try {
      answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BotApiAnswer;
    } catch {
      // A proxy's error page: its status decides; a 2xx without JSON may have been delivered.
      if (status >= 200 && status < 300) {
        done({ kind: 'unknown', description: `HTTP ${status} with a body that is not JSON` });
        return;
      }
      answer = { ok: false, error_code: status || 502, description: `HTTP ${status}: not a Bot API answer` };
    }
    done(classifyAnswer(answer));
  });
}

/** What a Bot API answer means for the recipient's row. */
export function classifyAnswer(answer: BotApiAnswer): SendOutcome {
  if (answer.ok === true) {
    const id = answer.result?.message_id;
    return typeof id === 'number'
      ? { kind: 'sent', messageId: id }
      : { kind: 'unknown', description: 'the Bot API answered ok without a message id' };
  }
  const code = Number(answer.error_code ?? 0);
  const description = String(answer.description ?? 'no description');
  if (code === 429) return { kind: 'flood', retryAfter: Math.max(1, Number(answer.parameters?.retry_after ?? 1)) };
  if (code === 403) return { kind: 'blocked', description };
  if (code >= 500 || code === 0) return { kind: 'retry', description: `${code}: ${description}` };
  return { kind: 'rejected', description: `${code}: ${description}` };
}
