import { describe, expect, it, vi } from 'vitest';
import { Task } from '../../src/features/tasks/task.entities.js';
import { deleteTask } from '../../src/features/tasks/tasks.js';
import { updateProfile } from '../../src/features/users/profile.js';
import { User } from '../../src/features/users/user.entity.js';
import { addDays, formatLocal, localParts } from '../../src/platform/time/local-dates.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ChatMessage } from '../helpers/fake-bot-api.js';
import { findTask, seedComments, seedTasks, tableState, userOf } from '../helpers/tasks.js';

/**
 * The task dialogs (SPEC §2.1, §2.2): ✖️ Cancel and ⏭ Skip on every prompt, typed /cancel and
 * /skip, landing on the screen the dialog started from (edited in place), an edit updating the
 * card it came from, the due-date quick picks and calendar, and bad input changing nothing.
 */
const env = useTestEnvironment();

let nextId = 720_000;
const CANCEL = { en: '✖️ Cancel', ru: '✖️ Отмена' } as const;
const SKIP = { en: '⏭ Skip', ru: '⏭ Пропустить' } as const;

async function newClient(language_code: 'en' | 'ru' = 'en', timezone = 'Europe/Moscow'): Promise<BotClient> {
  const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code });
  await client.sendCommand('start');
  const em = env.em();
  await updateProfile(em, await em.findOneOrFail(User, { telegramId: client.user.id }), { timezone });
  return client;
}

/** Opens a task's card as a new message (the deep link), and returns that message. */
async function openCard(client: BotClient, title: string, fields: Parameters<typeof seedTasks>[3] = {}) {
  const [id = ''] = await seedTasks(env, await userOf(env, client), [title], fields);
  await client.sendCommand('start', `task_${id}`);
  const card = newest(client);
  return { id, card };
}

const newest = (client: BotClient): ChatMessage => {
  const message = env.telegram.chat(client.chatId).at(-1);
  if (!message) throw new Error('no message');
  return message;
};
const messageById = (client: BotClient, id: number) =>
  env.telegram.chat(client.chatId).find((m) => m.message_id === id) as ChatMessage;
const labelsOf = (m: ChatMessage) => m.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
/** Messages of the chat whose buttons are the card's (✏️ Title …). */
const cards = (client: BotClient, edit = '✏️ Title') =>
  env.telegram.chat(client.chatId).filter((m) => labelsOf(m).includes(edit));
const newestTask = async (client: BotClient) =>
  env.em().findOneOrFail(Task, { owner: (await userOf(env, client)).id }, { orderBy: { id: 'desc' } });

