import { beforeAll, describe, expect, it } from 'vitest';
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

const roomLine = (name: string, text: string) => `<b>${name}</b>: ${text}`;
const roomTexts = (client: BotClient) =>
  sendsTo(env, client.chatId, (t) => t.startsWith('<b>')).map((c) => String(c.payload.text));
const roomRows = async () =>
  (await env.em().find(Message, { kind: 'room' }, { orderBy: { id: 'asc' } })).map((m) => m.text);

describe('the room', () => {
  it('three users: join, every plain text goes to the others (from the worker), /leave exits', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const cid = await chatUser(env, { first_name: 'Cid', last_name: 'Lee' });
    for (const client of [ann, bob, cid]) {
      await client.sendCommand('room');
      expect(client.lastReply()).toMatch(/^🏠 <b>Room<\/b>: you're in\.\nEverything you write now goes to everyone/);
      expect(client.buttons()).toEqual(['🚪 Leave the room', '◀️ Back']);
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
    expect(lines.slice(3, 4)).toEqual(['Latest messages:']);
    expect(lines.slice(4)).toEqual(Array.from({ length: 10 }, (_, i) => roomLine('Poster', `old &lt;${i + 3}&gt;`)));

    await dan.sendCommand('room');
    expect(dan.lastReply()).toMatch(/^🏠 <b>Room<\/b>: you're already in\./);
    await dan.sendCommand('leave');
  });

  it('keeps commands, dialogs and other menus working in room mode, and refuses non-text', async () => {
    const eve = await chatUser(env, { first_name: 'Eve' });
    await eve.sendCommand('room');
    const rows = (await roomRows()).length;
    await eve.sendCommand('help');
    expect(eve.lastReply()).toContain('/pm username text');
    await eve.sendCommand('newtask');
    await eve.sendText('A task, not a room message');
    expect(eve.lastReply()).toContain('description');
    await eve.sendCommand('cancel');
    await eve.sendSticker();
    expect(eve.lastReply()).toBe('❌ Only text goes to the room.');
    expect((await roomRows()).length).toBe(rows);
    await eve.sendCommand('leave');
  });

  it('Chat → Room joins from the menu, and its Leave button exits', async () => {
    const fay = await chatUser(env, { first_name: 'Fay' });
    await fay.click('💬 Chat');
    expect(fay.lastReply()).toContain('💬 <b>Chat</b>');
    expect(fay.lastReply()).toContain('<code>/history username</code>');
    expect(fay.buttons()).toEqual(['🏠 Room', '📥 Inbox', '◀️ Back']);
    const menuMessage = env.telegram.chat(fay.chatId).at(-1)?.message_id;
    await fay.click('🏠 Room');
    expect(env.telegram.chat(fay.chatId).at(-1)?.message_id).toBe(menuMessage);
    expect(fay.lastReply()).toMatch(/^🏠 <b>Room<\/b>: you're in\./);
    const fayId = (await userRow(env, fay)).id;
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
    expect(ivy.lastReply()).toMatch(/^⏳ Easy there: at most 20 room messages a minute\. Please try again in \d+ s\.$/);
    expect(await roomRows()).not.toContain('line 21');
    await ivy.sendCommand('leave');
  });
});
