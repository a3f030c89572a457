import { startChatDeliveryWorker } from '../../src/features/chat/jobs/delivery.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient, TelegramUserProfile } from './bot-client.js';
import type { TestEnvironment } from './environment.js';
import type { ApiCall } from './fake-bot-api.js';

/** Starts the real chat delivery worker of this file's services (closed with env.services.jobs). */
export function startChatWorker(env: TestEnvironment): void {
  startChatDeliveryWorker(env.services);
}

let nextTelegramId = 930_000_000 + Math.floor(Math.random() * 1_000_000);
let nextName = 1;

/** A Telegram user who has pressed /start (so the bot knows them), with a unique username. */
export async function chatUser(
  env: TestEnvironment,
  profile: Partial<TelegramUserProfile> & { first_name?: string } = {},
): Promise<BotClient> {
  const n = nextName++;
  const client = env.bot.client({
    id: nextTelegramId++,
    first_name: profile.first_name ?? `User${n}`,
    username: 'username' in profile ? profile.username : `chat_user_${n}_${Date.now().toString(36)}`,
    language_code: profile.language_code ?? 'en',
    ...(profile.last_name ? { last_name: profile.last_name } : {}),
  });
  await client.sendCommand('start');
  return client;
}

export const userRow = (env: TestEnvironment, client: BotClient) =>
  env.em().findOneOrFail(User, { telegramId: client.user.id });

/** PMs sent by this user, oldest first. */
export async function pmsFrom(env: TestEnvironment, client: BotClient): Promise<Message[]> {
  const user = await userRow(env, client);
  return env.em().find(Message, { from: user.id, kind: 'pm' }, { orderBy: { id: 'asc' }, populate: ['to'] });
}

/** sendMessage calls to a chat whose text matches. */
export function sendsTo(
  env: TestEnvironment,
  chatId: number,
  match: (text: string) => boolean = () => true,
): ApiCall[] {
  return env.telegram.calls.filter(
    (c) => c.method === 'sendMessage' && c.payload.chat_id === chatId && match(String(c.payload.text)),
  );
}

/** Waits for a sendMessage to the chat whose text matches (the worker sends asynchronously). */
export function waitForSend(env: TestEnvironment, chatId: number, match: (text: string) => boolean): Promise<ApiCall> {
  return env.telegram.waitForCall(
    (c) => c.method === 'sendMessage' && c.payload.chat_id === chatId && match(String(c.payload.text)),
    10_000,
  );
}

/** Lets the worker finish what it may still be doing before asserting that something did NOT arrive. */
export const pause = (ms = 400) => new Promise((r) => setTimeout(r, ms));

/** The text of the newest toast (answerCallbackQuery text). */
export function lastToast(env: TestEnvironment): string | undefined {
  const text = env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text;
  return typeof text === 'string' ? text : undefined;
}

/** Stores PMs directly (no rate limit, no delivery), oldest first; returns their ids. */
export async function seedPms(
  env: TestEnvironment,
  pairs: Array<{ from: User; to: User; text: string }>,
): Promise<string[]> {
  const em = env.em();
  const rows = pairs.map((p) =>
    em.create(Message, {
      kind: 'pm',
      from: em.getReference(User, p.from.id),
      to: em.getReference(User, p.to.id),
      text: p.text,
    }),
  );
  await em.flush();
  return rows.map((r) => r.id);
}

/** Stores room messages directly, oldest first. */
export async function seedRoom(env: TestEnvironment, from: User, texts: string[]): Promise<void> {
  const em = env.em();
  for (const text of texts) em.create(Message, { kind: 'room', from: em.getReference(User, from.id), text });
  await em.flush();
}
