import { beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/features/chat/message.entity.js';
import { blocks, blockUser, unblockUser } from '../../src/features/users/blocks.js';
import type { User } from '../../src/features/users/user.entity.js';
import { UserBlock } from '../../src/features/users/user-block.entity.js';
import { chatUser, lastToast, seedPms, startChatWorker, userRow, waitForSend } from '../helpers/bot-chat.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';

/**
 * Blocking a person in the bot: from the History of a conversation (🚫 Block asks first), from
 * the keyboard under a PM they sent, and Settings → 🚫 Blocked people. What the blocked person
 * then meets: /pm, ↩️ Reply and ✉️ New message say "✋ … does not accept messages from you".
 */

const env = useTestEnvironment();
beforeAll(() => startChatWorker(env));

const handle = (client: BotClient) => `@${client.user.username}`;
const lastMessage = (client: BotClient) => env.telegram.chat(client.chatId).at(-1);
const pmsFromTo = async (from: BotClient, to: BotClient) =>
  env.em().count(Message, { kind: 'pm', from: (await userRow(env, from)).id, to: (await userRow(env, to)).id });
const isBlocked = async (blocker: BotClient, blocked: BotClient) =>
  blocks(env.em(), (await userRow(env, blocker)).id, (await userRow(env, blocked)).id);

const BLOCK_CONFIRM = (name: string) =>
  [
    `🚫 <b>Block ${name}?</b>`,
    '',
    'They will no longer be able to send you private messages: not here, not from apps or through the API. ' +
      "If they try, they are only told that you don't accept messages from them.",
    "Your conversation stays in your history, and you can still write to them. The 🏠 Room is everyone's and is not affected.",
    'You can unblock them any time, here or in ⚙️ Settings → 🚫 Blocked people.',
  ].join('\n');

describe('🚫 Block in the History of a conversation', () => {
  it('asks first (◀️ Back changes nothing), blocks in place, keeps the history; the blocked person is refused, the blocker is not', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const [a, b] = [await userRow(env, ann), await userRow(env, bob)];
    await seedPms(
      env,
      Array.from({ length: 12 }, (_, i) =>
        i % 2 ? { from: a, to: b, text: `m${i}` } : { from: b, to: a, text: `m${i}` },
      ),
    );
    await ann.sendCommand('history', handle(bob));
    const screen = lastMessage(ann)?.message_id;
    await ann.click('▶️');
    expect(ann.buttons()).toEqual(['◀️', '2', '↩️ Reply', '🚫 Block', '◀️ Back to chat']);

    await ann.click('🚫 Block');
    expect(lastMessage(ann)?.message_id).toBe(screen);
    expect(ann.lastReply()).toBe(BLOCK_CONFIRM(handle(bob)));
    expect(ann.buttons()).toEqual(['🚫 Block', '◀️ Back']);
    await ann.click('◀️ Back');
    expect(ann.lastReply()).toContain(`📜 <b>Conversation with ${handle(bob)}</b> · page 2`);
    expect(await isBlocked(ann, bob)).toBe(false);

    await ann.click('🚫 Block');
    await ann.click('🚫 Block');
    expect(lastToast(env)).toBe(`🚫 ${handle(bob)} is blocked: they can no longer message you.`);
    expect(lastMessage(ann)?.message_id).toBe(screen);
    // Back on the page it was asked from, which still shows the conversation, and says so.
    expect(ann.lastReply().split('\n').slice(0, 3)).toEqual([
      `📜 <b>Conversation with ${handle(bob)}</b> · page 2`,
      expect.stringMatching(/^Newest first/),
      `🚫 You blocked ${handle(bob)}: they can't message you, but you can still write to them.`,
    ]);
    expect(ann.lastReply()).toContain(': m1');
    expect(ann.buttons()).toEqual(['◀️', '2', '↩️ Reply', '✅ Unblock', '◀️ Back to chat']);
    expect(await isBlocked(ann, bob)).toBe(true);

    // Bob is told, in plain words, and nothing is stored or sent.
    await bob.sendCommand('pm', `${handle(ann)} let me in`);
    expect(bob.lastReply()).toBe(`✋ ${handle(ann)} does not accept messages from you.`);
    expect(await env.em().count(Message, { text: 'let me in' })).toBe(0);
    // One-way: Ann still writes to Bob.
    await ann.sendCommand('pm', `${handle(bob)} I can still write`);
    expect(ann.lastReply()).toBe(`✅ Sent to ${handle(bob)}`);
    await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}: I can still write`);

    await ann.sendCommand('history', handle(bob));
    await ann.click('✅ Unblock');
    expect(lastToast(env)).toBe(`✅ ${handle(bob)} is unblocked: they can message you again.`);
    expect(ann.buttons()).toEqual(['1', '▶️', '↩️ Reply', '🚫 Block', '◀️ Back to chat']);
    expect(ann.lastReply()).not.toContain('You blocked');
    await bob.sendCommand('pm', `${handle(ann)} friends again`);
    expect(bob.lastReply()).toBe(`✅ Sent to ${handle(ann)}`);
  });

  it('speaks Russian', async () => {
    const ann = await chatUser(env, { first_name: 'Аня', language_code: 'ru' });
    const bob = await chatUser(env, { first_name: 'Боб' });
    await ann.sendCommand('history', handle(bob));
    expect(ann.buttons()).toEqual(['↩️ Ответить', '🚫 Заблокировать', '◀️ Назад в чат']);
    await ann.click('🚫 Заблокировать');
    expect(ann.lastReply().split('\n')[0]).toBe(`🚫 <b>Заблокировать ${handle(bob)}?</b>`);
    expect(ann.buttons()).toEqual(['🚫 Заблокировать', '◀️ Назад']);
    await ann.click('🚫 Заблокировать');
    expect(lastToast(env)).toBe(`🚫 Готово: ${handle(bob)} больше не сможет вам писать.`);
    expect(ann.lastReply()).toContain(
      `🚫 Вы заблокировали ${handle(bob)}: этот человек не может вам писать, а вы ему — можете.`,
    );
    await bob.sendCommand('pm', `${handle(ann)} hi`);
    expect(bob.lastReply()).toBe(`✋ ${handle(ann)} does not accept messages from you.`);
    await ann.sendCommand('pm', `${handle(bob)} привет`);
    await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}: привет`);
    await bob.click('↩️ Reply');
    // Bob speaks English; Ann's refusal reaches him in his language.
    expect(lastToast(env)).toBe(`✋ ${handle(ann)} does not accept messages from you.`);
  });

  it('stale buttons answer with how things are and change nothing; forged ids reach nobody', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const [a, b] = [await userRow(env, ann), await userRow(env, bob)];
    await seedPms(env, [{ from: b, to: a, text: 'hello' }]);
    await ann.sendCommand('history', handle(bob));
    const old = lastMessage(ann);
    const oldBlock = old?.reply_markup?.inline_keyboard?.flat().find((k) => k.text === '🚫 Block')?.callback_data;
    await ann.click('🚫 Block');
    const ask = lastMessage(ann);
    const yes = ask?.reply_markup?.inline_keyboard?.flat().find((k) => k.text === '🚫 Block')?.callback_data;

    // Blocked meanwhile (the API, another message): Yes says so, and the history shows ✅ Unblock.
    await blockUser(env.em(), a.id, b.id);
    await ann.pressCallback(ask, yes as string);
    expect(lastToast(env)).toBe(`🚫 ${handle(bob)} is already blocked.`);
    expect(ann.buttons()).toEqual(['↩️ Reply', '✅ Unblock', '◀️ Back to chat']);
    // A 🚫 Block of a screen from before the block asks nothing.
    await ann.pressCallback(old, oldBlock as string);
    expect(lastToast(env)).toBe(`🚫 ${handle(bob)} is already blocked.`);
    expect(ann.lastReply()).toContain('You blocked');
    expect(await env.em().count(UserBlock, { blocker: a.id })).toBe(1);

    // Unblocked meanwhile: ✅ Unblock of the old screen says so.
    const unblockData = lastMessage(ann)
      ?.reply_markup?.inline_keyboard?.flat()
      .find((k) => k.text === '✅ Unblock')?.callback_data;
    await unblockUser(env.em(), a.id, b.id);
    await ann.pressCallback(lastMessage(ann), unblockData as string);
    expect(lastToast(env)).toBe(`${handle(bob)} is not blocked.`);
    expect(ann.buttons()).toEqual(['↩️ Reply', '🚫 Block', '◀️ Back to chat']);

    // Someone without a handle whom Ann never wrote with: no button of hers reaches them.
    const hidden = await chatUser(env, { first_name: 'Harriet Hidden', username: undefined });
    const h = await userRow(env, hidden);
    const history = (payload: string) =>
      (oldBlock as string).replace(/^hist\/(\w+)\/(\w+)\/[^/]+/, `hist/$1/$2/${payload}`);
    for (const forged of [
      history(`${h.id}.x0`),
      history(`${h.id}.u0`),
      `hblk/0/0/${h.id}.y0/h0`,
      `pm:block:${h.id}`,
      `pm:block-yes:${h.id}`,
      `pm:unblock:${h.id}`,
      `pm:block-yes:${a.id}`,
      // Past PostgreSQL's bigint: names nobody, and fails no query.
      'pm:block-yes:9999999999999999999',
    ]) {
      await ann.pressCallback(old, forged);
      expect(lastToast(env), forged).toBe('❌ This user is no longer available.');
    }
    expect(await env.em().count(UserBlock, { blocker: a.id })).toBe(0);
    expect(JSON.stringify(env.telegram.chat(ann.chatId))).not.toContain('Harriet');
  });
});