describe('every prompt of every task dialog has ✖️ Cancel, and Cancel lands on the screen it came from', () => {
  const edits = [
    ['✏️ Title', 'Send the new title'],
    ['📝 Description', 'Send the new description'],
    ['📅 Due date', 'When is it due?'],
    ['🏷 Tags', 'Send tags'],
  ] as const;

  for (const [button, prompt] of edits) {
    it(`${button}: the card turns into the prompt, and ✖️ Cancel turns it back into the card, unchanged`, async () => {
      const client = await newClient();
      const { id, card } = await openCard(client, 'Keep me', { description: 'Words', tags: ['a'] });
      const before = await tableState(env);
      await client.click(button);
      const prompted = messageById(client, card.message_id);
      expect(prompted.text).toContain(prompt);
      expect(labelsOf(prompted)).toContain(CANCEL.en);
      await client.click(CANCEL.en);
      const back = messageById(client, card.message_id);
      expect(back.text).toContain('Keep me');
      expect(labelsOf(back)).toContain('✏️ Title');
      expect(cards(client)).toHaveLength(1);
      expect(await tableState(env)).toEqual(before);
      // The dialog is over: text is just text again.
      await client.sendText('Not a title');
      expect(client.lastReply()).toContain("I'm not sure what you mean");
      expect((await findTask(env, id))?.title).toBe('Keep me');
    });

    it(`${button}: typed /cancel does the same (in Russian)`, async () => {
      const client = await newClient('ru');
      const { card } = await openCard(client, 'Оставить', { description: 'Слова', tags: ['a'] });
      const before = await tableState(env);
      await client.click(
        { '✏️ Title': '✏️ Название', '📝 Description': '📝 Описание', '📅 Due date': '📅 Срок', '🏷 Tags': '🏷 Теги' }[
          button
        ],
      );
      await client.sendCommand('cancel');
      const back = messageById(client, card.message_id);
      expect(back.text).toContain('Оставить');
      expect(back.text).not.toBe('Отменено.');
      expect(labelsOf(back)).toContain('✏️ Название');
      expect(client.replies()).not.toContain('Отменено.');
      expect(await tableState(env)).toEqual(before);
    });
  }

  it('the dialog’s message deleted by the user: /cancel, and a finished edit, show the card below', async () => {
    const client = await newClient();
    const { id, card } = await openCard(client, 'Keep me');
    await client.click('✏️ Title');
    env.telegram.userDeletes(client.chatId, card.message_id);
    await client.sendCommand('cancel');
    const back = newest(client);
    expect(back.message_id).not.toBe(card.message_id);
    expect(back.text).toContain('Keep me');
    expect(labelsOf(back)).toContain('✏️ Title');

    await client.click('✏️ Title');
    expect(messageById(client, back.message_id).text).toContain('Send the new title');
    env.telegram.userDeletes(client.chatId, back.message_id);
    await client.sendText('Renamed');
    expect((await findTask(env, id))?.title).toBe('Renamed');
    const shown = newest(client);
    expect(shown.text).toContain('Renamed');
    expect(labelsOf(shown)).toContain('✏️ Title');
    expect(cards(client)).toHaveLength(1);
    expect(client.replies().join('\n')).not.toContain('Sorry, something went wrong');
  });

  it('new task from the list: Cancel at each step returns to the list, edited in place; from /newtask to the main menu', async () => {
    for (const step of [0, 1, 2]) {
      const client = await newClient();
      await client.sendCommand('tasks');
      const list = newest(client);
      await client.click('➕ New task');
      expect(messageById(client, list.message_id).text).toContain('New task');
      if (step >= 1) {
        await client.sendText('Draft');
        expect(labelsOf(newest(client))).toEqual([SKIP.en, CANCEL.en]);
      }
      if (step >= 2) {
        await client.click(SKIP.en);
        expect(labelsOf(newest(client))).toEqual(
          expect.arrayContaining(['🌅 Tomorrow 9:00', '📅 Calendar', SKIP.en, CANCEL.en]),
        );
      }
      await client.click(CANCEL.en);
      const shown = step === 0 ? messageById(client, list.message_id) : newest(client);
      expect(shown.text).toContain('<b>Tasks</b>');
      expect(labelsOf(shown)).toContain('➕ New task');
      expect(await env.em().count(Task, { owner: (await userOf(env, client)).id })).toBe(0);
    }

    const client = await newClient('ru');
    await client.sendCommand('newtask');
    expect(labelsOf(newest(client))).toEqual([CANCEL.ru]);
    await client.sendText('Черновик');
    await client.sendCommand('cancel');
    expect(labelsOf(newest(client))).toEqual(['📋 Задачи', '💬 Чат', '⚙️ Настройки', '❓ Помощь']);
    expect(await env.em().count(Task, { owner: (await userOf(env, client)).id })).toBe(0);
  });

  it('comments: Cancel while adding or editing a comment returns to the comments, edited in place', async () => {
    const client = await newClient();
    const user = await userOf(env, client);
    const [id = ''] = await seedTasks(env, user, ['With comments']);
    await seedComments(env, user, id, ['First words']);
    await client.sendCommand('start', `task_${id}`);
    await client.click(/💬 Comments/);
    const comments = newest(client);
    await client.click('➕ Add comment');
    expect(messageById(client, comments.message_id).text).toContain('With comments');
    await client.click(CANCEL.en);
    expect(messageById(client, comments.message_id).text).toContain('First words');
    expect(labelsOf(messageById(client, comments.message_id))).toContain('➕ Add comment');

    await client.click('✏️ 1');
    await client.sendCommand('cancel');
    expect(messageById(client, comments.message_id).text).toContain('First words');
    expect(labelsOf(messageById(client, comments.message_id))).toContain('✏️ 1');
    expect((await env.em().find(Task, { id }))[0]?.title).toBe('With comments');
  });
});

