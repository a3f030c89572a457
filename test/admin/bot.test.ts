import { beforeAll, describe, expect, it } from 'vitest';
import { issueRefreshToken } from '../../src/features/accounts/refresh-tokens.js';
import { AuditEntry } from '../../src/features/audit/audit.entity.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { Mailing } from '../../src/features/mailings/mailing.entities.js';
import { Task } from '../../src/features/tasks/task.entities.js';
import { updateProfile } from '../../src/features/users/profile.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { newMailing } from '../helpers/mailings.js';
import { clockIn, lastToast, localAt, userOf } from '../helpers/tasks.js';

/** SPEC §2.4: the admin panel in the bot: menu, stats, user search, the user card and its actions. */
const env = useTestEnvironment();

let admin: BotClient;
let ann: BotClient;
let bob: BotClient;
let annId = '';

async function makeAdmin(client: BotClient) {
  const em = env.em();
  const user = await em.findOneOrFail(User, { telegramId: client.user.id });
  user.role = 'admin';
  await em.flush();
}

const auditOf = (targetId: string) =>
  env.em().find(AuditEntry, { targetId }, { orderBy: { id: 'asc' }, populate: ['actor'] });

beforeAll(async () => {
  admin = env.bot.client({ id: 750_001, first_name: 'Root', username: 'root_admin', language_code: 'en' });
  ann = env.bot.client({ id: 750_002, first_name: 'Ann', username: 'annie_t', language_code: 'en' });
  bob = env.bot.client({ id: 750_003, first_name: 'Bob', username: 'bobby', language_code: 'ru' });
  for (const c of [admin, ann, bob]) await c.sendCommand('start');
  await makeAdmin(admin);
  annId = (await userOf(env, ann)).id;
});

describe('the admin entry', () => {
  it('shows 🛠 Admin in the main menu of admins only', async () => {
    await admin.sendCommand('menu');
    expect(admin.buttons()).toContain('🛠 Admin');
    await ann.sendCommand('menu');
    expect(ann.buttons()).not.toContain('🛠 Admin');
    await admin.click('🛠 Admin');
    expect(admin.lastReply()).toContain('Admin panel');
    expect(admin.buttons()).toEqual(['📊 Stats', '👥 Users', '📨 Mailings', '◀️ Back']);
  });

  it('/admin opens the panel for an admin', async () => {
    await admin.sendCommand('admin');
    expect(admin.lastReply()).toContain('Admin panel');
  });

  it('/help names the admin commands to admins only, in their language', async () => {
    await admin.sendCommand('help');
    expect(admin.lastReply()).toContain('🛠 <b>For admins</b>\n/admin: the admin panel (stats, users, mailings)');
    await ann.sendCommand('help');
    expect(ann.lastReply()).toContain('/help: this message');
    expect(ann.lastReply()).not.toContain('For admins');
    await bob.sendCommand('help');
    expect(bob.lastReply()).not.toContain('/newmailing');
    await makeAdmin(bob);
    await bob.sendCommand('help');
    expect(bob.lastReply()).toContain('🛠 <b>Для администраторов</b>\n/admin: панель администратора');
    const em = env.em();
    (await em.findOneOrFail(User, { telegramId: bob.user.id })).role = 'user';
    await em.flush();
  });
});

