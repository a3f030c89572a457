import { beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/features/chat/message.entity.js';
import { updateProfile } from '../../src/features/users/profile.js';
import { User } from '../../src/features/users/user.entity.js';
import { formatClock } from '../../src/platform/time/local-dates.js';
import { chatUser, lastToast, seedPms, startChatWorker, userRow, waitForSend } from '../helpers/bot-chat.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';

const env = useTestEnvironment();
beforeAll(() => startChatWorker(env));

const handle = (client: BotClient) => `@${client.user.username}`;
/** The message lines of a list screen (those with an arrow). */
// Inbox entries are numbered ("1. ⬅️ …"), history lines are not.
const linesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.replace(/^\d+\. /, ''))
    .filter((l) => l.startsWith('➡️') || l.startsWith('⬅️'));
const textsOf = (text: string) => linesOf(text).map((l) => l.replace(/^.*?: /, ''));

async function setTimezone(client: BotClient, timezone: string): Promise<void> {
  const em = env.em();
  await updateProfile(em, await em.findOneOrFail(User, { telegramId: client.user.id }), { timezone });
}

describe('/history', () => {
  it('shows the conversation newest page first, 10 a page, pages with ◀️ ▶️ in place', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const stranger = await chatUser(env, { first_name: 'Stranger' });
    const [a, b, s] = [await userRow(env, ann), await userRow(env, bob), await userRow(env, stranger)];
    // 25 messages alternating, plus noise with a third user that must not show.
    await seedPms(
      env,
      Array.from({ length: 25 }, (_, i) =>
        i % 2 === 0 ? { from: a, to: b, text: `m${i + 1}` } : { from: b, to: a, text: `m${i + 1}` },
      ),
    );
    await seedPms(env, [
      { from: s, to: a, text: 'noise 1' },
      { from: a, to: s, text: 'noise 2' },
    ]);
    await setTimezone(ann, 'Asia/Tokyo');

    await ann.sendCommand('history', handle(bob).toUpperCase());
    const first = ann.lastReply();
    expect(first.split('\n').slice(0, 2)).toEqual([
      `📜 <b>Conversation with ${handle(bob)}</b> · page 1`,
      'Newest first · 🕒 Asia/Tokyo',
    ]);
    expect(textsOf(first)).toEqual(['m25', 'm24', 'm23', 'm22', 'm21', 'm20', 'm19', 'm18', 'm17', 'm16']);
    // Direction, author and time in the reader's zone.
    const m25 = await env.em().findOneOrFail(Message, { text: 'm25', from: a.id });
    expect(linesOf(first)[0]).toBe(`➡️ <b>${handle(ann)}</b> · today ${formatClock(m25.sentAt, 'Asia/Tokyo')}: m25`);
    expect(linesOf(first)[1]).toMatch(new RegExp(`^⬅️ <b>${handle(bob)}</b> · today \\d\\d:\\d\\d: m24$`));
    expect(ann.buttons()).toEqual(['1', '▶️', '↩️ Reply', '🚫 Block', '◀️ Back to chat']);

    const message = env.telegram.chat(ann.chatId).at(-1)?.message_id;
    await ann.click('▶️');
    expect(env.telegram.chat(ann.chatId).at(-1)?.message_id).toBe(message);
    expect(ann.lastReply()).toContain('· page 2');
    expect(textsOf(ann.lastReply())).toEqual(['m15', 'm14', 'm13', 'm12', 'm11', 'm10', 'm9', 'm8', 'm7', 'm6']);
    expect(ann.buttons()).toEqual(['◀️', '2', '▶️', '↩️ Reply', '🚫 Block', '◀️ Back to chat']);
    await ann.click('▶️');
    expect(textsOf(ann.lastReply())).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
    expect(ann.buttons()).toEqual(['◀️', '3', '↩️ Reply', '🚫 Block', '◀️ Back to chat']);
    await ann.click('◀️');
    expect(textsOf(ann.lastReply())).toEqual(['m15', 'm14', 'm13', 'm12', 'm11', 'm10', 'm9', 'm8', 'm7', 'm6']);
    await ann.click('◀️');
    expect(textsOf(ann.lastReply())).toEqual(textsOf(first));

    // Bob sees the same conversation from his side.
    await bob.sendCommand('history', ann.user.username);
    expect(linesOf(bob.lastReply())[0]).toMatch(/^⬅️ .*: m25$/);
    expect(linesOf(bob.lastReply())[1]).toMatch(/^➡️ .*: m24$/);

    // Reply from the history screen.
    await bob.click('↩️ Reply');
    expect(bob.lastReply()).toBe(
      `✍️ Reply to ${handle(ann)}: send your message (text, photo, document, voice message, video or sticker).`,
    );
    await bob.sendText('from the history');
    expect(bob.replies()).toContain(`✅ Sent to ${handle(ann)}`);
    // The history comes back in the question's place, newest first: the reply on top.
    expect(linesOf(bob.lastReply())[0]).toMatch(/^➡️ .*: from the history$/);
    await waitForSend(env, ann.chatId, (t) => t === `💬 ${handle(bob)}: from the history`);
  });

  it('clips long messages so a page fits one Telegram message', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const [a, b] = [await userRow(env, ann), await userRow(env, bob)];
    await seedPms(
      env,
      Array.from({ length: 10 }, (_, i) => ({ from: a, to: b, text: `${i}: ${'<&>'.repeat(1300)}` })),
    );
    await ann.sendCommand('history', handle(bob));
    const text = ann.lastReply();
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(linesOf(text)).toHaveLength(10);
    expect(text).not.toMatch(/<&>/);
  });

  it('answers a missing, unknown or own username clearly', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    await ann.sendCommand('history');
    expect(ann.lastReply()).toContain('<code>/history @username</code>');
    await ann.sendCommand('history', '@no_such_user_here');
    expect(ann.lastReply()).toContain('❌ There is no user @no_such_user_here.');
    await ann.sendCommand('history', handle(ann));
    expect(ann.lastReply()).toBe("❌ That's you. /inbox shows the messages you received.");
    await ann.sendCommand('history', handle(bob));
    expect(ann.lastReply()).toBe(`📜 No messages with ${handle(bob)} yet. Tap ↩️ Reply to write the first one.`);
  });

  it('a forged page button names an unknown user: "not found", nothing shown', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    await seedPms(env, [{ from: await userRow(env, bob), to: await userRow(env, ann), text: 'hi' }]);
    await ann.sendCommand('history', handle(bob));
    const data = env.telegram.chat(ann.chatId).at(-1)?.reply_markup?.inline_keyboard?.flat()[0]?.callback_data ?? '';
    const forged = data.replace(/^hist\/(\w+)\/(\w+)\/\d+\./, 'hist/$1/$2/999999999.');
    expect(forged).not.toBe(data);
    const before = ann.replies().length;
    await ann.pressCallback(env.telegram.chat(ann.chatId).at(-1), forged);
    expect(lastToast(env)).toBe('❌ This user is no longer available.');
    expect(ann.replies().length).toBe(before);
  });
});