describe('⏭ Skip and typed /skip on the optional steps of a new task', () => {
  it('Skip buttons: title → (Skip description) → (Skip due) → the card, shown in the prompt’s message', async () => {
    const client = await newClient();
    await client.sendCommand('newtask');
    await client.sendText('Skipped twice');
    const description = newest(client);
    await client.click(SKIP.en);
    expect(messageById(client, description.message_id).text).toContain('When is it due?');
    await client.click(SKIP.en);
    const card = messageById(client, description.message_id);
    expect(card.text).toContain('Skipped twice');
    expect(labelsOf(card)).toContain('✏️ Title');
    const task = await newestTask(client);
    expect(task).toMatchObject({ title: 'Skipped twice', description: '', dueAt: null });
  });

  it('a sticker or a photo for a text step gets the question again, with its buttons and a word why (both languages)', async () => {
    const client = await newClient();
    await client.sendCommand('newtask');
    await client.sendSticker();
    expect(client.lastReply()).toMatch(/^✍️ I need a text message here\.\n\n.*New task/s);
    expect(client.buttons()).toEqual([CANCEL.en]);
    await client.sendText('Photo proof');
    await client.sendMessage({ photo: [{ file_id: 'p1', file_unique_id: 'p1u', width: 9, height: 9 }] });
    expect(client.lastReply()).toContain('I need a text message here.');
    expect(client.buttons()).toEqual([SKIP.en, CANCEL.en]);
    await client.click(SKIP.en);
    await client.sendSticker();
    expect(client.buttons()).toEqual(expect.arrayContaining(['🌅 Tomorrow 9:00', '📅 Calendar', SKIP.en, CANCEL.en]));
    await client.click(SKIP.en);
    expect((await newestTask(client)).title).toBe('Photo proof');

    const ru = await newClient('ru');
    await ru.sendCommand('newtask');
    await ru.sendSticker();
    expect(ru.lastReply()).toContain('✍️ Здесь нужен текст.');
    expect(ru.buttons()).toEqual([CANCEL.ru]);
  });

  it('typed /skip works too (Russian)', async () => {
    const client = await newClient('ru');
    await client.sendCommand('newtask');
    await client.sendText('Пропуск');
    await client.sendCommand('skip');
    await client.sendCommand('skip');
    expect(client.lastReply()).toContain('Пропуск');
    expect(labelsOf(newest(client))).toContain('✏️ Название');
    expect(await newestTask(client)).toMatchObject({ title: 'Пропуск', dueAt: null });
  });

  it('the title step has no Skip: a forged Skip is answered and changes nothing', async () => {
    const client = await newClient();
    await client.sendCommand('newtask');
    await client.pressCallback(newest(client), 'ask:s');
    expect(client.lastReply()).toContain('New task');
    await client.sendText('Still asked');
    expect(client.lastReply()).toContain('Send a description');
  });
});

describe('a press inside a dialog', () => {
  it('is answered while the next question is shown: the prompt does not wait for the answer', async () => {
    const t = env.newBot(); // its own fake Bot API: this one is closed to let the hanging answer go
    const client = t.client({ id: nextId++, first_name: 'Ann', language_code: 'en' });
    await client.sendCommand('start');
    await client.sendCommand('newtask');
    await client.sendText('Answered while shown');
    const description = t.telegram.chat(client.chatId).at(-1) as ChatMessage;
    expect(description.text).toContain('description');
    const answersBefore = t.telegram.callsOf('answerCallbackQuery').length;
    // The answer reaches Telegram and is never answered: the next question must not wait for it.
    t.telegram.hang(1, 'answerCallbackQuery');
    const pressed = client.click(SKIP.en);
    await vi.waitFor(() =>
      expect(t.telegram.chat(client.chatId).find((m) => m.message_id === description.message_id)?.text).toContain(
        'When is it due?',
      ),
    );
    expect(t.telegram.callsOf('answerCallbackQuery')).toHaveLength(answersBefore + 1);
    await t.telegram.close();
    await pressed;
  });
});

