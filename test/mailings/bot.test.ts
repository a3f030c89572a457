import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditEntry } from '../../src/features/audit/audit.entity.js';
import { refreshLiveCards } from '../../src/features/mailings/jobs/cards.js';
import { Mailing } from '../../src/features/mailings/mailing.entities.js';
import { countAudience, getMailingView } from '../../src/features/mailings/mailings.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ChatMessage } from '../helpers/fake-bot-api.js';
import { demotableAdmin, seedUsers } from '../helpers/mailings.js';
import { dataOf, lastMessage, lastToast, sqlOf } from '../helpers/tasks.js';

/** SPEC §2.5 in the bot: the new-mailing dialog, the mailing list and card, cancel. */
const env = useTestEnvironment();

let admin: BotClient;

/** A message of any kind from `client` (formatted text, photo with caption, …), as Telegram sends it. */
let other: BotClient;

beforeAll(async () => {
  admin = env.bot.client({ id: 770_001, first_name: 'Root', username: 'root770', language_code: 'en' });
  other = env.bot.client({ id: 770_002, first_name: 'Ann', username: 'ann770', language_code: 'ru' });
  const third = env.bot.client({ id: 770_003, first_name: 'Bob', username: 'bob770', language_code: 'en' });
  for (const c of [admin, other, third]) await c.sendCommand('start');
  const em = env.em();
  const adminUser = await em.findOneOrFail(User, { telegramId: admin.user.id });
  adminUser.role = 'admin';
  const ann = await em.findOneOrFail(User, { telegramId: other.user.id });
  ann.tags = ['vip'];
  await em.flush();
});

