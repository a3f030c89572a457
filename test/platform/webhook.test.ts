import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import { webhookHandler } from '../../src/platform/bot/intake.js';
import { createApi } from '../../src/platform/http/app.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';

const SECRET = 'webhook-secret_123';
const PATH = '/telegram/webhook';

const env = useTestEnvironment();

/** One API process serving the webhook, as `--role=api` does in webhook mode. */
function apiProcess(telegram: FakeBotApi) {
  const { bot } = env.newBot({ telegram, mode: 'webhook' });
  return createApi({
    config: { publicUrl: 'http://localhost:3000', logLevel: 'silent' },
    log: createLogger('silent'),
    metrics: createMetrics(),
    readiness: { database: async () => undefined, redis: async () => undefined },
    webhook: { path: PATH, handler: webhookHandler(bot, SECRET) },
  });
}

let updateId = 5_000;
function startUpdate(userId: number, id = updateId++): Update {
  return {
    update_id: id,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Web' },
      from: { id: userId, is_bot: false, first_name: 'Web', language_code: 'en' },
      text: '/start',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  } as Update;
}

const post = (app: ReturnType<typeof apiProcess>, update: Update, secret?: string) =>
  app.request(PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(update),
  });

describe('webhook intake', () => {
  it('refuses a missing or wrong secret with 401 and processes nothing', async () => {
    const telegram = new FakeBotApi();
    const app = apiProcess(telegram);
    const userId = 910_001;
    expect((await post(app, startUpdate(userId))).status).toBe(401);
    expect((await post(app, startUpdate(userId), 'wrong-secret')).status).toBe(401);
    expect(telegram.calls).toHaveLength(0);
    expect(await env.em().count(User, { telegramId: userId })).toBe(0);
  });

  it('processes an update with the right secret', async () => {
    const telegram = new FakeBotApi();
    const app = apiProcess(telegram);
    const userId = 910_002;
    expect((await post(app, startUpdate(userId), SECRET)).status).toBe(200);
    // A first /start: the greeting with the time-zone question, then the main menu.
    expect(telegram.textsTo(userId)).toHaveLength(2);
    expect(telegram.textsTo(userId)[0]).toContain('Welcome to <b>Gramdesk</b>');
  });

  it('handles the same update_id once, even when two API processes receive it', async () => {
    const telegram = new FakeBotApi();
    const first = apiProcess(telegram);
    const second = apiProcess(telegram);
    const userId = 910_003;
    const update = startUpdate(userId);
    expect((await post(first, update, SECRET)).status).toBe(200);
    expect((await post(first, update, SECRET)).status).toBe(200);
    expect((await post(second, update, SECRET)).status).toBe(200);
    // One first /start's two messages (greeting with the time-zone question, main menu), once.
    expect(telegram.textsTo(userId)).toHaveLength(2);
    // The next update of the same user is handled normally.
    expect((await post(second, startUpdate(userId), SECRET)).status).toBe(200);
    expect(telegram.textsTo(userId)).toHaveLength(3);
    expect(telegram.textsTo(userId)[2]).toContain('Welcome back');
  });

  it('answers malformed webhook bodies without a 5xx and without processing', async () => {
    const telegram = new FakeBotApi();
    const app = apiProcess(telegram);
    const response = await app.request(PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: '{not json',
    });
    expect(response.status).toBeLessThan(500);
    expect(telegram.calls).toHaveLength(0);
  });
});
