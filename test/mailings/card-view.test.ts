import { beforeAll, describe, expect, it } from 'vitest';
import { refreshLiveCards } from '../../src/features/mailings/jobs/cards.js';
import { Mailing } from '../../src/features/mailings/mailing.entities.js';
import { updateProfile } from '../../src/features/users/profile.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { demotableAdmin, engineHarness, newMailing, seedUsers, waitForMailing } from '../helpers/mailings.js';
import { lastMessage, localAt } from '../helpers/tasks.js';

/**
 * The mailing card and list as the admin sees them (SPEC §2.5): the content shown as its reader
 * sees it (escaped once in the card's HTML, not at all in a button label), and a live card edited
 * by the worker offering the buttons of the mailing's status now, in the admin's language.
 */
const env = useTestEnvironment();

let admin: BotClient;
let ruAdmin: BotClient;

const TEXT = 'Release 1.2 is out <b>now</b> — try /tasks';

beforeAll(async () => {
  admin = env.bot.client({ id: 772_001, first_name: 'Root', username: 'root772', language_code: 'en' });
  ruAdmin = env.bot.client({ id: 772_002, first_name: 'Ира', username: 'ira772', language_code: 'ru' });
  for (const c of [admin, ruAdmin]) await c.sendCommand('start');
  await env
    .em()
    .nativeUpdate(User, { telegramId: { $in: [admin.user.id, ruAdmin.user.id] } }, { role: 'admin', mailings: false });
});

/** A message of the chat as the user's app shows it (HTML parsed: the text a person reads). */
const shown = (client: BotClient, messageId: number) => {
  const message = env.telegram.botMessages(client.chatId).find((m) => m.message_id === messageId);
  if (!message) throw new Error(`no message ${messageId} in chat ${client.chatId}`);
  return { ...message, labels: message.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [] };
};

/** Opens a mailing's card through Admin → Mailings; returns the list's button label of it. */
async function openCard(client: BotClient, id: string): Promise<string> {
  await client.sendCommand('admin');
  await client.click(/^📨 (Mailings|Рассылки)$/);
  const label = client.buttons().find((b) => b.startsWith(`#${id} `));
  if (!label) throw new Error(`mailing #${id} is not in the list: ${client.buttons().join(' | ')}`);
  await client.click(label);
  return label;
}

describe('the content on the card and in the list', () => {
  it('a text with "<b>" typed as plain characters reads as typed: escaped once on the card, unescaped on the list button, no stray space', async () => {
    await seedUsers(env.em(), 2, { tags: ['card-view-text'] });
    await admin.sendCommand('newmailing');
    // As Telegram sends it: the command is an entity, "<b>" is just characters.
    await admin.sendMessage({
      text: TEXT,
      entities: [{ type: 'bot_command', offset: TEXT.indexOf('/tasks'), length: 6 }],
    });
    await admin.click('⏭ Skip');
    await admin.click('🏷 Tags…');
    await admin.sendText('card-view-text');
    await admin.click('➡️ Continue with 2 recipients');
    await admin.click('▶️ Now');
    await admin.sendText('2099-01-03 10:00');
    await admin.click('⏭ Skip');
    await admin.click('✅ Create');

    const card = lastMessage(env, admin);
    // The HTML sent to Telegram: the content escaped exactly once.
    expect(card.text).toContain('\n“Release 1.2 is out &lt;b&gt;now&lt;/b&gt; — try /tasks”\n');
    expect(card.text).not.toContain('&amp;');
    // What the admin reads: the text as typed, the line starting with “ (no stray space).
    expect(shown(admin, card.message_id).plain).toContain(`\n“${TEXT}”\n`);

    const id = /Mailing #(\d+)/.exec(card.text)?.[1] ?? '';
    const label = await openCard(admin, id);
    expect(label).toBe(`#${id} 🕒 scheduled · 0/0 · Release 1.2 is out <b>n…`);
    expect(shown(admin, lastMessage(env, admin).message_id).plain).toContain(`\n“${TEXT}”\n`);

    const ruLabel = await openCard(ruAdmin, id);
    expect(ruLabel).toBe(`#${id} 🕒 запланирована · 0/0 · Release 1.2 is out <b>n…`);
    expect(shown(ruAdmin, lastMessage(env, ruAdmin).message_id).plain).toContain(`\n«${TEXT}»\n`);
  });

  it('an HTML text of the API shows what its reader sees (no tags, references decoded), a photo its kind first', async () => {
    const later = { startAt: new Date(Date.now() + 3600_000), endAt: new Date(Date.now() + 7200_000) };
    const html = await newMailing(env.services, {
      text: '<b>Sale</b> &amp; more: 5 &lt; 7 <i>today</i>',
      ...later,
    });
    const photo = await newMailing(env.services, {
      text: 'Look &amp; <u>see</u>',
      media: { type: 'photo', url: 'https://example.com/p.jpg' },
      buttons: [[{ text: 'Shop', url: 'https://example.com/shop' }]],
      ...later,
    });

    expect(await openCard(admin, html.id)).toBe(`#${html.id} 🕒 scheduled · 0/0 · Sale & more: 5 < 7 today`);
    const card = lastMessage(env, admin);
    expect(card.text).toContain('\n“Sale &amp; more: 5 &lt; 7 today”\n');
    expect(shown(admin, card.message_id).plain).toContain('\n“Sale & more: 5 < 7 today”\n');

    expect(await openCard(ruAdmin, photo.id)).toBe(`#${photo.id} 🕒 запланирована · 0/0 · Look & see`);
    expect(shown(ruAdmin, lastMessage(env, ruAdmin).message_id).plain).toContain('\n🖼 Фото «Look & see» · 🔗 1\n');
    // The rate with the decimal mark of the admin's language.
    expect(shown(ruAdmin, lastMessage(env, ruAdmin).message_id).plain).toContain('Скорость: 0,0 сообщ./с');
    expect(card.text).toContain('Rate: 0.0 msg/s');
  });
});