describe('stats', () => {
  it('counts users, tasks, messages and mailings', async () => {
    const em = env.em();
    const annUser = await em.findOneOrFail(User, { id: annId });
    em.create(Task, { owner: annUser, title: 'One' } as never);
    em.create(Task, { owner: annUser, title: 'Two', status: 'done' } as never);
    const bobUser = await em.findOneOrFail(User, { telegramId: bob.user.id });
    bobUser.botBlocked = true;
    em.create(Message, { kind: 'pm', from: annUser, to: bobUser, text: 'hi' } as never);
    await em.flush();

    await admin.sendCommand('admin');
    await admin.click('📊 Stats');
    const text = admin.lastReply();
    expect(text).toContain('Users</b>: 3');
    expect(text).toContain('Active in the last 7 days: 3');
    expect(text).toContain('Blocked the bot: 1');
    expect(text).toContain('to do 1, in progress 0, done 1');
    expect(text).toContain('in the last 24 h: 1');
    expect(text).toContain('scheduled 0, running 0, paused 0, completed 0, cancelled 0');
    await admin.click('◀️ Back');
    expect(admin.lastReply()).toContain('Admin panel');
  });

  it('shows mailings by every status, paused included (SPEC §2.4), in English and Russian', async () => {
    const later = { startAt: new Date(Date.now() + 3600_000), endAt: new Date(Date.now() + 7200_000) };
    const statuses = ['scheduled', 'running', 'paused', 'paused', 'completed', 'cancelled', 'cancelled', 'cancelled'];
    for (const status of statuses) {
      const mailing = await newMailing(env.services, { text: `stats ${status}`, ...later });
      await env.em().nativeUpdate(Mailing, { id: mailing.id }, { status: status as Mailing['status'] });
    }
    await admin.sendCommand('admin');
    await admin.click('📊 Stats');
    expect(admin.lastReply()).toContain('<b>Mailings</b>: scheduled 1, running 1, paused 2, completed 1, cancelled 3');

    const ru = env.bot.client({ id: 750_009, first_name: 'Ира', username: 'ira750', language_code: 'ru' });
    await ru.sendCommand('start');
    await makeAdmin(ru);
    await ru.sendCommand('admin');
    await ru.click('📊 Статистика');
    expect(ru.lastReply()).toContain('<b>Рассылки</b>: запланировано 1, идёт 1, на паузе 2, завершено 1, отменено 3');
    await env.em().nativeDelete(Mailing, { text: { $like: 'stats %' } });
  });
});

describe('user search', () => {
  it('finds by username prefix (with or without @) and pages the results', async () => {
    await admin.sendCommand('admin');
    await admin.click('👥 Users');
    expect(admin.lastReply()).toContain('username prefix');
    await admin.sendText('no spaces allowed');
    expect(admin.lastReply()).toContain('neither a username prefix');
    await admin.sendText('@ANN');
    expect(admin.lastReply()).toContain('Users matching <b>@ANN</b>: 1');
    expect(admin.buttons()).toContain('Ann @annie_t');
  });

  it('finds by numeric id and by Telegram id; says when nobody matches', async () => {
    await admin.click('🔎 New search');
    await admin.sendText(annId);
    expect(admin.buttons()).toContain('Ann @annie_t');
    await admin.click('🔎 New search');
    await admin.sendText(String(bob.user.id));
    expect(admin.buttons()).toContain('Bob @bobby');
    await admin.click('🔎 New search');
    await admin.sendText('zzz_nobody');
    expect(admin.lastReply()).toContain('Nobody matches');
  });

  it('pages long result lists', async () => {
    const em = env.em();
    for (let i = 0; i < 10; i++) em.create(User, { username: `pager${i}`, accountState: 'active' });
    await em.flush();
    await admin.click('🔎 New search');
    await admin.sendText('pager');
    expect(admin.lastReply()).toContain(': 10');
    expect(admin.buttons()).toContain('1/2');
    await admin.click('▶️');
    expect(admin.buttons()).toContain('2/2');
    expect(admin.buttons().filter((b) => b.startsWith('pager'))).toHaveLength(2);
  });
});

