import { describe, expect, it } from 'vitest';
import { LinkToken, Registration } from '../../src/features/accounts/account.entities.js';
import { handleNotification } from '../../src/features/accounts/jobs/notifications.js';
import { AuditEntry } from '../../src/features/audit/audit.entity.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { Delivery, Mailing } from '../../src/features/mailings/mailing.entities.js';
import { Comment, Task } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { lastToast } from '../helpers/bot-chat.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Issue 10, points 1–4: the attacks on identities, each performed as an attacker would and
 * shown to fail with nothing changed (rows, roles), and the merge that loses nothing.
 */
const env = useTestEnvironment();
const em = () => env.em();
let nextTelegramId = 710_000;

async function telegramUser(fields: { username?: string; language?: string; first?: string } = {}) {
  const client = env.bot.client({
    id: nextTelegramId++,
    first_name: fields.first ?? 'Vera',
    ...(fields.username ? { username: fields.username } : {}),
    language_code: fields.language ?? 'en',
  });
  await client.sendCommand('start');
  return client;
}

const rowOf = (telegramId: number) => em().findOneOrFail(User, { telegramId });

/** The columns an attacker would want to change, for before/after comparisons. */
async function snapshot(id: string) {
  const [row] = await em().getConnection().execute('select * from users where id = ?', [id]);
  const { updated_at: _updated, last_seen_at: _seen, ...rest } = row as Record<string, unknown>;
  return rest;
}

async function linkTokenOf(token: string) {
  const created = await apiRequest(env.app, 'POST', '/token', { token });
  expect(created.status).toBe(201);
  return created.body as { token: string; link: string; createdAt: string; expiresAt: string };
}