describe('an edit updates the card it came from', () => {
  it('title, description, due date and tags: the same message shows the new card; no second copy', async () => {
    const client = await newClient();
    const { id, card } = await openCard(client, 'Old');
    await client.click('✏️ Title');
    await client.sendText('New title');
    expect(messageById(client, card.message_id).text).toContain('New title');
    await client.click('📝 Description');
    await client.sendText('Some words');
    await client.click('🏷 Tags');
    await client.sendText('work, home');
    await client.click('📅 Due date');
    await client.click('🌅 Tomorrow 9:00');
    const shown = messageById(client, card.message_id);
    expect(shown.text).toContain('New title');
    expect(shown.text).toContain('Some words');
    expect(shown.text).toContain('#work');
    expect(shown.text).toContain('tomorrow 09:00');
    expect(cards(client)).toHaveLength(1);
    const task = await findTask(env, id);
    expect(task).toMatchObject({ title: 'New title', description: 'Some words', tags: ['work', 'home'] });
    const local = localParts(task?.dueAt as Date, 'Europe/Moscow');
    expect([local.hour, local.minute]).toEqual([9, 0]);
  });

  it('🗑 clears a field that has a value; /clear too', async () => {
    const client = await newClient();
    const { id } = await openCard(client, 'Full', {
      description: 'Words',
      tags: ['x'],
      dueAt: new Date(Date.now() + 86_400_000),
    });
    await client.click('📅 Due date');
    await client.click('🗑 Remove due date');
    await client.click('📝 Description');
    await client.click('🗑 Remove description');
    await client.click('🏷 Tags');
    await client.sendCommand('clear');
    expect(await findTask(env, id)).toMatchObject({ description: '', tags: [], dueAt: null });
    expect(cards(client)).toHaveLength(1);
  });
});

describe('/newtask with words after it', () => {
  it('takes them as the title and goes on to the description (both languages)', async () => {
    for (const [lang, title, skip, shown] of [
      ['en', 'Buy <milk> & bread', SKIP.en, '📌 <b>Buy &lt;milk&gt; &amp; bread</b>'],
      ['ru', 'Купить молоко', SKIP.ru, '📌 <b>Купить молоко</b>'],
    ] as const) {
      const client = await newClient(lang);
      await client.sendCommand('newtask', title);
      expect(client.lastReply()).toMatch(/Send a description|Отправьте описание/);
      expect(client.replies().join('\n')).not.toMatch(/Send the title|Отправьте название/);
      await client.click(skip);
      await client.click(skip);
      expect((await newestTask(client)).title).toBe(title);
      expect(client.lastReply()).toContain(shown);
    }
  });

  it('a title too long is refused with the reason, and the title is asked for', async () => {
    const client = await newClient();
    await client.sendCommand('newtask', 'x'.repeat(201));
    expect(client.lastReply()).toMatch(/^❌ That is 201 characters; the limit is 200\..*\n\n➕ <b>New task<\/b>/s);
    await client.sendText('Short');
    expect(client.lastReply()).toContain('Send a description');
  });
});

describe('prompts say what a field holds now', () => {
  it('tags: “none” when there are none, in words that agree (Russian «нет», not «не указан»)', async () => {
    for (const [lang, button, none] of [
      ['en', '🏷 Tags', 'Current: none'],
      ['ru', '🏷 Теги', 'Сейчас: нет'],
    ] as const) {
      const client = await newClient(lang);
      await openCard(client, 'Untagged');
      await client.click(button);
      expect(client.lastReply()).toContain(none);
    }
  });
});

