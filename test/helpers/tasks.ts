import { addComment } from '../../src/features/tasks/comments.js';
import { startTaskNoticeWorker, taskNoticesQueue } from '../../src/features/tasks/jobs/notices.js';
import { Comment, Task, type TaskStatus } from '../../src/features/tasks/task.entities.js';
import { createTask, type WriteLimiter } from '../../src/features/tasks/tasks.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient } from './bot-client.js';
import type { TestEnvironment } from './environment.js';
import type { ChatMessage } from './fake-bot-api.js';

/** Helpers for the bot's task screens tests (test/integration/bot-tasks*.test.ts). */

/** The stored user behind a Telegram client (the client must have sent something first). */
export async function userOf(env: TestEnvironment, client: BotClient): Promise<User> {
  return env.em().findOneOrFail(User, { telegramId: client.user.id });
}

/**
 * Fixtures are made at a script's pace: the per-user limits of new tasks and comments
 * (WRITE_LIMITS) do not count them (tests of the limits go through the bot or the API).
 */
export const unlimited: WriteLimiter = { hit: async () => ({ allowed: true, retryAfter: 0 }) };

/** Creates tasks through the domain (so the user's tasks version moves like in production), oldest first. */
export async function seedTasks(
  env: TestEnvironment,
  owner: User,
  titles: string[],
  fields: { status?: TaskStatus; dueAt?: Date | null; tags?: string[]; description?: string } = {},
): Promise<string[]> {
  const em = env.em();
  const user = await em.findOneOrFail(User, { id: owner.id });
  const ids: string[] = [];
  for (const title of titles) {
    const task = await createTask(em, { effects: env.services.taskEffects, limiter: unlimited }, user, {
      title,
      ...fields,
    });
    ids.push(task.id);
  }
  return ids;
}

export async function seedComments(
  env: TestEnvironment,
  owner: User,
  taskId: string,
  texts: string[],
): Promise<string[]> {
  const em = env.em();
  const user = await em.findOneOrFail(User, { id: owner.id });
  const ids: string[] = [];
  for (const text of texts) {
    const comment = await addComment(
      em,
      { cache: env.services.commentCache, effects: env.services.taskEffects, limiter: unlimited },
      user,
      taskId,
      text,
    );
    ids.push(comment.id);
  }
  return ids;
}

export const findTask = (env: TestEnvironment, id: string) => env.em().findOne(Task, { id });
export const commentsOf = (env: TestEnvironment, taskId: string) =>
  env.em().find(Comment, { task: taskId }, { orderBy: { id: 'asc' } });

/** Every row of tasks and comments, to compare before and after something that must change nothing. */
export async function tableState(env: TestEnvironment): Promise<unknown> {
  const connection = env.em().getConnection();
  return {
    tasks: await connection.execute('select * from tasks order by id'),
    comments: await connection.execute('select * from comments order by id'),
  };
}

/** The toast of the latest answered button press. */
export function lastToast(env: TestEnvironment): string | undefined {
  const text = env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text;
  return typeof text === 'string' ? text : undefined;
}

/** The bot's newest message in this client's chat. */
export function lastMessage(env: TestEnvironment, client: BotClient): ChatMessage {
  const message = env.telegram.chat(client.chatId).at(-1);
  if (!message) throw new Error(`no message in chat ${client.chatId}`);
  return message;
}

/** callback_data of the button labelled so in the newest message that has it. */
export function dataOf(env: TestEnvironment, client: BotClient, label: string | RegExp): string {
  const matches = (text: string) => (typeof label === 'string' ? text === label : label.test(text));
  for (const message of [...env.telegram.chat(client.chatId)].reverse()) {
    for (const button of message.reply_markup?.inline_keyboard?.flat() ?? []) {
      if (matches(button.text) && button.callback_data) return button.callback_data;
    }
  }
  throw new Error(`no button ${String(label)} in chat ${client.chatId}`);
}

/** Runs `action` and returns the SQL statements it sent (env.db.queries is every statement). */
/** The bot list's one read of a user's tasks (taskSummaries in src/features/tasks/lists.ts). */
export const isTaskListRead = (sql: string) => /^select t\.id, t\.title, t\.status, t\.due_at\b/.test(sql.trim());

export async function sqlOf(env: TestEnvironment, action: () => Promise<void>): Promise<string[]> {
  const before = env.db.queries.length;
  await action();
  return env.db.queries.slice(before);
}

/** "01.12.2099 18:00" for an instant in a zone, computed independently of the code under test. */
export function shownIn(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')}.${get('month')}.${get('year')} ${get('hour')}:${get('minute')}`;
}

/** "18:05": the clock part of shownIn. */
export const clockIn = (instant: Date, timeZone: string) => shownIn(instant, timeZone).slice(-5);

/**
 * The instant a zone of a fixed UTC offset (Moscow +3, Vladivostok +10: no DST since 2014) shows
 * `hour:minute`, `days` after today there (-1: yesterday), computed independently of the code under test.
 */
export function localAt(offsetHours: number, days: number, hour: number, minute: number, now = new Date()): Date {
  const there = new Date(now.getTime() + offsetHours * 3_600_000);
  return new Date(
    Date.UTC(there.getUTCFullYear(), there.getUTCMonth(), there.getUTCDate() + days, hour - offsetHours, minute),
  );
}

/** Starts the worker that sends shared-task notices (closed with env.services.jobs). */
export function startNoticeWorker(env: TestEnvironment): void {
  startTaskNoticeWorker(env.services);
}

/**
 * Waits until the worker has handled every queued shared-task notice (sent, or given up), so a
 * test may assert what arrived — and what did not.
 */
export async function noticesDelivered(env: TestEnvironment, timeoutMs = 10_000): Promise<void> {
  const queue = taskNoticesQueue(env.services.jobs);
  const started = Date.now();
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() - started > timeoutMs) throw new Error(`task notices still queued: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
