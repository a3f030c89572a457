import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHAT_DELIVERY_QUEUE,
  type ChatDeliveryJob,
  handleChatDelivery,
} from '../../src/features/chat/jobs/delivery.js';
import { chatKeys } from '../../src/features/chat/keys.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { isRoomMember, leaveRoom } from '../../src/features/chat/room.js';
import {
  chatUser,
  lastToast,
  pause,
  seedRoom,
  sendsTo,
  startChatWorker,
  userRow,
  waitForSend,
} from '../helpers/bot-chat.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';

const env = useTestEnvironment();
beforeAll(() => startChatWorker(env));

// Room lines are visibly the room's (issue 14), not like PMs.
const roomLine = (name: string, text: string) => `🏠 <b>${name}</b> in the room: ${text}`;
const roomTexts = (client: BotClient) =>
  sendsTo(env, client.chatId, (t) => /^🏠 <b>.*<\/b> in the room: /.test(t)).map((c) => String(c.payload.text));
const IN_ROOM = /^🏠 <b>You're in the room\.<\/b>\nEverything you write now goes to everyone here\./;
const roomRows = async () =>
  (await env.em().find(Message, { kind: 'room' }, { orderBy: { id: 'asc' } })).map((m) => m.text);

describe('the room', () => {
  it('three users: join, every plain text goes to the others (from the worker), /leave exits', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const cid = await chatUser(env, { first_name: 'Cid', last_name: 'Lee' });
    for (const client of [ann, bob, cid]) {
      await client.sendCommand('room');
      expect(client.lastReply()).toMatch(IN_ROOM);
      // In room mode the only way on is out: no Back that leaves the user in the room.
      expect(client.buttons()).toEqual(['🚪 Leave the room']);
      expect(await isRoomMember(env.services, (await userRow(env, client)).id)).toBe(true);
    }

    const before = env.telegram.calls.length;
    await ann.sendText('Hello <everyone> & all');
    // The update handler only stores and enqueues: it sends nothing to the others itself.
    expect(
      env.telegram.calls.slice(before).filter((c) => c.method === 'sendMessage' && c.payload.chat_id !== ann.chatId),
    ).toEqual([]);
    const line = roomLine('Ann', 'Hello &lt;everyone&gt; &amp; all');
    await waitForSend(env, bob.chatId, (t) => t === line);
    await waitForSend(env, cid.chatId, (t) => t === line);

    await cid.sendText('Hi from Cid');
    await waitForSend(env, ann.chatId, (t) => t === roomLine('Cid Lee', 'Hi from Cid'));
    await waitForSend(env, bob.chatId, (t) => t === roomLine('Cid Lee', 'Hi from Cid'));

    await cid.sendCommand('leave');
    expect(cid.lastReply()).toBe('👋 You left the room.');
    await bob.sendText('Bye, Cid');
    await waitForSend(env, ann.chatId, (t) => t === roomLine('Bob', 'Bye, Cid'));
    await pause();

    // Nobody gets their own lines; Cid got nothing after leaving.
    expect(roomTexts(ann)).toEqual([roomLine('Cid Lee', 'Hi from Cid'), roomLine('Bob', 'Bye, Cid')]);
    expect(roomTexts(bob)).toEqual([line, roomLine('Cid Lee', 'Hi from Cid')]);
    expect(roomTexts(cid)).toEqual([line]);
    expect(await roomRows()).toEqual(expect.arrayContaining(['Hello <everyone> & all', 'Hi from Cid', 'Bye, Cid']));

    // Out of the room, a text is an ordinary text again.
    await cid.sendText('anyone?');
    expect(cid.lastReply()).toContain("I'm not sure what you mean");
    await cid.sendCommand('leave');
    expect(cid.lastReply()).toBe("You're not in the room. /room to join.");
    expect(await roomRows()).not.toContain('anyone?');
    for (const client of [ann, bob]) await client.sendCommand('leave');
  });

  it('joining shows the last 10 room messages, oldest first, escaped', async () => {
    const poster = await chatUser(env, { first_name: 'Poster' });
    await seedRoom(
      env,
      await userRow(env, poster),
      Array.from({ length: 12 }, (_, i) => `old <${i + 1}>`),
    );
    const dan = await chatUser(env, { first_name: 'Dan' });
    await dan.sendCommand('room');
    const lines = dan.lastReply().split('\n');
    // Who is here (Dan at least), then the latest messages.
    expect(lines[3]).toMatch(/^👥 Here now(?: \(\d+\))?: .*Dan/);
    expect(lines.slice(5, 6)).toEqual(['Latest messages:']);
    expect(lines.slice(6)).toEqual(Array.from({ length: 10 }, (_, i) => roomLine('Poster', `old &lt;${i + 3}&gt;`)));

    await dan.sendCommand('room');
    expect(dan.lastReply()).toMatch(IN_ROOM);
    await dan.sendCommand('leave');
  });

  it('any other command ends room mode, says so once, and then runs; a poll is refused clearly', async () => {
    const eve = await chatUser(env, { first_name: 'Eve' });
    const eveId = (await userRow(env, eve)).id;
    await eve.sendCommand('room');
    const rows = (await roomRows()).length;
    await eve.sendMessage({ poll: { id: 'p', question: 'Lunch?', options: [], is_closed: false } });
    expect(eve.lastReply()).toBe(
      "❌ This kind of message can't be relayed. The chat takes texts, photos, documents, voice messages, videos and stickers.",
    );
    await eve.sendCommand('help');
    const replies = eve.replies();
    expect(replies.at(-2)).toBe('👋 You left the room. /room to come back.');
    expect(eve.lastReply()).toContain('/inbox');
    expect(await isRoomMember(env.services, eveId)).toBe(false);
    await eve.sendText('A plain text, not a room message');
    expect(eve.lastReply()).toContain("I'm not sure what you mean");
    expect((await roomRows()).length).toBe(rows);

    for (const command of ['menu', 'newtask']) {
      await eve.sendCommand('room');
      await eve.sendCommand(command);
      expect(eve.replies().filter((r) => r === '👋 You left the room. /room to come back.').length).toBeGreaterThan(0);
      expect(await isRoomMember(env.services, eveId)).toBe(false);
    }
    await eve.sendText('A task, not a room message');
    expect(eve.lastReply()).toContain('description');
    await eve.sendCommand('cancel');
    expect((await roomRows()).length).toBe(rows);
  });

  it('ends room mode after 30 minutes without writing there: told once, by the worker or on the next text', async () => {
    const kim = await chatUser(env, { first_name: 'Kim' });
    const lou = await chatUser(env, { first_name: 'Lou' });
    const kimId = (await userRow(env, kim)).id;
    const louId = (await userRow(env, lou)).id;
    await kim.sendCommand('room');
    await lou.sendCommand('room');
    await kim.sendText('still talking');
    // The idle check is scheduled 30 minutes (and a second) ahead for each entry.
    const jobs = await env.services.jobs.queue<ChatDeliveryJob>(CHAT_DELIVERY_QUEUE).getDelayed();
    const idle = jobs.filter((j) => j.data.type === 'room-idle' && j.data.userId === kimId);
    expect(idle).toHaveLength(1);
    expect(idle[0]?.opts.delay).toBe(30 * 60_000 + 1_000);

    // Still active (she wrote): the check re-schedules itself for when the activity runs out.
    expect(await handleChatDelivery(env.services, { data: { type: 'room-idle', userId: kimId } })).toBe('queued');
    expect(await isRoomMember(env.services, kimId)).toBe(true);

    // 30 minutes pass for Kim (the activity key expires): the worker's check takes her out, once.
    await env.services.redis.del(chatKeys(env.services.keyPrefix).roomActive(kimId));
    expect(await handleChatDelivery(env.services, { data: { type: 'room-idle', userId: kimId } })).toBe('sent');
    expect(kim.lastReply()).toBe('🚪 You left the room after 30 minutes without writing there. /room to come back.');
    expect(await isRoomMember(env.services, kimId)).toBe(false);
    expect(await handleChatDelivery(env.services, { data: { type: 'room-idle', userId: kimId } })).toBe('skipped');

    // Lou's time runs out before the worker looks: her next text is not sent, and she is told once.
    await env.services.redis.pexpire(chatKeys(env.services.keyPrefix).roomActive(louId), 1);
    await pause(20);
    await lou.sendText('is anyone here?');
    expect(lou.lastReply()).toBe(
      '🚪 You left the room after 30 minutes without writing there, so this was not sent. /room to come back.',
    );
    expect(await roomRows()).not.toContain('is anyone here?');
    expect(await handleChatDelivery(env.services, { data: { type: 'room-idle', userId: louId } })).toBe('skipped');
    await lou.sendText('hello?');
    expect(lou.lastReply()).toContain("I'm not sure what you mean");
  });

  it('Chat → Room shows the room without joining; Join is explicit, and Leave exits', async () => {
    const fay = await chatUser(env, { first_name: 'Fay' });
    await fay.click('💬 Chat');
    expect(fay.lastReply()).toContain('💬 <b>Chat</b>');
    expect(fay.lastReply()).toContain('<code>/history @username</code>');
    expect(fay.buttons()).toEqual(['✉️ New message', '📜 History', '📥 Inbox', '🏠 Room', '◀️ Back to menu']);
    const menuMessage = env.telegram.chat(fay.chatId).at(-1)?.message_id;
    await fay.click('🏠 Room');
    expect(env.telegram.chat(fay.chatId).at(-1)?.message_id).toBe(menuMessage);
    expect(fay.lastReply()).toMatch(/^🏠 <b>Room<\/b>: the common chat\./);
    expect(fay.buttons()).toEqual(['✅ Join the room', '◀️ Back to chat']);
    const fayId = (await userRow(env, fay)).id;
    expect(await isRoomMember(env.services, fayId)).toBe(false);
    await fay.click('◀️ Back to chat');
    expect(fay.lastReply()).toContain('💬 <b>Chat</b>');
    await fay.click('🏠 Room');
    await fay.click('✅ Join the room');
    expect(fay.lastReply()).toMatch(IN_ROOM);
    expect(fay.lastReply()).toMatch(/👥 Here now.*Fay/);
    expect(await isRoomMember(env.services, fayId)).toBe(true);
    await fay.click('🚪 Leave the room');
    expect(lastToast(env)).toBe('👋 You left the room.');
    expect(fay.lastReply()).toContain('💬 <b>Chat</b>');
    expect(await isRoomMember(env.services, fayId)).toBe(false);
  });

  it('membership lives in Redis: it survives a restart, and a leave made elsewhere is explained', async () => {
    const gus = await chatUser(env, { first_name: 'Gus' });
    const hal = await chatUser(env, { first_name: 'Hal' });
    await gus.sendCommand('room');
    await hal.sendCommand('room');

    // A new bot instance (a restart): no memory of its own, the room is still there.
    const restarted = env.newBot({ telegram: env.telegram });
    const gusAgain = restarted.client(gus.user);
    await gusAgain.sendText('still here after a restart');
    await waitForSend(env, hal.chatId, (t) => t === roomLine('Gus', 'still here after a restart'));

    // Taken out of the room elsewhere (e.g. a WebSocket leave): the next text says so, once.
    await leaveRoom(env.services, (await userRow(env, gus)).id);
    await gus.sendText('hello?');
    expect(gus.lastReply()).toBe(
      "🚪 You're no longer in the room (you left it elsewhere), so this was not sent. /room to join again.",
    );
    await gus.sendText('hello again?');
    expect(gus.lastReply()).toContain("I'm not sure what you mean");
    expect(await roomRows()).not.toContain('hello?');
    await hal.sendCommand('leave');
  });

  it('answers politely past 20 room messages a minute', async () => {
    const ivy = await chatUser(env, { first_name: 'Ivy' });
    await ivy.sendCommand('room');
    for (let i = 0; i < 20; i++) await ivy.sendText(`line ${i + 1}`);
    await ivy.sendText('line 21');
    expect(ivy.lastReply()).toMatch(
      /^⏳ Easy there: at most 20 room messages a minute\. Please try again in \d+ seconds?\.$/,
    );
    expect(await roomRows()).not.toContain('line 21');
    await ivy.sendCommand('leave');
  });
});