describe('a task deleted while a dialog about it is open', () => {
  const NOT_FOUND = {
    en: '❌ Task not found: it was deleted or is not yours.',
    ru: '❌ Задача не найдена: её удалили, или она не ваша.',
  };
  const deleteOver = async (client: BotClient, id: string) => {
    const em = env.em();
    const owner = await em.findOneOrFail(User, { id: (await userOf(env, client)).id });
    await deleteTask(em, env.services.taskEffects, owner, id);
  };

  it('an edit sent then shows the list in the dialog’s message, saying the task is gone (both languages)', async () => {
    for (const [lang, button] of [
      ['en', '✏️ Title'],
      ['ru', '📝 Описание'],
    ] as const) {
      const client = await newClient(lang);
      const { id, card } = await openCard(client, 'Doomed');
      await client.click(button);
      await deleteOver(client, id);
      await client.sendText('Words nobody will see');
      const shown = messageById(client, card.message_id);
      expect(shown.text.startsWith(`${NOT_FOUND[lang]}\n\n📋 <b>`)).toBe(true);
      expect(labelsOf(shown)).toContain(lang === 'en' ? '➕ New task' : '➕ Новая задача');
    }
  });

  it('a comment sent, or ✖️ Cancel, likewise', async () => {
    const client = await newClient();
    const { id } = await openCard(client, 'Doomed too');
    await client.click('💬 Comments (0)');
    const comments = newest(client);
    await client.click('➕ Add comment');
    await deleteOver(client, id);
    await client.sendText('A comment');
    expect(messageById(client, comments.message_id).text).toMatch(/^❌ Task not found.*\n\n📋 <b>Tasks<\/b>/s);

    const again = await openCard(client, 'Doomed three');
    await client.click('🏷 Tags');
    await deleteOver(client, again.id);
    await client.click(CANCEL.en);
    expect(messageById(client, again.card.message_id).text).toMatch(/^❌ Task not found.*\n\n📋 <b>Tasks<\/b>/s);
    // The notice belongs to that moment: the list shown next has none.
    await client.click('All');
    expect(messageById(client, again.card.message_id).text).toMatch(/^📋 <b>Tasks<\/b>/);
  });
});

