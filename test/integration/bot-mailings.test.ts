import { beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry, Mailing, User } from '../../src/db/entities/index.js';
import { refreshLiveCards } from '../../src/jobs/mailing-cards.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { dataOf, lastMessage, lastToast } from '../helpers/tasks.js';

/** SPEC §2.5 in the bot: the new-mailing dialog, the mailing list and card, cancel. */
const env = useTestEnvironment();

let admin: BotClient;
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
  it('re-asks on bad text, previews the HTML exactly, shows live counts, validates times and window, creates', async () => {
    await admin.sendCommand('newmailing');
    expect(admin.lastReply()).toContain('Send the mailing text');

    await admin.sendText('x'.repeat(4097));
    expect(admin.lastReply()).toContain('The text has 4097 characters; the limit is 4096');
    await admin.sendText('<b>Hello');
    expect(admin.lastReply()).toContain('The HTML is not valid');
    await admin.sendText('<script>x</script>');
    expect(admin.lastReply()).toContain('The HTML is not valid');

    const text = '<b>Hello</b> & <i>welcome</i>'.replace('&', '&amp;');
    await admin.sendText(text);
    const preview = env.telegram.callsOf('sendMessage').find((c) => c.payload.text === text);
    expect(preview?.payload.parse_mode).toBe('HTML');
    expect(admin.replies()).toContain('👆 This is exactly what recipients will get.');

    // Live counts: everyone = 3 users, Russian = 1, English = 2.
    expect(admin.buttons()).toEqual([
      '👥 Everyone · 3',
      '🏷 By tags',
      '📱 By operator codes',
      '🇷🇺 Русский · 1',
      '🇬🇧 English · 2',
    ]);
    await admin.click('🏷 By tags');
    await admin.sendText('#bad tag with spaces is fine vip');
    expect(admin.buttons()).toContain('✅ Use it · 1');
    await admin.click('↩️ Choose again');
    expect(admin.buttons()).toContain('👥 Everyone · 3');
    await admin.click('🏷 By tags');
    await admin.sendText('#VIP');
    expect(admin.lastReply()).toContain('Audience: #vip (1 recipients now)');
    await admin.click('✅ Use it · 1');

    expect(admin.lastReply()).toContain('When to start?');
    await admin.sendText('someday');
    expect(admin.lastReply()).toContain('I could not read “someday”');
    await admin.sendText('2001-01-01 10:00');
    expect(admin.lastReply()).toContain('has already passed');
    await admin.sendText('2099-01-02 10:00');

    expect(admin.lastReply()).toContain('Until when');
    await admin.sendText('2099-01-01 10:00');
    expect(admin.lastReply()).toContain('The end must be after the start (02.01.2099 10:00)');
    await admin.sendText('2099-01-03 10:00');

    expect(admin.lastReply()).toContain('sending window');
    await admin.sendText('9 to 5');
    expect(admin.lastReply()).toContain('A window looks like');
    await admin.sendText('10:00-10:00');
    expect(admin.lastReply()).toContain('A window looks like');
    await admin.sendText('25:00-21:00');
    expect(admin.lastReply()).toContain('A window looks like');
    await admin.sendText('9:00-21:00');

    const summary = admin.lastReply();
    expect(summary).toContain('Audience: #vip (1 recipients now)');
    expect(summary).toContain('Start: 02.01.2099 10:00');
    expect(summary).toContain('End: 03.01.2099 10:00');
    expect(summary).toContain('Window: 09:00-21:00');
    await admin.click('✅ Create');

    const mailings = await env.em().find(Mailing, {});
    expect(mailings).toHaveLength(1);
    const m = mailings[0] as Mailing;
    expect(m.text).toBe(text);
    expect(m.filter).toEqual({ tags: ['vip'] });
    expect(m.startAt.toISOString()).toBe('2099-01-02T10:00:00.000Z');
    expect(m.endAt.toISOString()).toBe('2099-01-03T10:00:00.000Z');
    expect([m.windowFrom, m.windowTo]).toEqual([540, 1260]);
    expect(admin.replies()).toContain(`✅ Mailing #${m.id} created.`);
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
    expect(await refreshLiveCards(env.services)).toBe(0);
    await env.em().nativeUpdate(Mailing, { id: m.id }, { status: 'scheduled' });
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
    expect(admin.buttons().some((b) => /^#\d+ ✖️ cancelled · 0\/0$/.test(b))).toBe(true);
    await admin.click(/^#\d+ /);
    expect(admin.lastReply()).toContain('Mailing #');
    await admin.click('◀️ To the list');
    await admin.click('➕ New');
    expect(admin.lastReply()).toContain('Send the mailing text');
    await admin.sendCommand('cancel');
  });

  it('a non-admin pressing the mailing buttons gets "not allowed" and nothing changes', async () => {
    await admin.sendCommand('admin');
    await admin.click('📨 Mailings');
    const buttons = [dataOf(env, admin, '➕ New'), dataOf(env, admin, /^#\d+ /)];
    await admin.click(/^#\d+ /);
    buttons.push(dataOf(env, admin, '🔄 Refresh'), dataOf(env, admin, '◀️ To the list'));
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
