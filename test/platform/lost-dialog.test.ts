import { describe, expect, it } from 'vitest';
import { Task } from '../../src/features/tasks/task.entities.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { seedTasks, userOf } from '../helpers/tasks.js';

/**
 * Issue 18, point 1's remainder: sessions and dialogs live in Redis, and a Redis that restarts
 * empty forgets them. A user in the middle of a dialog then gets a clear answer — the dialog is no
 * longer open, start again from /menu — instead of silence or a puzzle, and nothing is changed by
 * the answer that was meant for the lost dialog. (Only this file's Redis keys are emptied.)
 */
const env = useTestEnvironment();
let nextId = 673_000;

async function forgetRedis(): Promise<void> {
  const keys = await env.redis.keys();
  if (keys.length) await env.redis.redis.del(...keys);
}

async function inTitleDialog(language_code: 'en' | 'ru'): Promise<{ client: BotClient; id: string }> {
  const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code });
  await client.sendCommand('start');
  const [id = ''] = await seedTasks(env, await userOf(env, client), ['Before the restart']);
  await client.sendCommand('start', `task_${id}`);
  await client.click(/^✏️/);
  return { client, id };
}

describe('a dialog whose state Redis lost', () => {
  it('an answer to its question gets "the dialog is no longer open", and changes nothing (en, ru)', async () => {
    for (const [language, says] of [
      ['en', 'that dialog is no longer open'],
      ['ru', 'этот диалог уже закрыт'],
    ] as const) {
      const { client, id } = await inTitleDialog(language);
      await forgetRedis();
      await client.sendText('After the restart');
      expect(client.lastReply()).toContain(says);
      expect(client.lastReply()).toContain('/menu');
      expect((await env.em().findOneOrFail(Task, { id })).title).toBe('Before the restart');
    }
  });

  it('a button of its prompt says so too and turns the prompt into the menu', async () => {
    const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code: 'en' });
    await client.sendCommand('start');
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Picker']);
    await client.sendCommand('start', `task_${id}`);
    await client.click(/^📅/);
    const prompt = env.telegram.chat(client.chatId).at(-1);
    const pick = prompt?.reply_markup?.inline_keyboard?.flat().find((b) => b.callback_data?.startsWith('dlg:'));
    expect(pick).toBeDefined();
    await forgetRedis();
    await client.pressCallback(prompt, pick?.callback_data ?? '');
    const answer = env.telegram.callsOf('answerCallbackQuery').at(-1);
    expect(answer?.payload.text).toBe(
      'This dialog is no longer open (I may have been restarted). Here is the menu: start again from there.',
    );
    expect((await env.em().findOneOrFail(Task, { id })).dueAt).toBeNull();
    // The prompt became the main menu, edited in place.
    const after = env.telegram.chat(client.chatId).find((m) => m.message_id === prompt?.message_id);
    expect(after?.text).not.toBe(prompt?.text);
    expect(after?.reply_markup?.inline_keyboard?.flat().some((b) => b.callback_data?.startsWith('dlg:'))).toBe(false);
  });
});