describe('the new-mailing dialog', () => {
  it('takes the message as sent (entities kept), asks for buttons, shows live counts, validates times and window, previews to self, creates', async () => {
    await admin.sendCommand('newmailing');
    expect(admin.lastReply()).toContain('Send the message exactly as recipients should see it');
    expect(admin.buttons()).toEqual(['✖️ Cancel']);

    await admin.sendSticker();
    expect(admin.lastReply()).toContain('This kind of message cannot be mailed');
    await admin.sendText('x'.repeat(4097));
    expect(admin.lastReply()).toContain('The text has 4097 characters; the limit is 4096');
    // No HTML to type: "<" and "&" are plain characters, the bold comes from Telegram's entity.
    const text = 'Hello & welcome, price < 100';
    const entities = [{ type: 'bold', offset: 0, length: 5 }];
    await admin.sendMessage({ text, entities });

    expect(admin.lastReply()).toContain('Add link buttons?');
    expect(admin.buttons()).toEqual(['⏭ Skip', '✖️ Cancel']);
    await admin.sendText('Shop javascript:alert(1)');
    expect(admin.lastReply()).toContain('must start with http:// or https://');
    await admin.sendText(`Shop https://example.com/${'a'.repeat(600)}`);
    expect(admin.lastReply()).toContain('longer than 512 characters');
    await admin.sendText(Array.from({ length: 6 }, (_, i) => `B${i} https://example.com/${i}`).join('\n'));
    expect(admin.lastReply()).toContain('At most 5 rows of 3 buttons');
    await admin.sendText('A https://a.example | B https://b.example | C https://c.example | D https://d.example');
    expect(admin.lastReply()).toContain('Row 1 has more than 3 buttons');
    await admin.sendText('Shop https://example.com/shop | Help https://example.com/help');

    // Live counts: everyone = 3 users, Russian = 1, English = 2.
    expect(admin.buttons()).toEqual([
      '✓ 👥 Everyone · 3',
      '🏷 Tags…',
      '📱 Operator codes…',
      '🇷🇺 Русский · 1',
      '🇬🇧 English · 2',
      '➡️ Continue with 3 recipients',
      '✖️ Cancel',
    ]);
    await admin.click('🏷 Tags…');
    await admin.sendText('#bad tag with spaces is fine vip');
    expect(admin.buttons()).toContain('➡️ Continue with 1 recipient');
    await admin.click('✓ 🏷 Tags…');
    await admin.sendText('#VIP');
    expect(admin.lastReply()).toContain('Audience: #vip\nRecipients now: <b>1</b>');
    await admin.click('➡️ Continue with 1 recipient');

    expect(admin.lastReply()).toContain('When to start?');
    expect(admin.buttons()).toEqual(['▶️ Now', '✖️ Cancel']);
    await admin.sendText('someday');
    expect(admin.lastReply()).toContain('I could not read “someday”');
    await admin.sendText('2001-01-01 10:00');
    expect(admin.lastReply()).toContain('has already passed');
    await admin.sendText('2099-01-02 10:00');

    expect(admin.lastReply()).toContain('When should sending stop');
    await admin.sendText('2099-01-01 10:00');
    // Moments the dialog names are in words that stay true in the chat (the year: not this year's).
    expect(admin.lastReply()).toContain('The end must be after the start (Fri, Jan 2, 2099, 10:00)');
    await admin.sendText('2099-01-03 10:00');

    expect(admin.lastReply()).toContain('sending window');
    expect(admin.buttons()).toEqual(['⏭ Skip', '✖️ Cancel']);
    await admin.sendText('9 to 5');
    expect(admin.lastReply()).toContain('A window looks like');
    await admin.sendText('10:00-10:00');
    expect(admin.lastReply()).toContain('A window looks like');
    await admin.sendText('25:00-21:00');
    expect(admin.lastReply()).toContain('A window looks like');
    await admin.sendText('9:00-21:00');

    // The preview: the very call recipients get (entities, no parse mode, the buttons and 🔕).
    const preview = env.telegram.callsOf('sendMessage').findLast((c) => c.payload.text === text);
    expect(preview?.payload.entities).toEqual(entities);
    expect(preview?.payload.parse_mode).toBeUndefined();
    expect(preview?.payload.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'Shop', url: 'https://example.com/shop' },
          { text: 'Help', url: 'https://example.com/help' },
        ],
        [{ text: '🔕 Unsubscribe', callback_data: 'mlu:0' }],
      ],
    });
    expect(admin.replies()).toContain('👆 This is exactly what recipients will get.');

    const summary = admin.lastReply();
    expect(summary).toContain('Buttons: 2');
    expect(summary).toContain('Audience: #vip (1 recipient now)');
    expect(summary).toContain('Start: Fri, Jan 2, 2099, 10:00');
    expect(summary).toContain('End: Sat, Jan 3, 2099, 10:00');
    expect(summary).toContain('Window: 09:00-21:00');
    expect(admin.buttons()).toEqual(['✅ Create', '✖️ Cancel']);
    // Only the step being asked has buttons: every earlier question lost its own.
    const withButtons = env.telegram.chat(admin.chatId).filter((msg) => msg.reply_markup?.inline_keyboard?.length);
    expect(withButtons.at(-1)?.text).toBe(summary);
    const askedBefore =
      /Send the message|link buttons|Who gets it|When to start|When should sending stop|sending window/;
    expect(withButtons.filter((msg) => askedBefore.test(msg.text))).toEqual([]);
    const summaryMessage = withButtons.at(-1);
    const create = summaryMessage?.reply_markup?.inline_keyboard?.flat().find((b) => b.text === '✅ Create');
    await admin.click('✅ Create');
    // A double tap: the second press arrives on the summary as it is now (no buttons). It is told the
    // button did its work; the summary stays (it was turned into the main menu) and nothing is created twice.
    await admin.pressCallback(
      env.telegram.chat(admin.chatId).find((msg) => msg.message_id === summaryMessage?.message_id),
      create?.callback_data ?? '',
    );
    expect(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text).toBe(
      'That button has done its work already: the message shows where things stand now.',
    );
    expect(env.telegram.chat(admin.chatId).find((msg) => msg.message_id === summaryMessage?.message_id)?.text).toBe(
      summary,
    );

    const mailings = await env.em().find(Mailing, {});
    expect(mailings).toHaveLength(1);
    const m = mailings[0] as Mailing;
    expect(m.text).toBe(text);
    expect(m.entities).toEqual(entities);
    expect(m.buttons).toHaveLength(1);
    expect(m.filter).toEqual({ tags: ['vip'] });
    expect(m.startAt.toISOString()).toBe('2099-01-02T10:00:00.000Z');
    expect(m.endAt.toISOString()).toBe('2099-01-03T10:00:00.000Z');
    expect([m.windowFrom, m.windowTo]).toEqual([540, 1260]);
    expect(admin.replies()).toContain(`✅ Mailing #${m.id} created.`);
    expect(
      env.telegram.chat(admin.chatId).find((msg) => msg.text === summary)?.reply_markup?.inline_keyboard ?? [],
    ).toEqual([]);
    expect(admin.lastReply()).toContain(`Mailing #${m.id}</b> · 🕒 scheduled`);
    const audit = await env.em().find(AuditEntry, { action: 'mailing.create', targetId: m.id });
    expect(audit).toHaveLength(1);
    // The card is registered for live updates.
    const cards = await env.redis.redis.hkeys(`${env.redis.keyPrefix}mailing-cards:${m.id}`);
    expect(cards).toHaveLength(1);

    // The worker keeps the card current (and its buttons), and stops once the mailing is over.
    const card = env.telegram.chat(admin.chatId).at(-1);
    await env.em().nativeUpdate(Mailing, { id: m.id }, { status: 'running' });
    expect(await refreshLiveCards(env.services)).toBe(1);
    const edited = env.telegram.chat(admin.chatId).find((msg) => msg.message_id === card?.message_id);
    expect(edited?.text).toContain('▶️ running');
    expect(edited?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('✖️ Cancel mailing');
    await env.em().nativeUpdate(Mailing, { id: m.id }, { status: 'completed' });
    expect(await refreshLiveCards(env.services)).toBe(1);
    // The last edit shows the buttons of a finished mailing (nothing sent: no Recall either).
    const last = env.telegram.chat(admin.chatId).find((msg) => msg.message_id === card?.message_id);
    expect(last?.text).toContain('✅ completed');
    expect(last?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual([
      '🔄 Refresh',
      '🧪 Test',
      '◀️ Back to list',
    ]);
    expect(await refreshLiveCards(env.services)).toBe(0);
    await env.em().nativeUpdate(Mailing, { id: m.id }, { status: 'scheduled' });
    await admin.click('🔄 Refresh');
    expect(admin.buttons()).toContain('✖️ Cancel mailing');
  });

  it('🧪 Test sends the admin a copy whose 🔕 only says what it does: the admin stays subscribed, nothing is counted', async () => {
    const m = await env.em().findOneOrFail(Mailing, { status: 'scheduled' }, { orderBy: { id: 'desc' } });
    await admin.click('🧪 Test');
    expect(lastToast(env)).toBe('Sent to you as recipients will get it.');
    const copy = env.telegram
      .chat(admin.chatId)
      .findLast((msg) => msg.reply_markup?.inline_keyboard?.flat().some((b) => b.text === '🔕 Unsubscribe'));
    expect(copy).toBeDefined();
    await admin.pressCallback(copy, dataOf(env, admin, '🔕 Unsubscribe'));
    expect(lastToast(env)).toBe('In a real mailing this button unsubscribes the recipient.');
    expect((await env.em().findOneOrFail(User, { telegramId: admin.user.id })).mailings).toBe(true);
    expect((await getMailingView(env.em(), m.id)).unsubscribes).toBe(0);
  });

  it('cancels from the card after a confirmation (audited)', async () => {
    await admin.click('✖️ Cancel mailing');
    expect(admin.lastReply()).toContain('Cancel mailing #');
    await admin.click('◀️ No, keep it');
    expect(admin.lastReply()).toContain('🕒 scheduled');
    await admin.click('✖️ Cancel mailing');
    await admin.click('✖️ Yes, cancel it');
    expect(lastToast(env)).toBe('Mailing cancelled.');
    expect(admin.lastReply()).toContain('✖️ cancelled');
    expect(admin.buttons()).not.toContain('✖️ Cancel mailing');
    const [m] = await env.em().find(Mailing, {});
    if (!m) throw new Error('no mailing');
    expect(m.status).toBe('cancelled');
    expect(await env.em().count(AuditEntry, { action: 'mailing.cancel', targetId: m.id })).toBe(1);
  });

  it('lists mailings under Admin → Mailings, with New', async () => {
    await admin.sendCommand('admin');
    await admin.click('📨 Mailings');
    expect(admin.lastReply()).toContain('Mailings');
    expect(admin.buttons()).toContainEqual(expect.stringMatching(/^#\d+ ✖️ cancelled · 0\/0 · /));
    await admin.click(/^#\d+ /);
    expect(admin.lastReply()).toContain('Mailing #');
    await admin.click('◀️ Back to list');
    await admin.click('➕ New');
    expect(admin.lastReply()).toContain('Send the message exactly as recipients should see it');
    await admin.sendCommand('cancel');
  });

  it('✖️ Cancel on every step returns to where the dialog began, edited in place; nothing is created', async () => {
    const count = () => env.em().count(Mailing, {});
    const before = await count();
    const message = (id: number) => env.telegram.chat(admin.chatId).find((m) => m.message_id === id);
    const mainMenu = ['📋 Tasks', '💬 Chat', '⚙️ Settings', '❓ Help', '🛠 Admin'];

    // From the list: the first question takes over the list's message; Cancel brings the list back there.
    await admin.sendCommand('admin');
    await admin.click('📨 Mailings');
    const list = lastMessage(env, admin);
    await admin.click('➕ New');
    expect(lastMessage(env, admin).message_id).toBe(list.message_id);
    expect(admin.lastReply()).toContain('Send the message exactly as recipients should see it');
    await admin.click('✖️ Cancel');
    expect(lastToast(env)).toBe('Cancelled.');
    expect(message(list.message_id)?.text).toContain('Mailings');
    expect(admin.buttons()).toContain('➕ New');

    // A later step: the list comes back in that step's message, and no question keeps its buttons.
    await admin.click('➕ New');
    await admin.sendText('Draft');
    const buttonsStep = lastMessage(env, admin);
    expect(buttonsStep.text).toContain('Add link buttons?');
    expect(message(list.message_id)?.reply_markup?.inline_keyboard ?? []).toEqual([]);
    await admin.click('✖️ Cancel');
    expect(message(buttonsStep.message_id)?.text).toContain('Mailings');
    expect(admin.buttons()).toContain('➕ New');

    // /newmailing: the audience step and the summary's ✖️ Cancel lead to the main menu.
    await admin.sendCommand('newmailing');
    await admin.sendText('Draft');
    await admin.click('⏭ Skip');
    const builder = lastMessage(env, admin);
    expect(builder.text).toContain('Who gets it?');
    await admin.click('✖️ Cancel');
    expect(
      message(builder.message_id)
        ?.reply_markup?.inline_keyboard?.flat()
        .map((b) => b.text),
    ).toEqual(mainMenu);

    await admin.sendCommand('newmailing');
    await admin.sendText('Draft');
    await admin.click('⏭ Skip');
    await admin.click(/^➡️ Continue/);
    await admin.click('▶️ Now');
    await admin.sendText('2099-01-03 10:00');
    await admin.click('⏭ Skip');
    const summary = lastMessage(env, admin);
    expect(summary.text).toContain('Window: any time');
    await admin.click('✖️ Cancel');
    expect(
      message(summary.message_id)
        ?.reply_markup?.inline_keyboard?.flat()
        .map((b) => b.text),
    ).toEqual(mainMenu);
    expect(admin.replies()).not.toContain('Cancelled.');
    expect(await count()).toBe(before);
    // The dialog is over: its old buttons and text change nothing.
    await admin.sendText('2099-01-04 10:00');
    expect(await count()).toBe(before);
  });

  it('ru: typed /cancel in the middle shows the main menu in the step’s message, never a bare “Отменено.”', async () => {
    const ru = env.bot.client({ id: 770_009, first_name: 'Оля', username: 'olya770', language_code: 'ru' });
    await ru.sendCommand('start');
    const em = env.em();
    (await em.findOneOrFail(User, { telegramId: ru.user.id })).role = 'admin';
    await em.flush();
    await ru.sendCommand('newmailing');
    expect(ru.buttons()).toEqual(['✖️ Отмена']);
    await ru.sendText('Черновик');
    expect(ru.buttons()).toEqual(['⏭ Пропустить', '✖️ Отмена']);
    await ru.click('⏭ Пропустить');
    await ru.click(/^➡️ Далее/);
    await ru.click('▶️ Сейчас');
    await ru.sendText('2099-01-03 10:00');
    expect(ru.buttons()).toEqual(['⏭ Пропустить', '✖️ Отмена']);
    const windowStep = env.telegram.chat(ru.chatId).at(-1);
    await ru.sendCommand('cancel');
    const shown = env.telegram.chat(ru.chatId).find((m) => m.message_id === windowStep?.message_id);
    expect(shown?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('📋 Задачи');
    expect(ru.replies()).not.toContain('Отменено.');
  });

  it('ru: a text or caption over the limit is counted with the Russian plural of its length', async () => {
    const ru = env.bot.client({ id: 770_010, first_name: 'Лена', username: 'lena770', language_code: 'ru' });
    await ru.sendCommand('start');
    const em = env.em();
    (await em.findOneOrFail(User, { telegramId: ru.user.id })).role = 'admin';
    await em.flush();
    await ru.sendCommand('newmailing');
    await ru.sendText('x'.repeat(4101));
    expect(ru.lastReply()).toBe('В тексте 4101 символ, а можно не больше 4096. Отправьте текст короче.');
    await ru.sendText('x'.repeat(4102));
    expect(ru.lastReply()).toBe('В тексте 4102 символа, а можно не больше 4096. Отправьте текст короче.');
    const photo = [{ file_id: 'AgACAgLong', file_unique_id: 'u1', width: 90, height: 90 }];
    await ru.sendMessage({ photo, caption: 'y'.repeat(1031) });
    expect(ru.lastReply()).toBe('В подписи 1031 символ, а можно не больше 1024. Пришлите покороче.');
    await ru.sendMessage({ photo, caption: 'y'.repeat(1025) });
    expect(ru.lastReply()).toBe('В подписи 1025 символов, а можно не больше 1024. Пришлите покороче.');
    await ru.sendCommand('cancel');
  });

  it('the end’s example is a day after a later start; a start “now” reads as such in the summary (en, ru)', async () => {
    await admin.sendCommand('newmailing');
    await admin.sendText('Later');
    await admin.click('⏭ Skip');
    await admin.click(/^➡️ Continue/);
    await admin.sendText('2099-01-02 10:00');
    // An example the step takes: after the start, not a day from now (before it).
    expect(admin.lastReply()).toBe(
      '🏁 When should sending stop? A date and time in UTC, after the start.\n<code>2099-01-03 10:00</code>',
    );
    await admin.sendCommand('cancel');

    await admin.sendCommand('newmailing');
    await admin.sendText('Now');
    await admin.click('⏭ Skip');
    await admin.click(/^➡️ Continue/);
    await admin.click('▶️ Now');
    await admin.sendText('2099-01-03 10:00');
    await admin.click('⏭ Skip');
    expect(admin.lastReply()).toContain('\nStart: right after you create it\n');
    await admin.sendCommand('cancel');

    await other.sendCommand('start');
    const em = env.em();
    (await em.findOneOrFail(User, { telegramId: other.user.id })).role = 'admin';
    await em.flush();
    try {
      await other.sendCommand('newmailing');
      await other.sendText('Сейчас');
      await other.click('⏭ Пропустить');
      await other.click(/^➡️ Далее/);
      await other.click('▶️ Сейчас');
      await other.sendText('2099-01-03 10:00');
      await other.click('⏭ Пропустить');
      expect(other.lastReply()).toContain('\nНачало: сразу после создания\n');
      await other.sendCommand('cancel');
    } finally {
      (await em.findOneOrFail(User, { telegramId: other.user.id })).role = 'user';
      await em.flush();
    }
  });

  it('the end passing before ✅ Create is said in the admin’s language, and nothing is created (ru)', async () => {
    const ru = env.bot.client({ id: 770_011, first_name: 'Вера', username: 'vera770', language_code: 'ru' });
    await ru.sendCommand('start');
    const em = env.em();
    (await em.findOneOrFail(User, { telegramId: ru.user.id })).role = 'admin';
    await em.flush();
    const before = await env.em().count(Mailing, {});
    await ru.sendCommand('newmailing');
    await ru.sendText('Опоздали');
    await ru.click('⏭ Пропустить');
    await ru.click(/^➡️ Далее/);
    await ru.click('▶️ Сейчас');
    await ru.sendText('2099-01-03 10:00');
    await ru.click('⏭ Пропустить');
    // The admin leaves the summary open past the end they chose (the clock jumps, no waiting).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2099-01-03T10:05:00Z'));
      await ru.click('✅ Создать');
    } finally {
      vi.useRealTimers();
    }
    expect(ru.lastReply()).toBe(
      // The clock is in 2099 now: this year's date, so without the year.
      'Конец рассылки (сб, 3 янв., 10:00) уже прошёл, пока вы её создавали, — рассылка не создана. Начните заново с более поздним концом.',
    );
    expect(await env.em().count(Mailing, {})).toBe(before);
  });

  it('a non-admin pressing the mailing buttons gets "not allowed" and nothing changes', async () => {
    await admin.sendCommand('admin');
    await admin.click('📨 Mailings');
    const buttons = [dataOf(env, admin, '➕ New'), dataOf(env, admin, /^#\d+ /)];
    await admin.click(/^#\d+ /);
    buttons.push(dataOf(env, admin, '🔄 Refresh'), dataOf(env, admin, '◀️ Back to list'));
    await other.sendCommand('menu');
    for (const data of buttons) {
      const before = await env.em().getConnection().execute('select * from mailings order by id');
      await other.pressCallback(lastMessage(env, other), data);
      expect(lastToast(env)).toBe('⛔ Нет доступа');
      expect(await env.em().getConnection().execute('select * from mailings order by id')).toEqual(before);
    }
    await other.sendCommand('newmailing');
    expect(other.lastReply()).toBe('⛔ Нет доступа');
  });
});

const ruRecipients: Partial<Record<Intl.LDMLPluralRule, string>> = { one: 'адресат', few: 'адресата' };

describe('the audience builder', () => {
  let ruAdmin: BotClient;

  beforeAll(async () => {
    ruAdmin = env.bot.client({ id: 770_004, first_name: 'Ира', username: 'ira770', language_code: 'ru' });
    await ruAdmin.sendCommand('start');
    const em = env.em();
    const ira = await em.findOneOrFail(User, { telegramId: ruAdmin.user.id });
    ira.role = 'admin';
    await em.flush();
    // #promo, operator 916, Russian: 4 match all three; the rest miss exactly one condition.
    await seedUsers(em, 4, { tags: ['promo'], operatorCode: '916', language: 'ru' });
    await seedUsers(em, 2, { tags: ['promo'], operatorCode: '916', language: 'en' });
    await seedUsers(em, 3, { tags: ['promo'], operatorCode: '903', language: 'ru' });
    await seedUsers(em, 5, { tags: ['other'], operatorCode: '916', language: 'ru' });
    await seedUsers(em, 1, { tags: ['promo'], operatorCode: '916', language: 'ru', botBlocked: true });
  });

  /** The dialog's audience message in this chat (the one the builder keeps editing). */
  const builderOf = (client: BotClient, title: string): ChatMessage => {
    const found = env.telegram.chat(client.chatId).findLast((m) => m.text.includes(title));
    if (!found) throw new Error(`no audience message in chat ${client.chatId}`);
    return found;
  };
  const countQueries = (sql: string[]) => sql.filter((q) => /count\(\*\) as n from users u/.test(q)).length;

  async function startDialog(client: BotClient, text: string) {
    await client.sendCommand('newmailing');
    await client.sendText(text);
    await client.sendCommand('skip');
  }

  it('combines tags, operator codes and a language in one message edited in place; Continue counts those matching all three; the filter is stored', async () => {
    const sendsBefore = env.telegram.callsOf('sendMessage').length;
    await startDialog(admin, 'Promo');
    const builder = builderOf(admin, 'Who gets it?');
    const everyone = await countAudience(env.em(), {});
    expect(admin.buttons()).toContain(`✓ 👥 Everyone · ${everyone}`);
    const answersBefore = env.telegram.callsOf('answerCallbackQuery').length;

    await admin.click('🏷 Tags…');
    expect(builderOf(admin, 'Who gets it?').message_id).toBe(builder.message_id);
    expect(admin.lastReply()).toContain('Send the tags, separated by spaces or commas');
    expect(admin.buttons()).toEqual(['◀️ Back']);
    await admin.sendText('#Promo, gold');
    expect(admin.lastReply()).toContain('Audience: #promo #gold\nRecipients now: <b>9</b>');
    expect(admin.buttons()).toEqual([
      `👥 Everyone · ${everyone}`,
      '✓ 🏷 Tags…',
      '📱 Operator codes…',
      '🇷🇺 Русский · 7',
      '🇬🇧 English · 2',
      '➡️ Continue with 9 recipients',
      '✖️ Cancel',
    ]);

    await admin.click('📱 Operator codes…');
    await admin.sendText('916');
    expect(admin.buttons()).toContain('➡️ Continue with 6 recipients');

    // A toggle shows what pressing it gives: on, Russian gives 4; off again it would give 6.
    expect(admin.buttons()).toContain('🇷🇺 Русский · 4');
    const toggleSql = await sqlOf(env, () => admin.click('🇷🇺 Русский · 4'));
    // current, everyone, and each language toggled: four COUNTs, nothing more.
    expect(countQueries(toggleSql)).toBe(4);
    expect(admin.buttons()).toEqual([
      `👥 Everyone · ${everyone}`,
      '✓ 🏷 Tags…',
      '✓ 📱 Operator codes…',
      '✓ 🇷🇺 Русский · 6',
      '🇬🇧 English · 6',
      '➡️ Continue with 4 recipients',
      '✖️ Cancel',
    ]);
    const filter = { tags: ['promo', 'gold'], operatorCodes: ['916'], languages: ['ru'] };
    expect(await countAudience(env.em(), filter)).toBe(4);
    expect(admin.lastReply()).toContain('Audience: #promo #gold · operator codes 916 · 🇷🇺 Русский');

    // Back from a prompt restores the screen without counting again.
    await admin.click('✓ 🏷 Tags…');
    expect(countQueries(await sqlOf(env, () => admin.click('◀️ Back')))).toBe(0);
    expect(admin.buttons()).toContain('➡️ Continue with 4 recipients');

    await admin.click('➡️ Continue with 4 recipients');
    expect(admin.lastReply()).toContain('When to start?');
    // The whole audience step was one message, edited in place, and is left without buttons.
    const sent = env.telegram.callsOf('sendMessage').slice(sendsBefore);
    expect(sent.filter((c) => String(c.payload.text).includes('Who gets it?'))).toHaveLength(1);
    const edits = env.telegram
      .callsOf('editMessageText')
      .filter((c) => c.payload.chat_id === admin.chatId && c.payload.message_id === builder.message_id);
    expect(edits).toHaveLength(8);
    const final = env.telegram.chat(admin.chatId).find((m) => m.message_id === builder.message_id);
    expect(final?.text).toContain('Recipients now: <b>4</b>');
    expect(final?.reply_markup).toBeUndefined();
    // Every press answered exactly once (the fake refuses a second answer).
    const answers = env.telegram.callsOf('answerCallbackQuery').slice(answersBefore);
    expect(answers).toHaveLength(6);
    expect(new Set(answers.map((a) => a.payload.callback_query_id)).size).toBe(6);

    await admin.click('▶️ Now');
    await admin.sendText('2099-01-03 10:00');
    await admin.sendCommand('skip');
    expect(admin.lastReply()).toContain('Audience: #promo #gold · operator codes 916 · 🇷🇺 Русский (4 recipients now)');
    await admin.click('✅ Create');
    const created = await env.em().findOneOrFail(Mailing, { text: 'Promo' });
    expect(created.filter).toEqual(filter);
    expect(await countAudience(env.em(), created.filter)).toBe(4);
  });

  it('toggles a language off again, clears a condition with /skip or "-", and Everyone clears them all', async () => {
    await startDialog(admin, 'Toggles');
    await admin.click('🏷 Tags…');
    await admin.sendText('#, #');
    expect(admin.lastReply()).toBe('I found no values there. Send them again, or /skip.');
    await admin.sendText('promo');
    await admin.click('📱 Operator codes…');
    await admin.sendText('91x');
    expect(admin.lastReply()).toBe(
      'An operator code is digits only (up to 8), e.g. <code>916</code>. Send the codes again, or /skip.',
    );
    await admin.sendText('916, 903');
    expect(admin.buttons()).toContain('➡️ Continue with 9 recipients');

    await admin.click('🇬🇧 English · 2');
    expect(admin.buttons()).toContain('➡️ Continue with 2 recipients');
    await admin.click('✓ 🇬🇧 English · 9');
    expect(admin.lastReply()).toContain('Audience: #promo · operator codes 916, 903\nRecipients now: <b>9</b>');
    expect(admin.buttons()).toContain('🇬🇧 English · 2');

    await admin.click('🇷🇺 Русский · 7');
    await admin.click('🇬🇧 English · 9');
    expect(admin.lastReply()).toContain('🇷🇺 Русский, 🇬🇧 English');
    expect(admin.buttons()).toContain('➡️ Continue with 9 recipients');

    await admin.click('✓ 📱 Operator codes…');
    await admin.sendCommand('skip');
    expect(admin.lastReply()).toContain('Audience: #promo · 🇷🇺 Русский, 🇬🇧 English\n');
    expect(admin.buttons()).toContain('📱 Operator codes…');
    await admin.click('✓ 🏷 Tags…');
    await admin.sendText('-');
    expect(admin.lastReply()).toContain('Audience: 🇷🇺 Русский, 🇬🇧 English\n');
    expect(admin.buttons()).toContain('🏷 Tags…');

    await admin.click('🏷 Tags…');
    await admin.sendText('promo');
    const everyone = await countAudience(env.em(), {});
    await admin.click(`👥 Everyone · ${everyone}`);
    expect(admin.lastReply()).toContain(`Audience: everyone\nRecipients now: <b>${everyone}</b>`);
    expect(admin.buttons()[0]).toBe(`✓ 👥 Everyone · ${everyone}`);
    await admin.sendCommand('cancel');
  });

  it('refuses Continue when nobody matches, with an alert, and stays on the audience step', async () => {
    await startDialog(admin, 'Nobody');
    await admin.click('🏷 Tags…');
    await admin.sendText('nobody-has-this');
    expect(admin.buttons()).toContain('🚫 No recipients');
    const sends = env.telegram.callsOf('sendMessage').length;
    await admin.click('🚫 No recipients');
    const answer = env.telegram.callsOf('answerCallbackQuery').at(-1);
    expect(answer?.payload).toMatchObject({
      text: 'Nobody matches these conditions right now. Remove one of them or choose Everyone.',
      show_alert: true,
    });
    expect(env.telegram.callsOf('sendMessage')).toHaveLength(sends);
    expect(admin.lastReply()).toContain('Recipients now: <b>0</b>');

    await admin.click('✓ 🏷 Tags…');
    await admin.sendText('promo');
    await admin.click('➡️ Continue with 9 recipients');
    expect(admin.lastReply()).toContain('When to start?');
    await admin.sendCommand('cancel');
  });

  it('speaks Russian to a Russian admin', async () => {
    await startDialog(ruAdmin, 'Промо');
    const everyone = await countAudience(env.em(), {});
    expect(ruAdmin.lastReply()).toContain('👥 <b>Кому отправить?</b>\nАудитория: все');
    expect(ruAdmin.lastReply()).toContain('Условия можно сочетать');
    expect(ruAdmin.buttons()).toEqual([
      `✓ 👥 Всем · ${everyone}`,
      '🏷 Теги…',
      '📱 Коды операторов…',
      `🇷🇺 Русский · ${await countAudience(env.em(), { languages: ['ru'] })}`,
      `🇬🇧 English · ${await countAudience(env.em(), { languages: ['en'] })}`,
      // The word follows the count (earlier tests of this file add users): 21 адресат, 22 адресата, 25 адресатов.
      `➡️ Далее · ${everyone} ${ruRecipients[new Intl.PluralRules('ru').select(everyone)] ?? 'адресатов'}`,
      '✖️ Отмена',
    ]);
    await ruAdmin.click('🏷 Теги…');
    expect(ruAdmin.lastReply()).toContain('Отправьте теги через пробел или запятую');
    await ruAdmin.sendText('promo');
    await ruAdmin.click('📱 Коды операторов…');
    await ruAdmin.sendText('x');
    expect(ruAdmin.lastReply()).toContain('Код оператора — только цифры');
    await ruAdmin.sendText('916');
    await ruAdmin.click('🇷🇺 Русский · 4');
    expect(ruAdmin.lastReply()).toContain('Аудитория: #promo · коды операторов 916 · 🇷🇺 Русский');
    expect(ruAdmin.buttons()).toContain('➡️ Далее · 4 адресата');
    await ruAdmin.click('✓ 🏷 Теги…');
    await ruAdmin.sendText('nobody-has-this');
    await ruAdmin.click('🚫 Нет адресатов');
    expect(lastToast(env)).toBe('Сейчас под эти условия никто не подходит. Уберите одно из них или выберите «Всем».');
    await ruAdmin.sendCommand('cancel');
    // Left the dialog (where /cancel leads is the home feature's business).
    expect(ruAdmin.lastReply()).not.toContain('Кому отправить');
  });
});

describe('a message where a screen waits for a button, and an admin demoted mid-dialog', () => {
  /** The message `id` of this chat as it is now. */
  const messageOf = (client: BotClient, id: number) =>
    env.telegram.chat(client.chatId).find((m) => m.message_id === id);
  const audienceCounts = (sql: string[]) => sql.filter((q) => /count\(\*\) as n from users u/.test(q)).length;

  it('a text or a photo on the audience screen or the summary gets a hint; the screen above keeps working and nothing changes', async () => {
    const before = await env.em().count(Mailing, {});
    await admin.sendCommand('newmailing');
    await admin.sendText('Hinted');
    await admin.click('⏭ Skip');
    const builder = lastMessage(env, admin);
    expect(builder.text).toContain('Who gets it?');

    // Typed tags without pressing 🏷 Tags… first: told how, and not counted or taken as anything.
    const typed = await sqlOf(env, () => admin.sendText('vip'));
    expect(admin.lastReply()).toBe(
      '👆 Choose the audience with the buttons above. To type tags or operator codes, tap 🏷 Tags… or 📱 Operator codes… first. /cancel stops.',
    );
    expect(audienceCounts(typed)).toBe(0);
    const photo = [{ file_id: 'AgACAgHint', file_unique_id: 'h1', width: 90, height: 90 }];
    await admin.sendMessage({ photo, caption: 'vip' });
    expect(admin.lastReply()).toContain('👆 Choose the audience with the buttons above.');
    expect(messageOf(admin, builder.message_id)).toEqual(builder);
    await admin.click(/^➡️ Continue with/);
    expect(admin.lastReply()).toContain('When to start?');

    await admin.click('▶️ Now');
    await admin.sendText('2099-01-03 10:00');
    await admin.click('⏭ Skip');
    const summary = lastMessage(env, admin);
    expect(summary.text).toContain('Create it?');
    await admin.sendText('yes');
    expect(admin.lastReply()).toBe('👆 Tap ✅ Create above to create the mailing, or ✖️ Cancel (/cancel) to drop it.');
    await admin.sendSticker();
    expect(admin.lastReply()).toBe('👆 Tap ✅ Create above to create the mailing, or ✖️ Cancel (/cancel) to drop it.');
    expect(messageOf(admin, summary.message_id)).toEqual(summary);
    expect(await env.em().count(Mailing, {})).toBe(before);
    await admin.click('✅ Create');
    expect(await env.em().count(Mailing, {})).toBe(before + 1);
    expect(admin.lastReply()).toContain('🕒 scheduled');
  });

  it('ru: the hints on the audience screen and the summary are in Russian', async () => {
    const ru = env.bot.client({ id: 770_012, first_name: 'Зоя', username: 'zoya770', language_code: 'ru' });
    await ru.sendCommand('start');
    const em = env.em();
    (await em.findOneOrFail(User, { telegramId: ru.user.id })).role = 'admin';
    await em.flush();
    await ru.sendCommand('newmailing');
    await ru.sendText('Подсказка');
    await ru.click('⏭ Пропустить');
    await ru.sendText('vip');
    expect(ru.lastReply()).toBe(
      '👆 Выберите аудиторию кнопками выше. Чтобы ввести теги или коды операторов, сначала нажмите «🏷 Теги…» или «📱 Коды операторов…». /cancel — выйти.',
    );
    await ru.click(/^➡️ Далее/);
    await ru.click('▶️ Сейчас');
    await ru.sendText('2099-01-03 10:00');
    await ru.click('⏭ Пропустить');
    await ru.sendText('да');
    expect(ru.lastReply()).toBe(
      '👆 Нажмите «✅ Создать» выше, чтобы создать рассылку, или «✖️ Отмена» (/cancel), чтобы отказаться от неё.',
    );
    expect(ru.buttons()).toEqual(['✅ Создать', '✖️ Отмена']);
    await ru.sendCommand('cancel');
  });

  it('a photo where a step wants typed text (start, tags) is told so instead of being ignored', async () => {
    const photo = [{ file_id: 'AgACAgText', file_unique_id: 't1', width: 90, height: 90 }];
    await admin.sendCommand('newmailing');
    await admin.sendText('Typed');
    await admin.click('⏭ Skip');
    await admin.click('🏷 Tags…');
    await admin.sendMessage({ photo });
    expect(admin.lastReply()).toBe('✍️ I need a text message here.');
    await admin.click('◀️ Back');
    await admin.click(/^➡️ Continue with/);
    await admin.sendMessage({ photo });
    expect(admin.lastReply()).toBe('✍️ I need a text message here.');
    await admin.sendCommand('cancel');
  });

  it('an admin demoted during the creation dialog: the next press gets “not allowed”, no count, and the main menu in the dialog’s message', async () => {
    const { client: former, setRole } = await demotableAdmin(env, {
      id: 770_013,
      first_name: 'Max',
      username: 'max770',
    });
    await former.sendCommand('newmailing');
    await former.sendText('For admins only');
    await former.click('⏭ Skip');
    const builder = lastMessage(env, former);
    expect(builder.text).toContain('Who gets it?');
    await setRole('user');

    const sql = await sqlOf(env, () => former.click(/^🇷🇺 Русский · /));
    expect(lastToast(env)).toBe('⛔ Not allowed');
    expect(audienceCounts(sql)).toBe(0);
    const shown = messageOf(former, builder.message_id);
    expect(shown?.text).not.toContain('Who gets it?');
    expect(shown?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('📋 Tasks');
    expect(shown?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).not.toContain('🛠 Admin');
    // The dialog is over: a text now is no answer to it.
    const replies = former.replies().length;
    await former.sendText('2099-01-03 10:00');
    expect(former.replies().slice(replies).join('\n')).not.toMatch(/When to start|Not allowed/);

    // Demoted at a typed step: "not allowed" below, the main menu in the step's message.
    await setRole('admin');
    await former.sendCommand('newmailing');
    await former.sendText('Again');
    await former.click('⏭ Skip');
    await former.click(/^➡️ Continue with/);
    const startStep = lastMessage(env, former);
    expect(startStep.text).toContain('When to start?');
    await setRole('user');
    await former.sendText('2099-01-02 10:00');
    expect(former.replies()).toContain('⛔ Not allowed');
    const step = messageOf(former, startStep.message_id);
    expect(step?.text).not.toContain('When to start?');
    expect(step?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('📋 Tasks');
    expect(former.replies().join('\n')).not.toContain('When should sending stop');
    expect(await env.em().count(Mailing, { text: { $in: ['For admins only', 'Again'] } })).toBe(0);
  });
});