describe('🚫 Block under a PM', () => {
  it('asks in the keyboard, blocks, unblocks, all in place; the blocker can still reply, the blocked cannot', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    await bob.sendCommand('pm', `${handle(ann)} spam spam`);
    const delivered = await waitForSend(env, ann.chatId, (t) => t === `💬 ${handle(bob)}: spam spam`);
    const pm = env.telegram.chat(ann.chatId).find((m) => m.text === `💬 ${handle(bob)}: spam spam`);
    expect(pm?.message_id).toBeDefined();
    const keys = () =>
      env.telegram
        .chat(ann.chatId)
        .find((m) => m.message_id === pm?.message_id)
        ?.reply_markup?.inline_keyboard?.flat()
        .map((k) => k.text);
    expect(keys()).toEqual(['↩️ Reply', '🚫 Block']);

    await ann.click('🚫 Block');
    expect(lastToast(env)).toBe(
      `Block ${handle(bob)}? They will no longer be able to send you messages. You can unblock them any time.`,
    );
    expect(keys()).toEqual(['🚫 Yes, block', '◀️ Back']);
    await ann.click('◀️ Back');
    expect(keys()).toEqual(['↩️ Reply', '🚫 Block']);
    expect(await isBlocked(ann, bob)).toBe(false);

    await ann.click('🚫 Block');
    await ann.click('🚫 Yes, block');
    expect(lastToast(env)).toBe(`🚫 ${handle(bob)} is blocked: they can no longer message you.`);
    expect(keys()).toEqual(['↩️ Reply', '✅ Unblock']);
    expect(await isBlocked(ann, bob)).toBe(true);
    // The message itself stays as it was: only its keyboard changed.
    expect(env.telegram.chat(ann.chatId).find((m) => m.message_id === pm?.message_id)?.text).toBe(
      String(delivered.payload.text),
    );

    // Bob's swipe-reply, his Reply button and ✉️ New message all meet the same answer.
    await ann.sendCommand('pm', `${handle(bob)} stop it`);
    await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}: stop it`);
    const repliesBefore = bob.replies().length;
    await bob.click('↩️ Reply');
    expect(lastToast(env)).toBe(`✋ ${handle(ann)} does not accept messages from you.`);
    expect(bob.replies().length).toBe(repliesBefore);
    const copy = env.telegram.chat(bob.chatId).find((m) => m.text === `💬 ${handle(ann)}: stop it`);
    await bob.sendMessage({ text: 'why?' }, { message_id: copy?.message_id as number });
    expect(bob.lastReply()).toBe(`✋ ${handle(ann)} does not accept messages from you.`);
    await bob.sendCommand('menu');
    await bob.click('💬 Chat');
    await bob.click('✉️ New message');
    await bob.sendText(handle(ann));
    expect(bob.lastReply()).toBe(`✋ ${handle(ann)} does not accept messages from you.`);
    await bob.sendCommand('cancel');
    expect(await pmsFromTo(bob, ann)).toBe(1);

    // Ann, the blocker, still answers from the same message.
    await ann.click('↩️ Reply');
    await ann.sendText('last word');
    expect(ann.lastReply()).toBe(`✅ Sent to ${handle(bob)}`);

    await ann.click('✅ Unblock');
    expect(lastToast(env)).toBe(`✅ ${handle(bob)} is unblocked: they can message you again.`);
    expect(keys()).toEqual(['↩️ Reply', '🚫 Block']);
    expect(await isBlocked(ann, bob)).toBe(false);
  });

  it('a stale Yes or Unblock shows the keyboard that is true now and changes nothing', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const [a, b] = [await userRow(env, ann), await userRow(env, bob)];
    await bob.sendCommand('pm', `${handle(ann)} hi`);
    await waitForSend(env, ann.chatId, (t) => t === `💬 ${handle(bob)}: hi`);
    const pm = () => env.telegram.chat(ann.chatId).find((m) => m.text === `💬 ${handle(bob)}: hi`);
    await ann.click('🚫 Block');
    await blockUser(env.em(), a.id, b.id);
    await ann.click('🚫 Yes, block');
    expect(lastToast(env)).toBe(`🚫 ${handle(bob)} is already blocked.`);
    expect(
      pm()
        ?.reply_markup?.inline_keyboard?.flat()
        .map((k) => k.text),
    ).toEqual(['↩️ Reply', '✅ Unblock']);
    await unblockUser(env.em(), a.id, b.id);
    await ann.click('✅ Unblock');
    expect(lastToast(env)).toBe(`${handle(bob)} is not blocked.`);
    expect(
      pm()
        ?.reply_markup?.inline_keyboard?.flat()
        .map((k) => k.text),
    ).toEqual(['↩️ Reply', '🚫 Block']);
    expect(await env.em().count(UserBlock, { blocker: a.id })).toBe(0);
  });
});

describe('Settings → 🚫 Blocked people', () => {
  it('says how to block when nobody is, and ◀️ Back returns to Settings in place', async () => {
    const lone = await chatUser(env, { first_name: 'Lone' });
    await lone.sendCommand('settings');
    const screen = lastMessage(lone)?.message_id;
    await lone.click('🚫 Blocked people');
    expect(lastMessage(lone)?.message_id).toBe(screen);
    expect(lone.lastReply()).toBe(
      "🚫 <b>Blocked people</b>\n\nYou haven't blocked anyone. To block someone, open your conversation with them (<code>/history @username</code>, or 📥 Inbox → 📜 History) and tap 🚫 Block: they can then no longer send you private messages.",
    );
    expect(lone.buttons()).toEqual(['◀️ Back']);
    await lone.click('◀️ Back');
    expect(lone.lastReply()).toContain('⚙️ <b>Settings</b>');
  });

  it('lists them newest first, 8 a page, unblocks in place; a stale Unblock changes nothing', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const a = await userRow(env, ann);
    const people: User[] = [];
    for (let i = 1; i <= 10; i++) {
      const person = await chatUser(env, { first_name: `P${i}` });
      people.push(await userRow(env, person));
      await blockUser(env.em(), a.id, (people.at(-1) as User).id);
    }
    const label = (user: User) => `✅ Unblock @${user.telegramUsername}`;
    const newest = [...people].reverse();

    await ann.sendCommand('settings');
    await ann.click('🚫 Blocked people');
    const screen = lastMessage(ann)?.message_id;
    expect(ann.lastReply()).toBe(
      "🚫 <b>Blocked people</b>: 10\nThey can't send you private messages; you can still write to them. Tap ✅ to unblock someone.",
    );
    expect(ann.buttons()).toEqual([...newest.slice(0, 8).map(label), '1/2', '▶️', '◀️ Back']);
    await ann.click('▶️');
    expect(lastMessage(ann)?.message_id).toBe(screen);
    expect(ann.buttons()).toEqual([...newest.slice(8).map(label), '◀️', '2/2', '◀️ Back']);

    const first = people[0] as User;
    const message = lastMessage(ann);
    const data = message?.reply_markup?.inline_keyboard?.flat().find((k) => k.text === label(first))?.callback_data;
    await ann.click(label(first));
    expect(lastToast(env)).toBe(`✅ @${first.telegramUsername} is unblocked: they can message you again.`);
    expect(lastMessage(ann)?.message_id).toBe(screen);
    expect(ann.lastReply()).toContain('<b>Blocked people</b>: 9');
    expect(ann.buttons()).toEqual([label(people[1] as User), '◀️', '2/2', '◀️ Back']);
    expect(await blocks(env.em(), a.id, first.id)).toBe(false);

    // The same button again (an old message): nothing to lift.
    await ann.pressCallback(message, data as string);
    expect(lastToast(env)).toBe('This person is not blocked any more.');
    expect(await env.em().count(UserBlock, { blocker: a.id })).toBe(9);
    // A forged id lifts nobody else's block.
    const someoneElse = await chatUser(env, { first_name: 'Other' });
    await blockUser(env.em(), (await userRow(env, someoneElse)).id, a.id);
    await ann.pressCallback(message, (data as string).replace(`u${first.id}.`, `u${a.id}.`));
    expect(lastToast(env)).toBe('This person is not blocked any more.');
    expect(await blocks(env.em(), (await userRow(env, someoneElse)).id, a.id)).toBe(true);

    await ann.click('◀️ Back');
    expect(ann.lastReply()).toContain('⚙️ <b>Settings</b>');
  });
});

describe('the room', () => {
  it('is a common chat: blocking does not filter it', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    await blockUser(env.em(), (await userRow(env, ann)).id, (await userRow(env, bob)).id);
    await ann.sendCommand('room');
    await bob.sendCommand('room');
    await bob.sendText('hello room');
    await waitForSend(env, ann.chatId, (t) => t === '🏠 <b>Bob</b> in the room: hello room');
  });
});