describe('takeover by link', () => {
  it('a stranger’s link shows who is asking and what they get; nothing is attached before Confirm', async () => {
    const attacker = await createAccount(env.services, { username: 'mallory' });
    const link = await linkTokenOf(attacker.token);
    const victim = await telegramUser();
    // The victim is an admin: the prize an attacker is after.
    await em().nativeUpdate(User, { telegramId: victim.user.id }, { role: 'admin' });
    const victimRow = await rowOf(victim.user.id);
    const victimBefore = await snapshot(victimRow.id);
    const attackerBefore = await snapshot(attacker.user.id);

    // One tap on START of the link the attacker sent.
    await victim.sendCommand('start', link.link.split('start=')[1]);
    const consent = victim.lastReply();
    expect(consent).toContain('Link this Telegram to the Gramdesk account <b>@mallory</b>');
    expect(consent).toContain('your tasks, comments and messages move into it');
    expect(consent).toContain('and your admin rights');
    expect(victim.buttons()).toEqual(['✅ Link my Telegram', '❌ Decline']);

    expect(await snapshot(victimRow.id)).toEqual(victimBefore);
    expect(await snapshot(attacker.user.id)).toEqual(attackerBefore);
    expect((await em().findOneOrFail(LinkToken, { token: link.token })).attachedTelegramId).toBeNull();
    // The attacker's token still gives no access to the victim's chat.
    const me = await apiRequest(env.app, 'GET', '/users/me', { token: attacker.token });
    expect(me.body).toMatchObject({ telegramLinked: false, role: 'user' });
  });

  it('a Confirm pressed after the person was made an admin attaches nothing and asks again, naming the admin rights', async () => {
    const attacker = await createAccount(env.services, { username: 'mallory_late' });
    const link = await linkTokenOf(attacker.token);
    const victim = await telegramUser();
    await victim.sendCommand('start', link.link.split('start=')[1]);
    expect(victim.lastReply()).not.toContain('admin rights');
    const consentId = env.telegram.chat(victim.chatId).at(-1)?.message_id;

    // Made an admin while the consent screen waits (it said nothing of admin rights).
    const promoting = em();
    const victimRow = await promoting.findOneOrFail(User, { telegramId: victim.user.id });
    victimRow.role = 'admin';
    await promoting.flush();
    const before = await snapshot(victimRow.id);
    await victim.click('✅ Link my Telegram');
    expect(lastToast(env)).toBe(
      '⚠️ You have since been made an admin: linking now hands over your admin rights too. Read the request again.',
    );
    expect(await snapshot(victimRow.id)).toEqual(before);
    expect((await em().findOneOrFail(User, { id: attacker.user.id })).role).toBe('user');
    expect((await em().findOneOrFail(LinkToken, { token: link.token })).attachedTelegramId).toBeNull();
    // The same message now names them, and only its new Confirm links.
    expect(env.telegram.chat(victim.chatId).at(-1)?.message_id).toBe(consentId);
    expect(victim.lastReply()).toContain('and your admin rights');
    await victim.click('✅ Link my Telegram');
    expect(victim.lastReply()).toContain('Your Telegram is now linked to the Gramdesk account <b>@mallory_late</b>');
    expect((await em().findOneOrFail(User, { id: attacker.user.id })).role).toBe('admin');
  });

  it('Decline burns the token: the stale Confirm button and the same link attach nothing', async () => {
    const attacker = await createAccount(env.services, { username: 'mallory2' });
    const link = await linkTokenOf(attacker.token);
    const victim = await telegramUser({ language: 'ru' });
    const victimRow = await rowOf(victim.user.id);
    const before = await snapshot(victimRow.id);

    await victim.sendText(link.token);
    const consentMessage = env.telegram.callsOf('sendMessage').at(-1);
    await victim.click('❌ Отклонить');
    expect(victim.lastReply()).toBe(
      '❌ Отклонено. Ничего не привязано, и этот токен больше не действует.\n\n🏠 <b>Gramdesk</b>\nЧто будем делать?',
    );
    expect(await em().count(LinkToken, { token: link.token })).toBe(0);

    // A stale Confirm (an old client, or a forged callback) and the same token again.
    await victim.pressCallback(undefined, `lnk:${link.token}:y`);
    await victim.sendText(link.token);
    expect(victim.lastReply()).toBe('Такого токена нет');
    expect(consentMessage).toBeDefined();
    expect(await snapshot(victimRow.id)).toEqual(before);
    expect((await em().findOneOrFail(User, { id: attacker.user.id })).telegramId).toBeNull();
    // The account may ask again with a new token.
    expect((await apiRequest(env.app, 'POST', '/token', { token: attacker.token })).status).toBe(201);
  });

  it('a token works for 15 minutes (expiresAt) and once', async () => {
    const { token } = await createAccount(env.services, { username: 'expiring' });
    const link = await linkTokenOf(token);
    const ttl = new Date(link.expiresAt).getTime() - new Date(link.createdAt).getTime();
    expect(ttl).toBe(15 * 60 * 1000);
    expect((await apiRequest(env.app, 'GET', '/token', { token })).body.expiresAt).toBe(link.expiresAt);

    // The person is shown the request, then the token expires before they press Confirm.
    const late = await telegramUser();
    await late.sendText(link.token);
    await em().nativeUpdate(LinkToken, { token: link.token }, { expiresAt: new Date(Date.now() - 1000) });
    await late.click('✅ Link my Telegram');
    expect(late.lastReply()).toBe('No such token\n\n🏠 <b>Gramdesk</b>\nWhat would you like to do?');
    expect((await rowOf(late.user.id)).username).toBeNull();
    await late.sendText(link.token);
    expect(late.lastReply()).toBe('No such token');
    // An expired token is gone for the account too, and a new one can be made at once.
    expect((await apiRequest(env.app, 'GET', '/token', { token })).status).toBe(404);
    const fresh = await linkTokenOf(token);

    const owner = await telegramUser();
    await owner.sendText(fresh.token);
    await owner.click('✅ Link my Telegram');
    expect(owner.lastReply()).toContain(`Successfully attached token '${fresh.token}'`);
    // Used once: a second person with the same token gets "in use", and nothing of theirs moves.
    const second = await telegramUser();
    await second.sendText(fresh.token);
    expect(second.lastReply()).toBe('Token already in use');
    await second.pressCallback(undefined, `lnk:${fresh.token}:y`);
    expect((await rowOf(second.user.id)).username).toBeNull();
  });
});