describe('the admin dialogs: ✖️ Cancel and /cancel return where they began, in place', () => {
  const shown = (client: BotClient, id: number) => env.telegram.chat(client.chatId).find((m) => m.message_id === id);
  const labelsIn = (client: BotClient, id: number) =>
    shown(client, id)
      ?.reply_markup?.inline_keyboard?.flat()
      .map((b) => b.text) ?? [];

  it('the search: from Admin back to Admin; from the results back to them; the results in the same message', async () => {
    await admin.sendCommand('admin');
    const panel = env.telegram.chat(admin.chatId).at(-1)?.message_id ?? 0;
    await admin.click('👥 Users');
    expect(shown(admin, panel)?.text).toContain('username prefix');
    expect(labelsIn(admin, panel)).toEqual(['✖️ Cancel']);
    await admin.click('✖️ Cancel');
    expect(shown(admin, panel)?.text).toContain('Admin panel');
    expect(labelsIn(admin, panel)).toContain('👥 Users');

    await admin.click('👥 Users');
    await admin.sendText('no spaces allowed');
    // The re-ask carries Cancel too; the answer then lands in the dialog's message.
    expect(admin.lastReply()).toContain('neither a username prefix');
    expect(admin.buttons()).toEqual(['✖️ Cancel']);
    await admin.sendText('annie');
    expect(shown(admin, panel)?.text).toContain('Users matching <b>annie</b>: 1');
    expect(labelsIn(admin, panel)).toContain('Ann @annie_t');

    await admin.click('🔎 New search');
    await admin.sendCommand('cancel');
    expect(shown(admin, panel)?.text).toContain('Users matching <b>annie</b>: 1');
    expect(admin.replies()).not.toContain('Cancelled.');
  });

  it('adding a tag: ✖️ Cancel shows the card again, unchanged; a demoted admin gets the main menu', async () => {
    const before = (await env.em().findOneOrFail(User, { id: annId })).tags;
    await admin.sendCommand('admin');
    await admin.click('👥 Users');
    await admin.sendText('annie');
    await admin.click('Ann @annie_t');
    const card = env.telegram.chat(admin.chatId).at(-1)?.message_id ?? 0;
    await admin.click('🏷 Add tag');
    expect(shown(admin, card)?.text).toContain('Send one or more tags for Ann');
    expect(labelsIn(admin, card)).toEqual(['✖️ Cancel']);
    await admin.sendText('bad tag!');
    expect(admin.buttons()).toEqual(['✖️ Cancel']);
    // Cancel pressed on the re-ask: the card comes back in that message; the prompt above keeps no buttons.
    await admin.click('✖️ Cancel');
    expect(admin.lastReply()).toContain(`Ann</b> (id ${annId})`);
    expect(admin.buttons()).toContain('🏷 Add tag');
    expect(labelsIn(admin, card)).toEqual([]);
    expect((await env.em().findOneOrFail(User, { id: annId })).tags).toEqual(before);

    await admin.click('🏷 Add tag');
    const prompt = env.telegram.chat(admin.chatId).at(-1)?.message_id ?? 0;
    const em = env.em();
    (await em.findOneOrFail(User, { telegramId: admin.user.id })).role = 'user';
    await em.flush();
    try {
      await admin.sendCommand('cancel');
      expect(labelsIn(admin, prompt)).toEqual(['📋 Tasks', '💬 Chat', '⚙️ Settings', '❓ Help']);
    } finally {
      await makeAdmin(admin);
    }
  });

  it('ru: the same, in Russian', async () => {
    const ru = env.bot.client({ id: 750_009, first_name: 'Ира', username: 'ira750', language_code: 'ru' });
    await ru.sendCommand('start');
    await makeAdmin(ru);
    await ru.sendCommand('admin');
    const panel = env.telegram.chat(ru.chatId).at(-1)?.message_id ?? 0;
    await ru.click('👥 Пользователи');
    expect(shown(ru, panel)?.text).toContain('Отправьте начало имени пользователя');
    expect(labelsIn(ru, panel)).toEqual(['✖️ Отмена']);
    await ru.click('✖️ Отмена');
    expect(shown(ru, panel)?.text).toContain('Панель администратора');
    // A user's card in Russian: the language by its name, "no tags" as Russian says it.
    await ru.click('👥 Пользователи');
    await ru.sendText('annie');
    await ru.click('Ann @annie_t');
    expect(ru.lastReply()).toContain('Язык: English, часовой пояс: UTC');
    expect(ru.lastReply()).toMatch(/Теги: (нет|#\S+)/);
  });
});

describe('the user card', () => {
  async function openAnn() {
    await admin.sendCommand('admin');
    await admin.click('👥 Users');
    await admin.sendText('annie');
    await admin.click('Ann @annie_t');
  }

  it('shows the user', async () => {
    await openAnn();
    const text = admin.lastReply();
    expect(text).toContain(`Ann</b> (id ${annId})`);
    expect(text).toContain('@annie_t');
    expect(text).toContain('Language: English, time zone: UTC');
    expect(text).toContain('Tags: none');
    expect(text).toContain('Role: user');
    expect(text).toContain('Status: active');
    expect(admin.buttons()).toEqual(
      expect.arrayContaining(['⛔ Ban', '⭐ Make admin', '🏷 Add tag', '◀️ Back to results']),
    );
  });

  it('bans: the user gets one "blocked" answer, then silence; refresh tokens are revoked; the API answers 403', async () => {
    // Ann's Telegram user is linked to an HTTP account so the API sees the ban.
    const em = env.em();
    const annUser = await em.findOneOrFail(User, { id: annId });
    annUser.username = 'ann_http2';
    annUser.accountState = 'active';
    await em.flush();
    await issueRefreshToken(em, annId);
    await em.flush();

    await openAnn();
    await admin.click('⛔ Ban');
    // It asks first (issue 14); Cancel changes nothing, Yes bans.
    expect(admin.lastReply()).toContain('⚠️ Ban ');
    expect(admin.buttons()).toEqual(['⛔ Yes, ban', '✖️ Cancel']);
    await admin.click('✖️ Cancel');
    expect(admin.lastReply()).not.toContain('⚠️');
    expect(admin.lastReply()).not.toContain('Status: ⛔ banned');
    // Banned meanwhile by someone else: the Yes says so and does nothing (no second audit entry).
    await admin.click('⛔ Ban');
    await env.em().nativeUpdate(User, { id: annId }, { status: 'banned' });
    const audited = await env.em().count(AuditEntry, {});
    await admin.click('⛔ Yes, ban');
    expect(lastToast(env)).toBe('Already done meanwhile, by someone else: here is the card as it is now.');
    expect(admin.lastReply()).toContain('Status: ⛔ banned');
    expect(await env.em().count(AuditEntry, {})).toBe(audited);
    await env.em().nativeUpdate(User, { id: annId }, { status: 'active' });

    await openAnn();
    await admin.click('⛔ Ban');
    await admin.click('⛔ Yes, ban');
    expect(lastToast(env)).toBe('User banned.');
    expect(admin.lastReply()).toContain('Status: ⛔ banned');
    expect(admin.buttons()).toContain('✅ Unban');
    // Someone banned is not offered the admin role.
    expect(admin.buttons()).not.toContain('⭐ Make admin');

    const rows = await env
      .em()
      .getConnection()
      .execute<Array<{ revoked_at: Date | null }>>('select revoked_at from refresh_tokens where user_id = ?', [annId]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true);

    const before = ann.replies().length;
    await ann.sendCommand('menu');
    await ann.sendText('hello?');
    await ann.sendCommand('tasks');
    const after = ann.replies().slice(before);
    expect(after).toEqual(['⛔ Your access to Gramdesk has been blocked by an administrator.']);

    const { issueAccessToken } = await import('../../src/platform/auth/access-token.js');
    const { token } = await issueAccessToken(env.services.keys, env.services.config.publicUrl, annId);
    const res = await env.app.request('/users/me', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);

    const audit = await auditOf(annId);
    expect(audit.map((a) => a.action)).toContain('user.ban');
    expect(audit.find((a) => a.action === 'user.ban')?.actor?.id).toBe((await userOf(env, admin)).id);
  });

  it('unbans: the user is served again', async () => {
    await admin.click('✅ Unban');
    await admin.click('✅ Yes, unban');
    expect(lastToast(env)).toBe('User unbanned.');
    expect(admin.lastReply()).toContain('Status: active');
    await ann.sendCommand('menu');
    expect(ann.lastReply()).toContain('What would you like to do?');
    expect((await auditOf(annId)).map((a) => a.action)).toContain('user.unban');
  });

  it('makes and removes an admin, registering the admin commands in their chat', async () => {
    env.telegram.clear();
    await admin.click('⭐ Make admin');
    await admin.click('⭐ Yes, make admin');
    expect(lastToast(env)).toBe('Now an admin.');
    expect(admin.lastReply()).toContain('Role: admin');
    const set = env.telegram.callsOf('setMyCommands').at(-1);
    expect(set?.payload.scope).toEqual({ type: 'chat', chat_id: ann.user.id });
    const commands = ((set?.payload.commands ?? []) as Array<{ command: string }>).map((c) => c.command);
    expect(commands).toEqual(expect.arrayContaining(['admin', 'newmailing', 'start', 'tasks']));
    // Ann now sees the panel.
    await ann.sendCommand('admin');
    expect(ann.lastReply()).toContain('Admin panel');

    await admin.click('➖ Remove admin');
    await admin.click('➖ Yes, remove admin');
    expect(lastToast(env)).toBe('No longer an admin.');
    expect(env.telegram.callsOf('deleteMyCommands').at(-1)?.payload.scope).toEqual({
      type: 'chat',
      chat_id: ann.user.id,
    });
    await ann.sendCommand('admin');
    expect(ann.lastReply()).toBe('⛔ Not allowed');
    const roles = (await auditOf(annId)).filter((a) => a.action === 'user.role').map((a) => a.details);
    expect(roles).toEqual([
      { before: 'user', after: 'admin' },
      { before: 'admin', after: 'user' },
    ]);
  });

  it('does not make someone banned meanwhile an admin: the Yes says to unban first and changes nothing', async () => {
    await openAnn();
    await admin.click('⭐ Make admin');
    await env.em().nativeUpdate(User, { id: annId }, { status: 'banned' });
    const audited = await env.em().count(AuditEntry, {});
    await admin.click('⭐ Yes, make admin');
    expect(lastToast(env)).toBe('They are banned: unban them first to make them an admin.');
    expect(admin.lastReply()).toContain('Role: user');
    expect(admin.lastReply()).toContain('Status: ⛔ banned');
    expect(admin.buttons()).toEqual(expect.arrayContaining(['✅ Unban']));
    expect(admin.buttons()).not.toContain('⭐ Make admin');
    expect((await env.em().findOneOrFail(User, { id: annId })).role).toBe('user');
    expect(await env.em().count(AuditEntry, {})).toBe(audited);
    await env.em().nativeUpdate(User, { id: annId }, { status: 'active' });
    await openAnn();
  });

  it('adds tags through a dialog (bad input re-asks) and removes one with its button', async () => {
    await admin.click('🏷 Add tag');
    expect(admin.lastReply()).toContain('Send one or more tags for Ann');
    await admin.sendText('bad tag!');
    expect(admin.lastReply()).toContain('Tags are letters');
    await admin.sendText('#VIP beta');
    expect(admin.lastReply()).toContain('✅ Tags saved.');
    expect(admin.lastReply()).toContain('Tags: #vip #beta');
    expect((await env.em().findOneOrFail(User, { id: annId })).tags).toEqual(['vip', 'beta']);

    await admin.click('❌ #vip');
    expect(lastToast(env)).toBe('Tag removed.');
    expect(admin.lastReply()).toContain('Tags: #beta');
    expect((await env.em().findOneOrFail(User, { id: annId })).tags).toEqual(['beta']);
    const tags = (await auditOf(annId)).filter((a) => a.action === 'user.tags').map((a) => a.details);
    expect(tags).toEqual([
      { before: [], after: ['vip', 'beta'] },
      { before: ['vip', 'beta'], after: ['beta'] },
    ]);
  });

  it('has no ban or role buttons on the admin’s own card', async () => {
    await admin.sendCommand('admin');
    await admin.click('👥 Users');
    await admin.sendText('root');
    await admin.click('⭐ Root @root_admin');
    expect(admin.buttons()).not.toContain('⛔ Ban');
    expect(admin.buttons()).not.toContain('➖ Remove admin');
  });

  it('registers admin commands through a chat scope at start-up for configured and stored admins', async () => {
    const { registerAdminCommands } = await import('../../src/features/admin/command-lists.js');
    env.telegram.clear();
    await registerAdminCommands(env.bot.bot.api, env.services.translator, env.em(), [999_000_111]);
    const scopes = env.telegram.callsOf('setMyCommands').map((c) => c.payload.scope);
    expect(scopes).toEqual(
      expect.arrayContaining([
        { type: 'chat', chat_id: admin.user.id },
        { type: 'chat', chat_id: 999_000_111 },
      ]),
    );
  });
});

describe('the user card’s words', () => {
  beforeAll(async () => {
    const em = env.em();
    // Banned, blocked the bot, never seen: the card's states in words.
    em.create(User, {
      telegramId: 750_020,
      telegramFirstName: 'Оля',
      telegramUsername: 'olya750',
      language: 'ru',
      status: 'banned',
      botBlocked: true,
    });
    await em.flush();
  });

  it('a confirmation names the person without the list’s ⭐ / ⛔ marks; never seen reads “never” (en)', async () => {
    await admin.sendCommand('admin');
    await admin.click('👥 Users');
    await admin.sendText('olya750');
    await admin.click('⛔ Оля @olya750');
    expect(admin.lastReply()).toContain('Last seen: never');
    // Banned: not offered the admin role (unbanning comes first).
    expect(admin.buttons()).not.toContain('⭐ Make admin');
    await admin.click('✅ Unban');
    expect(admin.lastReply()).toContain('⚠️ Unban Оля @olya750? They can use the bot and the API again.');
    await admin.click('✅ Yes, unban');
    await admin.click('⭐ Make admin');
    expect(admin.lastReply()).toContain(
      '⚠️ Make Оля @olya750 an admin? They will see the admin panel and can ban people and send mailings.',
    );
    await admin.click('✖️ Cancel');
    await env.em().nativeUpdate(User, { telegramId: 750_020 }, { status: 'banned' });
  });

  it('says when the person registered and was last seen in words, in the admin’s zone: a date of another year, yesterday (en, ru)', async () => {
    const em = env.em();
    // 09:24 UTC is 19:24 in Vladivostok; last seen there yesterday at 08:15.
    em.create(User, {
      telegramId: 750_021,
      telegramFirstName: 'Pete',
      telegramUsername: 'pete750',
      language: 'en',
      createdAt: new Date('2024-03-05T09:24:00Z'),
      lastSeenAt: localAt(10, -1, 8, 15),
    });
    await em.flush();
    for (const [language, users, registered, seen] of [
      ['en', '👥 Users', 'Created: Tue, Mar 5, 2024, 19:24', 'Last seen: yesterday 08:15'],
      ['ru', '👥 Пользователи', 'Регистрация: вт, 5 мар. 2024 г., 19:24', 'Последняя активность: вчера в 08:15'],
    ] as const) {
      const viewer = env.bot.client({
        id: language === 'en' ? 750_010 : 750_011,
        first_name: 'Vlad',
        username: `vlad750${language}`,
        language_code: language,
      });
      await viewer.sendCommand('start');
      await makeAdmin(viewer);
      const viewerEm = env.em();
      const profile = await viewerEm.findOneOrFail(User, { telegramId: viewer.user.id });
      await updateProfile(viewerEm, profile, { timezone: 'Asia/Vladivostok' });
      await viewer.sendCommand('admin');
      await viewer.click(users);
      await viewer.sendText('pete750');
      await viewer.click(/@pete750/);
      expect(viewer.lastReply()).toContain(`\n${registered}\n${seen}`);
    }
  });

  it('ru: the card and its questions as Russian says them, whoever the person is', async () => {
    const ru = env.bot.client({ id: 750_009, first_name: 'Ира', username: 'ira750', language_code: 'ru' });
    await ru.sendCommand('start');
    await makeAdmin(ru);
    await ru.sendCommand('admin');
    await ru.click('👥 Пользователи');
    await ru.sendText('olya750');
    await ru.click('⛔ Оля @olya750');
    const card = ru.lastReply();
    expect(card).toContain('Статус: ⛔ в бане (бот заблокирован)');
    expect(card).toContain('Последняя активность: ещё не было');
    // Registered just now: the card is redrawn, so "today", in the admin's zone (UTC, unset).
    const olya = await env.em().findOneOrFail(User, { telegramId: 750_020 });
    expect(card).toContain(`Регистрация: сегодня в ${clockIn(olya.createdAt, 'UTC')}`);
    await ru.click('✅ Разбанить');
    expect(ru.lastReply()).toContain('⚠️ Разбанить пользователя Оля @olya750? Бот и API снова станут ему доступны.');
    expect(ru.buttons()).not.toContain('⭐ Сделать админом');
    await ru.click('✅ Да, разбанить');
    await ru.click('⭐ Сделать админом');
    expect(ru.lastReply()).toContain('⚠️ Сделать пользователя Оля @olya750 администратором?');
    await ru.click('✖️ Отмена');
    await ru.click('🏷 Добавить тег');
    expect(ru.lastReply()).toContain('🏷 Отправьте один или несколько тегов для пользователя Оля');
    await ru.sendCommand('cancel');
  });
});
