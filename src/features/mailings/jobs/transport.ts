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
  /**
   * With per-recipient values (click links): `tail` cut at each of them, so a send splices
   * `parts[0] + fills[0] + parts[1] + …` (one fill fewer than parts); absent: `tail` as is.
   */
  readonly parts?: readonly string[];
}

/** What deleting a sent message (recall) came to. */
export type DeleteOutcome =
  | { kind: 'deleted' }
  /** Telegram no longer has it (the recipient deleted it, or an earlier try of ours did): gone all the same. */
  | { kind: 'gone' }
  | Exclude<SendOutcome, { kind: 'sent' }>;

export interface TransportOptions {
  /** Give up waiting for an answer after this long (the outcome is then unknown). */
  timeoutMs?: number;
  /** Sockets per host (the most sends in flight that do not queue in the agent). */
  maxSockets?: number;
}

interface BotApiAnswer {
  ok?: boolean;
  result?: { message_id?: number } | boolean;
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

  private urlOf(method: string): URL {
    let url = this.urls.get(method);
    if (!url) {
      url = new URL(`${this.base}${method}`);
      this.urls.set(method, url);
    }
    return url;
  }

  /**
   * Any send call (content.ts `mailingCall`): the method and every field but `chat_id`. `holes`
   * are placeholder strings in the payload (in order) that each send fills with its own values.
   */
  prepareCall(method: string, payload: Record<string, unknown>, holes: readonly string[] = []): PreparedMessage {
    if (!/^send[A-Za-z]+$/.test(method)) throw new Error(`not a send method: ${method}`);
    const url = this.urlOf(method);
    const rest = JSON.stringify(payload);
    const tail = rest === '{}' ? '}' : `,${rest.slice(1)}`;
    if (holes.length === 0) return { url, tail };
    const parts: string[] = [];
    let from = 0;
    for (const hole of holes) {
      const at = tail.indexOf(hole, from);
      if (at < 0) throw new Error('a placeholder is missing from the prepared call');
      parts.push(tail.slice(from, at));
      from = at + hole.length;
    }
    parts.push(tail.slice(from));
    return { url, tail, parts };
  }

  /** Sends one message (`fills`: the values of its holes); never throws: every failure is classified. */
  send(chatId: number | string, message: PreparedMessage, fills?: readonly string[]): Promise<SendOutcome> {
    let body = `{"chat_id":${Number(chatId)}`;
    if (message.parts && fills) {
      body += message.parts[0];
      for (let i = 1; i < message.parts.length; i++) body += (fills[i - 1] ?? '') + message.parts[i];
    } else body += message.tail;
    return this.post(message.url, body, classifyAnswer);
  }

  /** Recall: deletes a message the mailing sent; never throws. */
  deleteMessage(chatId: number | string, messageId: number): Promise<DeleteOutcome> {
    const body = `{"chat_id":${Number(chatId)},"message_id":${Math.trunc(Number(messageId))}}`;
    return this.post(this.urlOf('deleteMessage'), body, classifyDeleteAnswer);
  }

  /** One call; network failures are `retry` (not written) or `unknown` (written), as for sends. */
  private post<T extends SendOutcome | DeleteOutcome>(
    url: URL,
    body: string,
    classify: (answer: BotApiAnswer) => T,
  ): Promise<T> {
    return new Promise<T>((resolve) => {
      let written = false;
      let settled = false;
      const settle = (outcome: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const fail = (err: Error & { code?: string }, afterWrite = written) => {
        if (settled) return;
        req.destroy();
        const detail = err.code ?? err.message;
        // Both outcomes are members of SendOutcome and of DeleteOutcome alike.
        settle(
          (afterWrite
            ? { kind: 'unknown', description: `network after the request was sent: ${detail}` }
            : { kind: 'retry', description: `network: ${detail}` }) as T,
        );
      };
      const req = this.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) =>
          readAnswer(
            res,
            classify,
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

function readAnswer<T>(
  res: IncomingMessage,
  classify: (answer: BotApiAnswer) => T,
  done: (outcome: T) => void,
  failed: (err: Error) => void,
) {
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
        done({ kind: 'unknown', description: `HTTP ${status} with a body that is not JSON` } as T);
        return;
      }
      answer = { ok: false, error_code: status || 502, description: `HTTP ${status}: not a Bot API answer` };
    }
    done(classify(answer));
  });
}

/** What a Bot API answer means for the recipient's row. */
export function classifyAnswer(answer: BotApiAnswer): SendOutcome {
  if (answer.ok === true) {
    const id = typeof answer.result === 'object' ? answer.result.message_id : undefined;
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

/** What a Bot API answer to deleteMessage means for the recipient's row. */
export function classifyDeleteAnswer(answer: BotApiAnswer): DeleteOutcome {
  if (answer.ok === true) return { kind: 'deleted' };
  if (answer.error_code === 400 && /message to delete not found/i.test(String(answer.description ?? '')))
    return { kind: 'gone' };
  const outcome = classifyAnswer(answer);
  return outcome.kind === 'sent' ? { kind: 'deleted' } : outcome;
}