describe('linking loses nothing', () => {
  it('tasks, comments, messages, room, tags, settings, deliveries and audit entries of both sides survive', async () => {
    const account = await createAccount(env.services, { username: 'merger' });
    const friend = await telegramUser({ username: 'merge_friend' });
    const person = await telegramUser({ language: 'ru' });
    const source = await rowOf(person.user.id);
    const friendRow = await rowOf(friend.user.id);

    // What the Telegram side made in the bot before linking.
    const e = em();
    await e.nativeUpdate(User, { id: source.id }, { tags: ['vip'], timezone: 'Europe/Moscow', role: 'admin' });
    const task = e.create(Task, { owner: source.id, title: 'From the bot' });
    await e.flush();
    e.create(Comment, { task, author: source.id, text: 'bot comment' });
    const accountTask = e.create(Task, { owner: account.user.id, title: 'From HTTP' });
    await e.flush();
    e.create(Comment, { task: accountTask, author: source.id, text: 'cross comment' });
    e.create(Message, { kind: 'pm', from: source.id, to: friendRow.id, text: 'sent before', sentAt: new Date() });
    e.create(Message, { kind: 'pm', from: friendRow.id, to: source.id, text: 'got before', sentAt: new Date() });
    const mailing = e.create(Mailing, {
      text: 'hello',
      filter: {},
      startAt: new Date(),
      endAt: new Date(Date.now() + 3_600_000),
      createdBy: source.id,
    });
    await e.flush();
    e.create(Delivery, { mailing, user: source.id, chatId: person.user.id, timezone: 'UTC', status: 'sent' });
    e.create(AuditEntry, { actor: source.id, action: 'user.tags', targetType: 'user', targetId: friendRow.id });
    await e.flush();
    await person.sendCommand('room');

    const link = await linkTokenOf(account.token);
    await person.sendText(link.token);
    await person.click('✅ Привязать мой Telegram');
    expect(person.lastReply()).toContain(`Токен «${link.token}» успешно привязан`);

    const merged = await rowOf(person.user.id);
    expect(merged.id).toBe(account.user.id);
    expect(merged).toMatchObject({ tags: ['vip'], timezone: 'Europe/Moscow', language: 'ru', role: 'admin' });
    const id = account.user.id;
    const r = em();
    expect(await r.count(Task, { owner: id })).toBe(2);
    expect(await r.count(Comment, { author: id })).toBe(2);
    expect(await r.count(Message, { from: id, text: 'sent before' })).toBe(1);
    expect(await r.count(Message, { to: id, text: 'got before' })).toBe(1);
    expect(await r.count(Delivery, { user: id, mailing })).toBe(1);
    expect((await r.findOneOrFail(Mailing, { id: mailing.id })).createdBy?.id).toBe(id);
    expect(await r.count(AuditEntry, { actor: id, action: 'user.tags' })).toBe(1);
    // Nothing still points at the removed row, and nothing of it was cascaded away.
    expect(await r.count(User, { id: source.id })).toBe(0);
    // The room membership moved: the person is still in the room as the account.
    expect(await env.services.redis.sismember(`${env.services.keyPrefix}room:members`, id)).toBe(1);
    // The link itself is in the audit log.
    const entry = await r.findOneOrFail(AuditEntry, { action: 'account.link', targetId: id });
    expect(entry.details).toMatchObject({ telegramId: person.user.id, mergedUserId: source.id });
  });
});

