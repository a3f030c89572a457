import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { type Api, GrammyError, HttpError } from 'grammy';
import type { Config } from '../config.js';
import { createTelegramApi, type TelegramFetch } from '../telegram.js';

/**
 * A network failure of a mailing send, with the one fact that decides what may be done next:
 * whether the request had been handed to the network (`written`). Before that (connection refused,
 * DNS failure, reset while connecting), Telegram cannot have seen it and it may be resent; after,
 * the message may have been delivered, so it is `unknown` and never resent.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly written: boolean,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface TransportOptions {
  /** Give up waiting for an answer after this long (the outcome is then unknown). */
  timeoutMs?: number;
}

/**
 * The fetch the mailing client uses: node:http with its own keep-alive agent, which knows when the
 * request body was flushed (`finish`) and reports failures as TransportError. An HTTP error status
 * whose body is not Bot API JSON (a proxy's 502) becomes a Bot API error object of that status.
 */
export function mailingFetch(options: TransportOptions = {}): TelegramFetch {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64, timeout: 60_000 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64, timeout: 60_000 });
  const fetch = (url: unknown, init?: { body?: unknown; headers?: unknown; signal?: unknown }) =>
    new Promise<{ json(): Promise<unknown> }>((resolve, reject) => {
      const target = new URL(String(url));
      const body = typeof init?.body === 'string' ? init.body : init?.body ? String(init.body) : '';
      const isHttps = target.protocol === 'https:';
      let written = false;
      let done = false;
      const fail = (err: Error & { code?: string }, forceWritten?: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        reject(new TransportError(err.message, forceWritten ?? written, err.code));
      };
      const req = (isHttps ? httpsRequest : httpRequest)(
        target,
        {
          method: 'POST',
          agent: isHttps ? httpsAgent : httpAgent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => fail(err, true));
          res.on('aborted', () => fail(new Error('response aborted'), true));
          res.on('end', () => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = { ok: false, error_code: status || 502, description: `HTTP ${status}: not a Bot API answer` };
              if (status >= 200 && status < 300) {
                reject(new TransportError(`HTTP ${status} with a body that is not JSON`, true));
                return;
              }
            }
            resolve({ json: async () => parsed });
          });
        },
      );
      req.on('finish', () => {
        written = true;
      });
      req.on('error', (err) => fail(err));
      const timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`), true), timeoutMs);
      const signal = init?.signal as AbortSignal | undefined;
      signal?.addEventListener?.('abort', () => fail(new Error('aborted')), { once: true });
      req.end(body);
    });
  return fetch as unknown as TelegramFetch;
}

/** The mailing sender's Bot API client: no auto-retry, its own transport (see mailingFetch). */
export function createMailingApi(
  config: Pick<Config, 'botToken' | 'telegramApiRoot'>,
  fetch: TelegramFetch = mailingFetch(),
): Api {
  return createTelegramApi(config, fetch);
}

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

export function classifySendError(err: unknown): SendOutcome {
  if (err instanceof GrammyError) {
    const code = err.error_code;
    if (code === 429) return { kind: 'flood', retryAfter: Math.max(1, err.parameters.retry_after ?? 1) };
    if (code === 403) return { kind: 'blocked', description: err.description };
    if (code >= 500) return { kind: 'retry', description: `${code}: ${err.description}` };
    return { kind: 'rejected', description: `${code}: ${err.description}` };
  }
  if (err instanceof HttpError) {
    const cause = err.error;
    if (cause instanceof TransportError && !cause.written)
      return { kind: 'retry', description: `network: ${cause.code ?? cause.message}` };
    const detail = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : String(cause);
    return { kind: 'unknown', description: `network after the request was sent: ${detail}` };
  }
  const detail = err instanceof Error ? err.message : String(err);
  return { kind: 'unknown', description: `unexpected: ${detail}` };
}
