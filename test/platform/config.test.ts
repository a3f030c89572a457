import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SANDBOX_ADMIN_ID, SANDBOX_BOT_TOKEN } from '../../src/config.js';

const VALID = { BOT_TOKEN: '123456:ABC-def_ghi' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the defaults of SPEC §1', () => {
    const config = loadConfig(VALID);
    expect(config).toMatchObject({
      botId: 123456,
      telegramApiRoot: 'https://api.telegram.org',
      botMode: 'polling',
      databaseUrl: undefined,
      pgliteDir: './data/pglite',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      host: '0.0.0.0',
      adminTelegramIds: [],
      publicUrl: 'http://localhost:3000',
      logLevel: 'info',
      mailing: { rate: 25, paidBroadcast: false },
      serviceKeys: {},
      trustedProxies: [],
    });
  });

  it('parses every variable', () => {
    const config = loadConfig({
      ...VALID,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      WEBHOOK_SECRET: 's3cret_value-1-long-enough',
      DATABASE_URL: 'postgres://u:p@db:5432/gramdesk',
      REDIS_URL: 'redis://cache:6380/2',
      PORT: '8080',
      HOST: '127.0.0.1',
      ADMIN_TELEGRAM_IDS: '1, 22,333',
      PUBLIC_URL: 'https://gramdesk.example.com/',
      LOG_LEVEL: 'debug',
      MAILING_RATE: '500',
      MAILING_PAID_BROADCAST: 'true',
      SERVICE_KEYS: '{"billing":{"kty":"OKP","crv":"Ed25519","x":"abc"}}',
      TRUSTED_PROXIES: ' 10.0.0.1, 10.0.0.0/8,fd00::/8 ,::1,',
    });
    expect(config).toMatchObject({
      telegramApiRoot: 'http://127.0.0.1:8081',
      webhook: { url: 'https://bot.example.com/telegram/webhook', secret: 's3cret_value-1-long-enough' },
      databaseUrl: 'postgres://u:p@db:5432/gramdesk',
      port: 8080,
      adminTelegramIds: [1, 22, 333],
      publicUrl: 'https://gramdesk.example.com',
      mailing: { rate: 500, paidBroadcast: true },
      serviceKeys: { billing: { kty: 'OKP' } },
      trustedProxies: ['10.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1'],
    });
  });

  it('without BOT_TOKEN starts the sandbox (loopback only unless SANDBOX_PUBLIC=true) with its admin', () => {
    const config = loadConfig({ ADMIN_TELEGRAM_IDS: '42' });
    expect(config.sandbox).toEqual({ public: false, adminId: SANDBOX_ADMIN_ID });
    expect(config.adminTelegramIds).toEqual([42, SANDBOX_ADMIN_ID]);
    expect(config.botToken).toBe(SANDBOX_BOT_TOKEN);
    expect(loadConfig({ SANDBOX_PUBLIC: 'true' }).sandbox?.public).toBe(true);
    expect(loadConfig(VALID).sandbox).toBeUndefined();
  });

  it('knows whether REDIS_URL was set (Redis without setup only for the default)', () => {
    expect(loadConfig(VALID)).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', redisDefaulted: true });
    expect(loadConfig({ ...VALID, REDIS_URL: 'redis://cache:6379' })).toMatchObject({ redisDefaulted: false });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...VALID, DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 });
  });

  it.each([
    [{ SANDBOX_PUBLIC: 'maybe' }, 'SANDBOX_PUBLIC: expected true or false'],
    [{ ...VALID, SANDBOX_PUBLIC: 'true' }, 'SANDBOX_PUBLIC: there is no sandbox with a BOT_TOKEN'],
    [{ ...VALID, SANDBOX_PUBLIC: 'false' }, 'SANDBOX_PUBLIC: there is no sandbox with a BOT_TOKEN'],
    [{ BOT_TOKEN: 'not-a-token' }, 'BOT_TOKEN: expected a bot token like 123456:ABC-def'],
    [{ ...VALID, TELEGRAM_API_ROOT: 'ftp://x' }, 'TELEGRAM_API_ROOT: expected an http(s) URL'],
    [{ ...VALID, BOT_MODE: 'push' }, 'BOT_MODE: expected polling or webhook'],
    [
      { ...VALID, BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.example/hook' },
      'WEBHOOK_SECRET: required when BOT_MODE=webhook',
    ],
    [{ ...VALID, WEBHOOK_SECRET: 'has spaces but long enough' }, 'WEBHOOK_SECRET: expected 16-256 characters'],
    // Anyone who guesses it can post updates as any user: 15 characters are too few.
    [{ ...VALID, WEBHOOK_SECRET: 'a'.repeat(15) }, 'WEBHOOK_SECRET: too short: use at least 16'],
    [{ ...VALID, WEBHOOK_SECRET: 'x' }, 'WEBHOOK_SECRET: too short'],
    [{ ...VALID, TRUSTED_PROXIES: '10.0.0.1,proxy.local' }, 'TRUSTED_PROXIES: "proxy.local" is not an IP address'],
    [{ ...VALID, TRUSTED_PROXIES: '10.0.0.0/33' }, 'TRUSTED_PROXIES: "10.0.0.0/33" has a prefix length outside 0-32'],
    [{ ...VALID, TRUSTED_PROXIES: 'fd00::/129' }, 'TRUSTED_PROXIES: "fd00::/129" has a prefix length outside 0-128'],
    [{ ...VALID, TRUSTED_PROXIES: '10.0.0.0/8/1' }, 'TRUSTED_PROXIES: "10.0.0.0/8/1" is not an IP address'],
    [{ ...VALID, TRUSTED_PROXIES: '10.0.0.0/' }, 'TRUSTED_PROXIES: "10.0.0.0/" has a prefix length'],
    [{ ...VALID, DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: expected a postgres://'],
    [{ ...VALID, REDIS_URL: 'http://x' }, 'REDIS_URL: expected a redis://'],
    [{ ...VALID, PORT: '70000' }, 'PORT: expected a port number'],
    [{ ...VALID, PORT: 'abc' }, 'PORT: expected a port number'],
    [{ ...VALID, ADMIN_TELEGRAM_IDS: '1,x' }, 'ADMIN_TELEGRAM_IDS: expected comma-separated Telegram ids, got "x"'],
    [{ ...VALID, JWT_PRIVATE_KEY: 'secret' }, 'JWT_PRIVATE_KEY: expected an Ed25519 private key'],
    [{ ...VALID, PUBLIC_URL: 'localhost' }, 'PUBLIC_URL: expected an http(s) URL'],
    [{ ...VALID, LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of fatal'],
    [{ ...VALID, MAILING_RATE: '0' }, 'MAILING_RATE: expected a number of messages per second'],
    [
      { ...VALID, MAILING_RATE: '100' },
      'MAILING_RATE: above 30 messages/s Telegram requires MAILING_PAID_BROADCAST=true',
    ],
    [{ ...VALID, MAILING_PAID_BROADCAST: 'maybe' }, 'MAILING_PAID_BROADCAST: expected true or false'],
    [{ ...VALID, SERVICE_KEYS: '[1]' }, 'SERVICE_KEYS: expected a JSON object'],
  ])('rejects %j with its own message', (env, message) => {
    const found = problems(env as Record<string, string>);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });

  it('accepts a webhook secret of exactly 16 characters', () => {
    expect(loadConfig({ ...VALID, WEBHOOK_SECRET: 'a'.repeat(16) }).webhook).toBeUndefined();
    expect(problems({ ...VALID, WEBHOOK_SECRET: 'a'.repeat(16) })).toEqual([]);
  });

  it('needs both webhook variables in webhook mode', () => {
    expect(problems({ ...VALID, BOT_MODE: 'webhook' })).toEqual([
      'WEBHOOK_URL: required when BOT_MODE=webhook',
      'WEBHOOK_SECRET: required when BOT_MODE=webhook',
    ]);
  });

  it('reports each bad variable on its own line and never echoes values', () => {
    const found = problems({ BOT_TOKEN: 'leaky-secret-value', PORT: 'nope', REDIS_URL: 'file:///etc/passwd' });
    expect(found.map((p) => p.split(':')[0])).toEqual(['BOT_TOKEN', 'REDIS_URL', 'PORT']);
    expect(found.join('\n')).not.toContain('leaky-secret-value');
  });
});