describe('one handle, one person', () => {
  it('registration refuses the Telegram username of someone who uses the bot, in any case', async () => {
    const owner = await telegramUser({ username: 'Real_Vera' });
    const before = await snapshot((await rowOf(owner.user.id)).id);
    for (const username of ['real_vera', 'REAL_VERA']) {
      const res = await apiRequest(env.app, 'POST', '/auth/register', {
        json: { username, password: 'long enough pw' },
      });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('username_taken');
    }
    expect(await em().count(User, { username: { $ilike: 'real_vera' } })).toBe(0);
    expect(await snapshot((await rowOf(owner.user.id)).id)).toEqual(before);
    // The person themselves may take their own Telegram username as their account's.
    const own = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'real_vera', password: 'long enough pw', telegramId: owner.user.id },
    });
    expect(own.status).toBe(202);
  });

  it('a handle held by a pending registration is taken too', async () => {
    const person = await telegramUser();
    const first = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'held_name', password: 'long enough pw', telegramId: person.user.id },
    });
    expect(first.status).toBe(202);
    const second = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'HELD_NAME', password: 'long enough pw' },
    });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('username_taken');
  });

  it('when a Telegram user later takes an account’s handle, the account keeps it: PMs and history never reach the newcomer', async () => {
    const holder = await createAccount(env.services, { username: 'olderholder' });
    const newcomer = await telegramUser({ username: 'OlderHolder' });
    const sender = await telegramUser({ username: 'pm_sender' });

    const toNewcomer = () => env.telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === newcomer.user.id);
    const before = toNewcomer().length; // the newcomer's own /start messages
    await sender.sendCommand('pm', '@olderholder hi there');
    const stored = await em().findOneOrFail(Message, { text: 'hi there' }, { populate: ['to'] });
    expect(stored.to?.id).toBe(holder.user.id);
    expect(toNewcomer()).toHaveLength(before);

    // Over HTTP too: the conversation "with olderholder" is the account's, not the newcomer's.
    const senderAccount = await createAccount(env.services, { username: 'http_sender' });
    const sent = await apiRequest(env.app, 'POST', '/messages', {
      token: senderAccount.token,
      json: { to: 'OLDERHOLDER', text: 'over http' },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.to.id).toBe(holder.user.id);
    const history = await apiRequest(env.app, 'GET', '/messages?with=olderholder', { token: senderAccount.token });
    expect(history.body.items.map((m: { to: { id: string } }) => m.to.id)).toEqual([holder.user.id]);
  });

  it('between two Telegram users who carried one handle, the most recent one has it', async () => {
    const stale = await telegramUser({ username: 'handle_moves' });
    // Telegram moved the handle to someone else; the stale row has not been seen since.
    await em().nativeUpdate(User, { telegramId: stale.user.id }, { lastSeenAt: new Date(Date.now() - 86_400_000) });
    const current = await telegramUser({ username: 'handle_moves' });
    const sender = await telegramUser();
    await sender.sendCommand('pm', 'handle_moves ping');
    const stored = await em().findOneOrFail(Message, { text: 'ping' }, { populate: ['to'] });
    expect(stored.to?.telegramId).toBe(current.user.id);
  });
});