describe('ids in buttons', () => {
  it('a forged id of someone without a handle whom the presser never exchanged a PM with names nobody and reaches nobody', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const hidden = await chatUser(env, { first_name: 'Harriet Hidden', username: undefined });
    const [annRow, bobRow, hiddenRow] = [await userRow(env, ann), await userRow(env, bob), await userRow(env, hidden)];
    await seedPms(env, [{ from: bobRow, to: annRow, text: 'hi' }]);
    await ann.sendCommand('history', handle(bob));
    const message = env.telegram.chat(ann.chatId).at(-1);
    const data = message?.reply_markup?.inline_keyboard?.flat()[0]?.callback_data ?? '';
    const before = ann.replies().length;
    // A history page, the history's Reply, and a PM's Reply, each naming Harriet.
    for (const forged of [
      data.replace(/^hist\/(\w+)\/(\w+)\/\d+\.\w+/, `hist/$1/$2/${hiddenRow.id}.0`),
      data.replace(/^hist\/(\w+)\/(\w+)\/\d+\.\w+/, `hist/$1/$2/${hiddenRow.id}.r`),
      `pm:reply:${hiddenRow.id}`,
    ]) {
      expect(forged).toContain(hiddenRow.id);
      await ann.pressCallback(message, forged);
      expect(lastToast(env), forged).toBe('❌ This user is no longer available.');
    }
    expect(ann.replies().length).toBe(before);
    expect(JSON.stringify(env.telegram.chat(ann.chatId))).not.toContain('Harriet');
    await ann.sendText('are you there?');
    expect(await env.em().count(Message, { kind: 'pm', to: hiddenRow.id })).toBe(0);

    // Once Harriet has written to Ann, Ann may answer her by the same button.
    await seedPms(env, [{ from: hiddenRow, to: annRow, text: 'it is Harriet' }]);
    await ann.pressCallback(message, `pm:reply:${hiddenRow.id}`);
    expect(ann.lastReply()).toContain('Reply to Harriet Hidden');
  });
});

