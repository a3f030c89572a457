import { beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/features/chat/message.entity.js';
import { isRoomMember } from '../../src/features/chat/room.js';
import { createAccount } from '../helpers/accounts.js';
import { chatUser, startChatWorker, userRow } from '../helpers/bot-chat.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Issue 18: room membership (and the bot session) live in Redis. After Redis lost them, a user
 * who was in room mode and writes is not left in silence or handed to the "not sure what you
 * mean" fallback: the bot (which recorded in PostgreSQL that they entered room mode) tells them
 * their room session ended, once, and shows the room with its Join button.
 */
const env = useTestEnvironment();
beforeAll(() => startChatWorker(env));

/** An empty Redis for this file: every key under its prefix is gone. */
async function emptyRedis() {
  const keys = await env.redis.keys();
  if (keys.length > 0) await env.redis.redis.del(...keys);
  expect(await env.redis.keys()).toEqual([]);
}

const CASES = [
  {
    language: 'en',
    ended:
      '🚪 Your room session was cut off by a hiccup on our side, so this message was not sent. To come back, tap “✅ Join the room” below or send /room.',
    join: '✅ Join the room',
    inRoom: /^🏠 <b>You're in the room\.<\/b>/,
  },
  {
    language: 'ru',
    ended:
      '🚪 Сеанс в комнате прервался из-за сбоя на нашей стороне, поэтому сообщение не отправлено. Чтобы вернуться, нажмите «✅ Войти в комнату» ниже или отправьте /room.',
    join: '✅ Войти в комнату',
    inRoom: /^🏠 <b>Вы в комнате\.<\/b>/,
  },
];

describe('room mode after Redis lost the room', () => {
  it.each(CASES)('($language) the next text is answered: the room session ended, with the way back', async (c) => {
    const ann = await chatUser(env, { first_name: 'Ann', language_code: c.language });
    await ann.sendCommand('room');
    expect(ann.lastReply()).toMatch(c.inRoom);
    const id = (await userRow(env, ann)).id;

    await emptyRedis();
    const before = ann.replies().length;
    await ann.sendText('Is anyone still here?');
    const answers = ann.replies().slice(before);
    expect(answers[0]).toBe(c.ended);
    // Then the room itself, outside it, with its Join button.
    expect(answers).toHaveLength(2);
    expect(ann.buttons()).toContain(c.join);
    expect(await env.em().count(Message, { kind: 'room', text: 'Is anyone still here?' })).toBe(0);

    // Told once: the next text is an ordinary text again.
    await ann.sendText('hello?');
    expect(ann.replies().filter((r) => r === c.ended)).toHaveLength(1);

    // The button takes them back in.
    await ann.click(c.join);
    expect(ann.lastReply()).toMatch(c.inRoom);
    expect(await isRoomMember(env.services, id)).toBe(true);
  });

  it('a user who left the room normally is not told anything about a room session', async () => {
    const bob = await chatUser(env, { first_name: 'Bob' });
    await bob.sendCommand('room');
    await bob.sendCommand('leave');
    await emptyRedis();
    await bob.sendText('just a text');
    expect(bob.replies().filter((r) => r === CASES[0]?.ended)).toHaveLength(0);
    expect(bob.lastReply()).toContain("I'm not sure what you mean");
  });

  it('a user who linked an HTTP account while in the room is told too (the record moves with them)', async () => {
    const { token } = await createAccount(env.services, { username: 'room_linker' });
    const link = await apiRequest(env.app, 'POST', '/token', { token });
    expect(link.status).toBe(201);
    const cleo = await chatUser(env, { first_name: 'Cleo' });
    await cleo.sendCommand('room');
    expect(cleo.lastReply()).toMatch(CASES[0]?.inRoom as RegExp);
    await cleo.sendText(link.body.token);
    await cleo.click('✅ Link my Telegram');
    expect(cleo.lastReply()).toContain('room_linker');

    await emptyRedis();
    const before = cleo.replies().length;
    await cleo.sendText('Still there?');
    expect(cleo.replies().slice(before)[0]).toBe(CASES[0]?.ended);
  });
});