describe('pending registrations touch nothing', () => {
  async function runJob(data: Parameters<typeof handleNotification>[1]['data']) {
    await handleNotification(env.services, { data });
  }
  const registrationOf = (username: string) =>
    em().findOneOrFail(Registration, { username }, { orderBy: { id: 'desc' } });

  it('the requester’s chosen names never reach the person’s row; the request shows the username and what confirming grants', async () => {
    const person = await telegramUser({ first: 'Vera' });
    const row = await rowOf(person.user.id);
    const before = await snapshot(row.id);

    const res = await apiRequest(env.app, 'POST', '/auth/register', {
      json: {
        username: 'fake_vera',
        password: 'long enough pw',
        firstName: 'Admin',
        lastName: 'Support',
        email: 'x@example.com',
        telegramId: person.user.id,
      },
    });
    expect(res.status).toBe(202);
    expect(await snapshot(row.id)).toEqual(before);

    await runJob({ type: 'registration-confirm', registrationId: (await registrationOf('fake_vera')).id });
    const request = person.lastReply();
    expect(request).toContain('<b>@fake_vera</b>');
    expect(request).toContain('sign in to Gramdesk as you');
    expect(request).not.toContain('Admin');
    expect(request).not.toContain('Support');

    // The requester can tell nothing but "pending" from a login.
    const login = await apiRequest(env.app, 'POST', '/auth/login', {
      json: { username: 'fake_vera', password: 'long enough pw' },
    });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('pending_confirmation');
    const wrong = await apiRequest(env.app, 'POST', '/auth/login', {
      json: { username: 'fake_vera', password: 'wrong password' },
    });
    expect(wrong.status).toBe(401);

    // Confirm is what applies the account, with the names the requester gave.
    await person.click('✅ Confirm');
    expect(await rowOf(person.user.id)).toMatchObject({
      username: 'fake_vera',
      firstName: 'Admin',
      accountState: 'active',
      telegramFirstName: 'Vera',
    });
  });

  it('after a Decline the person is not asked again for an hour, and the refusal is the same as any other', async () => {
    const person = await telegramUser({ language: 'ru' });
    const row = await rowOf(person.user.id);
    await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'pest_one', password: 'long enough pw', telegramId: person.user.id },
    });
    await runJob({ type: 'registration-confirm', registrationId: (await registrationOf('pest_one')).id });
    await person.click('❌ Отклонить');
    const before = await snapshot(row.id);
    const sendsBefore = env.telegram.callsOf('sendMessage').length;

    const again = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'pest_two', password: 'long enough pw', telegramId: person.user.id },
    });
    // The same answer as for a person who already has an account: no oracle for "declined".
    const linked = await createAccount(env.services, { telegramId: nextTelegramId++ });
    const taken = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'pest_three', password: 'long enough pw', telegramId: linked.user.telegramId ?? 0 },
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(taken.body);
    expect(await em().count(Registration, { username: 'pest_two' })).toBe(0);
    expect(env.telegram.callsOf('sendMessage').length).toBe(sendsBefore);
    expect(await snapshot(row.id)).toEqual(before);

    // An hour later they may be asked again.
    await em().nativeUpdate(
      Registration,
      { username: 'pest_one' },
      { decidedAt: new Date(Date.now() - 61 * 60 * 1000) },
    );
    const later = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'pest_two', password: 'long enough pw', telegramId: person.user.id },
    });
    expect(later.status).toBe(202);
  });

  it('a stranger who keeps asking is capped: three unconfirmed requests within a day, and nobody may ask again until the oldest is a day old', async () => {
    const person = await telegramUser();
    const ask = (username: string) =>
      apiRequest(env.app, 'POST', '/auth/register', {
        json: { username, password: 'long enough pw', telegramId: person.user.id },
      });
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60 * 1000);
    // Ignored (expired), declined over an hour ago, ignored again: three.
    expect((await ask('nag_one')).status).toBe(202);
    await em().nativeUpdate(
      Registration,
      { username: 'nag_one' },
      { status: 'expired', createdAt: minutesAgo(300), expiresAt: minutesAgo(285) },
    );
    expect((await ask('nag_two')).status).toBe(202);
    await em().nativeUpdate(
      Registration,
      { username: 'nag_two' },
      { status: 'declined', createdAt: minutesAgo(200), decidedAt: minutesAgo(190) },
    );
    expect((await ask('nag_three')).status).toBe(202);
    await em().nativeUpdate(
      Registration,
      { username: 'nag_three' },
      { status: 'expired', createdAt: minutesAgo(100), expiresAt: minutesAgo(85) },
    );
    const sendsBefore = env.telegram.callsOf('sendMessage').length;

    const fourth = await ask('nag_four');
    expect(fourth.status).toBe(409);
    expect(fourth.body.error.code).toBe('telegram_taken');
    expect(await em().count(Registration, { username: 'nag_four' })).toBe(0);
    expect(env.telegram.callsOf('sendMessage').length).toBe(sendsBefore);

    // A day after the oldest, two remain within the day: they may be asked once more.
    await em().nativeUpdate(Registration, { username: 'nag_one' }, { createdAt: minutesAgo(24 * 60 + 1) });
    expect((await ask('nag_four')).status).toBe(202);
  });

  it('one open request per person: a second one while the first waits is refused', async () => {
    const person = await telegramUser();
    const first = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'first_ask', password: 'long enough pw', telegramId: person.user.id },
    });
    const second = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'second_ask', password: 'long enough pw', telegramId: person.user.id },
    });
    expect(first.status).toBe(202);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('telegram_taken');
    expect(await em().count(Registration, { user: (await rowOf(person.user.id)).id })).toBe(1);
  });
});