describe('a live card edited by the worker', () => {
  it('offers the buttons of the status now: a finished mailing’s card offers ↩️ Recall, not Cancel / Edit / Delete (en, ru)', async () => {
    await seedUsers(env.em(), 2, { tags: ['card-view-live'] });
    const mailing = await newMailing(env.services, { text: 'Live card', filter: { tags: ['card-view-live'] } });
    await openCard(admin, mailing.id);
    const enCard = lastMessage(env, admin).message_id;
    await openCard(ruAdmin, mailing.id);
    const ruCard = lastMessage(env, ruAdmin).message_id;
    expect(shown(admin, enCard).labels).toEqual([
      '🔄 Refresh',
      '🧪 Test',
      '✖️ Cancel mailing',
      '✏️ Edit',
      '🗑 Delete',
      '◀️ Back to list',
    ]);
    expect(shown(ruAdmin, ruCard).labels).toContain('✖️ Отменить рассылку');

    const h = await engineHarness(env.services);
    try {
      const sender = h.engine();
      sender.start();
      await waitForMailing(env.services, mailing.id);
      await sender.stop();
    } finally {
      await h.stop();
    }
    // (Other live cards of this file are edited too.)
    expect(await refreshLiveCards(env.services)).toBeGreaterThanOrEqual(2);

    const en = shown(admin, enCard);
    expect(en.plain).toContain('✅ completed');
    expect(en.plain).toContain('✅ sent 2');
    expect(en.labels).toEqual(['🔄 Refresh', '🧪 Test', '↩️ Recall', '◀️ Back to list']);
    const ru = shown(ruAdmin, ruCard);
    expect(ru.plain).toContain('✅ завершена');
    expect(ru.plain).toContain('✅ отправлено 2');
    expect(ru.labels).toEqual(['🔄 Обновить', '🧪 Тест', '↩️ Отозвать', '◀️ К списку']);

    // The very keyboard the bot shows for the card now: 🔄 Refresh changes nothing of it…
    const keyboard = en.reply_markup?.inline_keyboard;
    await admin.click('🔄 Refresh');
    expect(lastMessage(env, admin).message_id).toBe(enCard);
    expect(shown(admin, enCard).reply_markup?.inline_keyboard).toEqual(keyboard);
    // …and its buttons work: ↩️ Отозвать of the worker's keyboard asks to confirm the recall.
    await ruAdmin.click('↩️ Отозвать');
    expect(ruAdmin.lastReply()).toContain(`Отозвать рассылку #${mailing.id}?`);
    await ruAdmin.click('◀️ Нет, оставить');
  });

  it('while running: Pause and Cancel, then Resume once paused, without opening the card again', async () => {
    const mailing = await newMailing(env.services, {
      text: 'Paused live',
      startAt: new Date(Date.now() + 3600_000),
      endAt: new Date(Date.now() + 7200_000),
    });
    await openCard(admin, mailing.id);
    const enCard = lastMessage(env, admin).message_id;
    const em = env.em();
    await em.nativeUpdate(Mailing, { id: mailing.id }, { status: 'running' });
    await refreshLiveCards(env.services);
    expect(shown(admin, enCard).labels).toEqual([
      '🔄 Refresh',
      '🧪 Test',
      '⏸ Pause',
      '✖️ Cancel mailing',
      '◀️ Back to list',
    ]);
    await em.nativeUpdate(Mailing, { id: mailing.id }, { status: 'paused' });
    await refreshLiveCards(env.services);
    expect(shown(admin, enCard).plain).toContain('⏸ paused');
    expect(shown(admin, enCard).labels).toEqual([
      '🔄 Refresh',
      '🧪 Test',
      '▶️ Resume',
      '✖️ Cancel mailing',
      '◀️ Back to list',
    ]);
    await em.nativeUpdate(Mailing, { id: mailing.id }, { status: 'cancelled' });
    await refreshLiveCards(env.services);
  });

  it('an admin demoted since opening the card no longer sees the mailing’s progress in it', async () => {
    const mailing = await newMailing(env.services, {
      text: 'Watched',
      startAt: new Date(Date.now() + 3600_000),
      endAt: new Date(Date.now() + 7200_000),
    });
    const { client: former, setRole } = await demotableAdmin(env, {
      id: 772_003,
      first_name: 'Max',
      username: 'max772',
    });
    await openCard(former, mailing.id);
    const formerCard = lastMessage(env, former).message_id;
    await openCard(admin, mailing.id);
    const adminCard = lastMessage(env, admin).message_id;
    const before = shown(former, formerCard).plain;

    await setRole('user');
    await env.em().nativeUpdate(Mailing, { id: mailing.id }, { status: 'running' });
    await refreshLiveCards(env.services);
    expect(shown(admin, adminCard).labels).toContain('⏸ Pause');
    expect(shown(former, formerCard).plain).toBe(before);
    expect(shown(former, formerCard).labels).not.toContain('⏸ Pause');
    // Promoted again, the old card stays as it was: it was let go, not merely skipped once.
    await setRole('admin');
    await env.em().nativeUpdate(Mailing, { id: mailing.id }, { status: 'paused' });
    await refreshLiveCards(env.services);
    expect(shown(former, formerCard).plain).toBe(before);
    await env.em().nativeUpdate(Mailing, { id: mailing.id }, { status: 'cancelled' });
    await refreshLiveCards(env.services);
  });
});

