import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

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
    });
  });

  it('parses every variable', () => {
    const config = loadConfig({
      ...VALID,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      WEBHOOK_SECRET: 's3cret_value-1',
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
    });
    expect(config).toMatchObject({
      telegramApiRoot: 'http://127.0.0.1:8081',
      webhook: { url: 'https://bot.example.com/telegram/webhook', secret: 's3cret_value-1' },
      databaseUrl: 'postgres://u:p@db:5432/gramdesk',
      port: 8080,
      adminTelegramIds: [1, 22, 333],
      publicUrl: 'https://gramdesk.example.com',
      mailing: { rate: 500, paidBroadcast: true },
      serviceKeys: { billing: { kty: 'OKP' } },
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...VALID, DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 });
  });

  it.each([
    [{}, 'BOT_TOKEN: required'],
    [{ BOT_TOKEN: 'not-a-token' }, 'BOT_TOKEN: expected a bot token like 123456:ABC-def'],
    [{ ...VALID, TELEGRAM_API_ROOT: 'ftp://x' }, 'TELEGRAM_API_ROOT: expected an http(s) URL'],
    [{ ...VALID, BOT_MODE: 'push' }, 'BOT_MODE: expected polling or webhook'],
    [
      { ...VALID, BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.example/hook' },
      'WEBHOOK_SECRET: required when BOT_MODE=webhook',
    ],
    [{ ...VALID, WEBHOOK_SECRET: 'has spaces' }, 'WEBHOOK_SECRET: expected 1-256 characters'],
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
