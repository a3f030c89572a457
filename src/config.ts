import { z } from 'zod';
import { parseTrustedProxies } from './platform/http/trusted-proxies.js';

/**
 * The only reader of process.env. Every variable of SPEC §1 is validated here so that a
 * wrong value stops the process at start with one line naming the variable, instead of
 * failing later in some handler.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[], what: string) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected ${what}` },
  );

const port = z.coerce
  .number({ message: 'expected a port number (1-65535)' })
  .int({ message: 'expected a port number (1-65535)' })
  .min(1, { message: 'expected a port number (1-65535)' })
  .max(65535, { message: 'expected a port number (1-65535)' });

const telegramIdList = z.string().transform((v, ctx) => {
  const parts = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ids: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,16}$/.test(part)) {
      ctx.addIssue({ code: 'custom', message: `expected comma-separated Telegram ids, got "${part}"` });
      return z.NEVER;
    }
    ids.push(Number(part));
  }
  return ids;
});

const proxyList = z.string().transform((v, ctx) => {
  const parsed = parseTrustedProxies(v);
  if ('entries' in parsed) return parsed.entries;
  ctx.addIssue({ code: 'custom', message: parsed.problem });
  return z.NEVER;
});

/**
 * Anyone who guesses the webhook secret can post made-up updates as any user, so it must not be
 * guessable: at least 16 characters (Telegram allows 1-256).
 */
export const WEBHOOK_SECRET_MIN_LENGTH = 16;

const jsonObject = z.string().transform((v, ctx) => {
  try {
    const parsed: unknown = JSON.parse(v);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the issue below
  }
  ctx.addIssue({ code: 'custom', message: 'expected a JSON object {"<service-name>": <public JWK>, ...}' });
  return z.NEVER;
});

/** Empty strings count as unset, as docker-compose and .env files produce them for blank values. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, value: z.input<T>) =>
  z.preprocess((v) => (v === '' || v === undefined ? value : v), schema);

const schema = z
  .object({
    // Without it the product runs in sandbox mode (SPEC §1): a Bot API stand-in instead of Telegram.
    BOT_TOKEN: optional(
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]+$/, { message: 'expected a bot token like 123456:ABC-def (digits, colon, secret)' }),
    ),
    SANDBOX_PUBLIC: optional(bool),
    TELEGRAM_API_ROOT: withDefault(
      url(['http:', 'https:'], 'an http(s) URL such as https://api.telegram.org'),
      'https://api.telegram.org',
    ).transform((v) => v.replace(/\/+$/, '')),
    BOT_MODE: withDefault(z.enum(['polling', 'webhook'], { message: 'expected polling or webhook' }), 'polling'),
    WEBHOOK_URL: optional(url(['https:', 'http:'], 'the public https URL Telegram posts updates to')),
    WEBHOOK_SECRET: optional(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,256}$/, {
          message: 'expected 16-256 characters of A-Z, a-z, 0-9, _ and - (Telegram secret_token rules)',
        })
        .min(WEBHOOK_SECRET_MIN_LENGTH, {
          message: `too short: use at least ${WEBHOOK_SECRET_MIN_LENGTH} random characters of A-Z, a-z, 0-9, _ and -`,
        }),
    ),
    DATABASE_URL: optional(url(['postgres:', 'postgresql:'], 'a postgres://user:password@host:5432/db URL')),
    REDIS_URL: optional(url(['redis:', 'rediss:'], 'a redis://host:6379 URL')),
    PORT: withDefault(port, '3000'),
    HOST: withDefault(z.string().min(1), '0.0.0.0'),
    ADMIN_TELEGRAM_IDS: withDefault(telegramIdList, ''),
    JWT_PRIVATE_KEY: optional(
      z.string().refine((v) => v.includes('BEGIN PRIVATE KEY') || v.trim().startsWith('{'), {
        message: 'expected an Ed25519 private key as a JWK (JSON) or PKCS#8 PEM',
      }),
    ),
    PUBLIC_URL: withDefault(
      url(['http:', 'https:'], 'an http(s) URL such as https://gramdesk.example.com'),
      'http://localhost:3000',
    ).transform((v) => v.replace(/\/+$/, '')),
    LOG_LEVEL: withDefault(
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'expected one of fatal, error, warn, info, debug, trace, silent',
      }),
      'info',
    ),
    MAILING_RATE: withDefault(
      z.coerce
        .number({ message: 'expected a number of messages per second (1-1000)' })
        .int({ message: 'expected a whole number of messages per second (1-1000)' })
        .min(1, { message: 'expected a number of messages per second (1-1000)' })
        .max(1000, { message: 'expected a number of messages per second (1-1000)' }),
      '25',
    ),
    MAILING_PAID_BROADCAST: withDefault(bool, 'false'),
    SERVICE_KEYS: withDefault(jsonObject, '{}'),
    TRUSTED_PROXIES: withDefault(proxyList, ''),
    // Not an operator setting: the crash test shortens the mailing claim lease so that a killed
    // worker's claims come back within seconds.
    MAILING_TEST_LEASE_MS: optional(z.coerce.number().int().min(100).max(600_000)),
    // Not an operator setting: the Redis-without-setup test probes a port where nothing answers
    // instead of 127.0.0.1:6379 (which CI's own Redis occupies).
    REDIS_TEST_DEFAULT_URL: optional(url(['redis:'], 'a redis:// URL')),
  })
  .superRefine((c, ctx) => {
    if (c.BOT_TOKEN && c.SANDBOX_PUBLIC !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SANDBOX_PUBLIC'],
        message: 'there is no sandbox with a BOT_TOKEN (the sandbox runs only without one); remove SANDBOX_PUBLIC',
      });
    }
    if (c.BOT_MODE === 'webhook') {
      if (!c.WEBHOOK_URL)
        ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: 'required when BOT_MODE=webhook' });
      if (!c.WEBHOOK_SECRET)
        ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'required when BOT_MODE=webhook' });
    }
    if (c.MAILING_RATE > 30 && !c.MAILING_PAID_BROADCAST) {
      ctx.addIssue({
        code: 'custom',
        path: ['MAILING_RATE'],
        message: 'above 30 messages/s Telegram requires MAILING_PAID_BROADCAST=true',
      });
    }
  });

export type Env = z.output<typeof schema>;

/** Sandbox mode (no BOT_TOKEN): the simulated Telegram the web chat at /sandbox talks through. */
export interface SandboxConfig {
  /** SANDBOX_PUBLIC=true: /sandbox answers every client, not only loopback ones. */
  public: boolean;
  /** The simulated user who is an admin from the start (added to adminTelegramIds). */
  adminId: number;
}