describe('due dates in the dialog', () => {
  it('“завтра в 9” is 09:00 tomorrow in the user’s zone; the card says it in words', async () => {
    const client = await newClient('ru', 'Asia/Vladivostok');
    await client.sendCommand('newtask');
    await client.sendText('Позвонить');
    await client.sendCommand('skip');
    await client.sendText('завтра в 9');
    const task = await newestTask(client);
    const tomorrow = addDays(localParts(new Date(), 'Asia/Vladivostok'), 1);
    expect(localParts(task.dueAt as Date, 'Asia/Vladivostok')).toEqual({ ...tomorrow, hour: 9, minute: 0 });
    expect(client.lastReply()).toContain('завтра в 09:00');
  });

  it('a past time is refused with a hint, the prompt stays, nothing is saved (both languages)', async () => {
    // The hint quotes the time in words; in English it no longer opens with a lower-case "yesterday".
    for (const [lang, input, hint] of [
      ['en', 'yesterday 9:00', '❌ That time has already passed: yesterday 09:00. Please pick a later time'],
      ['ru', 'вчера 9:00', '❌ Время «вчера в 09:00» уже прошло.'],
    ] as const) {
      const client = await newClient(lang);
      const { id } = await openCard(client, 'Past');
      await client.click(lang === 'en' ? '📅 Due date' : '📅 Срок');
      await client.sendText(input);
      expect(client.lastReply()).toContain(hint);
      expect(labelsOf(newest(client))).toContain(CANCEL[lang]);
      await client.sendText('nonsense words');
      expect(client.lastReply()).toMatch(/not a date I understand|не похоже на дату/);
      expect((await findTask(env, id))?.dueAt).toBeNull();
    }
  });

  it('once a wrong answer is put right, the hints go: the card is the dialog’s last word (typed answer, /cancel)', async () => {
    const client = await newClient();
    const { id, card } = await openCard(client, 'Hints');
    await client.click('📅 Due date');
    await client.sendText('yesterday 9:00');
    await client.sendText('nonsense words');
    const hints = env.telegram.chat(client.chatId).filter((m) => m.message_id > card.message_id);
    expect(hints.map((m) => m.text).join('\n')).toMatch(/has already passed[\s\S]*not a date I understand/);
    await client.sendText('2099-01-02 10:00');
    expect((await findTask(env, id))?.dueAt).toBeInstanceOf(Date);
    // The card, in its own message, is the newest message of the bot; the hints are deleted.
    expect(newest(client).message_id).toBe(card.message_id);
    expect(newest(client).text).toContain('Hints');
    expect(env.telegram.chat(client.chatId).filter((m) => hints.some((h) => h.message_id === m.message_id))).toEqual(
      [],
    );

    // Left with /cancel after a hint: the card again, no hint left behind.
    await client.click('✏️ Title');
    await client.sendText('x'.repeat(300));
    expect(newest(client).message_id).not.toBe(card.message_id);
    await client.sendCommand('cancel');
    expect(newest(client).message_id).toBe(card.message_id);
    expect(newest(client).text).toContain('Hints');
  });

  it('calendar: month grid → ▶ next month → ◀ back → a day → the time grid → a time', async () => {
    const client = await newClient();
    const { id, card } = await openCard(client, 'Calendar');
    await client.click('📅 Due date');
    await client.click('📅 Calendar');
    const now = localParts(new Date(), 'Europe/Moscow');
    const title = (year: number, month: number) =>
      new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
        new Date(Date.UTC(year, month - 1, 15)),
      );
    expect(labelsOf(messageById(client, card.message_id))).toContain(title(now.year, now.month));
    await client.click('▶');
    const next = now.month === 12 ? { year: now.year + 1, month: 1 } : { year: now.year, month: now.month + 1 };
    expect(labelsOf(messageById(client, card.message_id))).toContain(title(next.year, next.month));
    await client.click('◀');
    expect(labelsOf(messageById(client, card.message_id))).toContain(title(now.year, now.month));
    await client.click('▶');
    await client.click('15');
    expect(messageById(client, card.message_id).text).toContain('pick a time');
    await client.click('◀️ Back to calendar');
    await client.click('15');
    await client.click('10:00');
    const due = (await findTask(env, id))?.dueAt as Date;
    expect(formatLocal(due, 'Europe/Moscow')).toBe(`15.${String(next.month).padStart(2, '0')}.${next.year} 10:00`);
    expect(cards(client)).toHaveLength(1);
  });

  it('calendar: a past day says it has passed, a weekday or empty cell says nothing; the dialog goes on (both languages)', async () => {
    for (const [language, passed, label] of [
      ['en', 'That day has passed: pick today or a later day.', '📅 Calendar'],
      ['ru', 'Этот день уже прошёл: выберите сегодня или позже.', '📅 Календарь'],
    ] as const) {
      const client = await newClient(language);
      const { card } = await openCard(client, 'Past days');
      await client.click(language === 'en' ? '📅 Due date' : '📅 Срок');
      await client.click(label);
      const grid = messageById(client, card.message_id);
      const toasts = () => env.telegram.callsOf('answerCallbackQuery').map((c) => c.payload.text);
      const before = toasts().length;
      await client.pressCallback(grid, 'dlg:dp');
      await client.pressCallback(grid, 'dlg:dn');
      expect(toasts().slice(before)).toEqual([passed, undefined]);
      // Still the calendar, still in the dialog.
      expect(labelsOf(messageById(client, card.message_id))).toEqual(labelsOf(grid));
    }
  });

  it('a typed time on the time grid means that day; forged picker buttons change nothing', async () => {
    const client = await newClient();
    const { id, card } = await openCard(client, 'Typed time');
    await client.click('📅 Due date');
    const before = await tableState(env);
    for (const forged of ['dlg:dd20001301', 'dlg:dm190001', 'dlg:dt209912319999', 'dlg:dqxx']) {
      await client.pressCallback(messageById(client, card.message_id), forged);
      expect((await findTask(env, id))?.dueAt).toBeNull();
    }
    expect(await tableState(env)).toEqual(before);
    expect(messageById(client, card.message_id).text).toContain('out of date');
    await client.click('📅 Calendar');
    await client.click('▶');
    await client.click('20');
    await client.sendText('18:30');
    const due = (await findTask(env, id))?.dueAt as Date;
    expect(formatLocal(due, 'Europe/Moscow').slice(0, 2)).toBe('20');
    expect(formatLocal(due, 'Europe/Moscow').slice(-5)).toBe('18:30');
  });

  it('buttons of a finished dialog are stale: answered, and the message becomes a screen with buttons', async () => {
    const client = await newClient();
    await client.sendCommand('newtask');
    const titlePrompt = newest(client);
    await client.sendText('Done soon');
    await client.sendCommand('skip');
    await client.sendCommand('skip');
    const before = await tableState(env);
    await client.pressCallback(titlePrompt, 'ask:c');
    await client.pressCallback(titlePrompt, 'ask:s');
    await client.pressCallback(titlePrompt, 'dlg:dqm9');
    expect(await tableState(env)).toEqual(before);
    expect(labelsOf(newest(client)).length).toBeGreaterThan(0);
    expect(client.replies().join('\n')).not.toContain('Sorry, something went wrong');
  });
});