describe('the card’s start and end', () => {
  it('in fixed words, in the admin’s zone and language (never “tomorrow”: a card may sit in the chat for days), a date of another year with its year; the worker’s edits too (en, ru)', async () => {
    const viewers: BotClient[] = [];
    for (const [id, language] of [
      [772_010, 'en'],
      [772_011, 'ru'],
    ] as const) {
      const client = env.bot.client({ id, first_name: 'Vlad', username: `vlad${id}`, language_code: language });
      await client.sendCommand('start');
      const em = env.em();
      const user = await em.findOneOrFail(User, { telegramId: id });
      await updateProfile(em, user, { timezone: 'Asia/Vladivostok' });
      await env.em().nativeUpdate(User, { telegramId: id }, { role: 'admin', mailings: false });
      viewers.push(client);
    }
    const [en, ru] = viewers as [BotClient, BotClient];
    // Tomorrow at 10:00 in Vladivostok; the end at 10:00 there on 2 January 2099 (00:00 UTC).
    const mailing = await newMailing(env.services, {
      text: 'Dated',
      startAt: localAt(10, 1, 10, 0),
      endAt: new Date('2099-01-02T00:00:00Z'),
    });
    await openCard(en, mailing.id);
    const enCard = lastMessage(env, en).message_id;
    expect(shown(en, enCard).plain).toMatch(
      /Start: [A-Z][a-z]{2}, [A-Z][a-z]{2} \d{1,2}, 10:00 · End: Fri, Jan 2, 2099, 10:00 \(your time\)/,
    );
    expect(shown(en, enCard).plain).not.toContain('tomorrow');
    await openCard(ru, mailing.id);
    const ruCard = lastMessage(env, ru).message_id;
    expect(shown(ru, ruCard).plain).toMatch(
      /Начало: [а-я]{2}, \d{1,2} [а-я]+\.?, 10:00 · Конец: пт, 2 янв\. 2099 г\., 10:00 \(ваше время\)/,
    );
    expect(shown(ru, ruCard).plain).not.toContain('завтра');

    // The worker redraws each card in its admin's language.
    await env.em().nativeUpdate(Mailing, { id: mailing.id }, { endAt: new Date('2099-01-03T00:00:00Z') });
    await refreshLiveCards(env.services);
    expect(shown(en, enCard).plain).toContain('End: Sat, Jan 3, 2099, 10:00 (your time)');
    expect(shown(ru, ruCard).plain).toContain('Конец: сб, 3 янв. 2099 г., 10:00 (ваше время)');
    await env.em().nativeUpdate(Mailing, { id: mailing.id }, { status: 'cancelled' });
    await refreshLiveCards(env.services);
  });
});