/** The token the bot uses against the sandbox's stand-in (not a secret: it never reaches Telegram). */
export const SANDBOX_BOT_TOKEN = '7000000001:sandbox-not-telegram';
export const SANDBOX_ADMIN_ID = 100_001;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface Config {
  botToken: string;
  /** The numeric bot id, the part of the token before the colon; safe to log. */
  botId: number;
  telegramApiRoot: string;
  botMode: 'polling' | 'webhook';
  webhook: { url: string; secret: string } | undefined;
  databaseUrl: string | undefined;
  /** Directory of the embedded PGlite database used when DATABASE_URL is not set. */
  pgliteDir: string;
  redisUrl: string;
  /**
   * REDIS_URL was not set: `redisUrl` is the default, and when nothing answers there, the product
   * may start its own redis-server (SPEC §1 "Redis without setup").
   */
  redisDefaulted: boolean;
  /** Without BOT_TOKEN: the sandbox (SPEC §1); undefined with a real bot token. */
  sandbox: SandboxConfig | undefined;
  port: number;
  host: string;
  adminTelegramIds: number[];
  jwtPrivateKey: string | undefined;
  publicUrl: string;
  logLevel: Env['LOG_LEVEL'];
  mailing: { rate: number; paidBroadcast: boolean; leaseMs?: number | undefined };
  serviceKeys: Record<string, unknown>;
  /** TRUSTED_PROXIES: addresses and CIDR blocks (validated) whose X-Forwarded-For is believed. */
  trustedProxies: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment. Throws ConfigError with one line per bad variable:
 * `BOT_TOKEN: expected a bot token like 123456:ABC-def …`. Values are never echoed,
 * because several of them are secrets.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const byVar = new Map<string, string>();
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? 'config');
      if (!byVar.has(name)) byVar.set(name, `${name}: ${issue.message}`);
    }
    throw new ConfigError([...byVar.values()]);
  }
  const e = result.data;
  const botToken = e.BOT_TOKEN ?? SANDBOX_BOT_TOKEN;
  const sandbox = e.BOT_TOKEN ? undefined : { public: e.SANDBOX_PUBLIC ?? false, adminId: SANDBOX_ADMIN_ID };
  return {
    botToken,
    botId: Number(botToken.split(':')[0]),
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    botMode: e.BOT_MODE,
    webhook: e.WEBHOOK_URL && e.WEBHOOK_SECRET ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET } : undefined,
    databaseUrl: e.DATABASE_URL,
    pgliteDir: './data/pglite',
    redisUrl: e.REDIS_URL ?? e.REDIS_TEST_DEFAULT_URL ?? DEFAULT_REDIS_URL,
    redisDefaulted: e.REDIS_URL === undefined,
    sandbox,
    port: e.PORT,
    host: e.HOST,
    adminTelegramIds: sandbox ? [...new Set([...e.ADMIN_TELEGRAM_IDS, sandbox.adminId])] : e.ADMIN_TELEGRAM_IDS,
    jwtPrivateKey: e.JWT_PRIVATE_KEY,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    mailing: { rate: e.MAILING_RATE, paidBroadcast: e.MAILING_PAID_BROADCAST, leaseMs: e.MAILING_TEST_LEASE_MS },
    serviceKeys: e.SERVICE_KEYS,
    trustedProxies: e.TRUSTED_PROXIES,
  };
}