describe('/inbox', () => {
  it('shows the last 20 PMs received, newest first (not the oldest, not the sent ones)', async () => {
    const me = await chatUser(env, { first_name: 'Me' });
    const senders = [
      await chatUser(env, { first_name: 'S1' }),
      await chatUser(env, { first_name: 'S2' }),
      await chatUser(env, { first_name: 'S3' }),
    ];
    const meRow = await userRow(env, me);
    const rows = await Promise.all(senders.map((s) => userRow(env, s)));
    await seedPms(
      env,
      Array.from({ length: 25 }, (_, i) => ({ from: rows[i % 3] as User, to: meRow, text: `in ${i + 1}` })),
    );
    await seedPms(env, [{ from: meRow, to: rows[0] as User, text: 'sent by me' }]);

    await me.sendCommand('inbox');
    const text = me.lastReply();
    expect(text.split('\n')[0]).toBe('📥 <b>Inbox</b>: the last messages you received, newest first');
    expect(textsOf(text)).toEqual(Array.from({ length: 20 }, (_, i) => `in ${25 - i}`));
    expect(linesOf(text).every((l) => l.startsWith('⬅️'))).toBe(true);
    expect(linesOf(text)[0]).toContain(`<b>${handle(senders[0] as BotClient)}</b>`);
    // Every entry has Reply and History buttons (issue 14: not only the latest four senders).
    const byEntry = (n: number) => handle(senders[(25 - n) % 3] as BotClient);
    expect(me.buttons()).toEqual([
      ...Array.from({ length: 20 }, (_, i) => [`↩️ ${i + 1} · ${byEntry(i + 1)}`, `📜 ${i + 1} · History`]).flat(),
      '◀️ Back to chat',
    ]);
    await me.click(`📜 20 · History`);
    expect(me.lastReply()).toContain(`📜 <b>Conversation with ${byEntry(20)}</b>`);
    await me.sendCommand('inbox');
    await me.click(`↩️ 2 · ${handle(senders[2] as BotClient)}`);
    expect(me.lastReply()).toBe(
      `✍️ Reply to ${handle(senders[2] as BotClient)}: send your message (text, photo, document, voice message, video or sticker).`,
    );
    await me.sendText('answer from the inbox');
    await waitForSend(env, (senders[2] as BotClient).chatId, (t) => t === `💬 ${handle(me)}: answer from the inbox`);
  });

  it('says when the inbox is empty, and opens from Chat → Inbox in place', async () => {
    const lone = await chatUser(env, { first_name: 'Lone' });
    await lone.click('💬 Chat');
    const message = env.telegram.chat(lone.chatId).at(-1)?.message_id;
    await lone.click('📥 Inbox');
    expect(env.telegram.chat(lone.chatId).at(-1)?.message_id).toBe(message);
    expect(lone.lastReply()).toBe('📭 Your inbox is empty. Messages people send you will show up here.');
    await lone.click('◀️ Back to chat');
    expect(lone.lastReply()).toContain('💬 <b>Chat</b>');
  });
});

describe('times in /history and /inbox', () => {
  it('are humanized in the reader’s zone and language: today, yesterday, a day with its year', async () => {
    const ann = await chatUser(env, { first_name: 'Аня', language_code: 'ru' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const [a, b] = [await userRow(env, ann), await userRow(env, bob)];
    await setTimezone(ann, 'Asia/Tokyo');
    const now = new Date();
    const yesterday = new Date(now.getTime() - 24 * 3600_000);
    const longAgo = new Date('2025-03-05T09:30:00Z'); // 18:30 in Tokyo, a Wednesday
    const em = env.em();
    for (const [text, sentAt] of [
      ['old', longAgo],
      ['yesterday', yesterday],
      ['today', now],
    ] as const) {
      em.create(Message, {
        kind: 'pm',
        from: em.getReference(User, b.id),
        to: em.getReference(User, a.id),
        text,
        sentAt,
      });
    }
    await em.flush();
    const clock = (d: Date) => formatClock(d, 'Asia/Tokyo');

    await ann.sendCommand('history', bob.user.username);
    const lines = linesOf(ann.lastReply());
    expect(lines[0]).toBe(`⬅️ <b>${handle(bob)}</b> · сегодня в ${clock(now)}: today`);
    expect(lines[1]).toBe(`⬅️ <b>${handle(bob)}</b> · вчера в ${clock(yesterday)}: yesterday`);
    expect(lines[2]).toBe(`⬅️ <b>${handle(bob)}</b> · ср, 5 мар. 2025 г., 18:30: old`);

    await ann.sendCommand('inbox');
    expect(linesOf(ann.lastReply())[0]).toBe(`⬅️ <b>${handle(bob)}</b> · сегодня в ${clock(now)}: today`);
  });
});
