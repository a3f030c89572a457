import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHAT_DELIVERY_QUEUE,
  type ChatDeliveryJob,
  handleChatDelivery,
} from '../../src/features/chat/jobs/delivery.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { User } from '../../src/features/users/user.entity.js';
import { issueAccessToken } from '../../src/platform/auth/access-token.js';
import { chatUser, pause, pmsFrom, sendsTo, startChatWorker, userRow, waitForSend } from '../helpers/bot-chat.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ApiCall } from '../helpers/fake-bot-api.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Issue 14: chat that works as a conversation. Every PM arrives in full (a burst folds), replies
 * the Telegram way (Reply button and swipe), media relayed with captions, the Chat screens.
 */
const env = useTestEnvironment();
beforeAll(() => startChatWorker(env));

const handle = (client: BotClient) => `@${client.user.username}`;
const photo = (fileId: string) => [{ file_id: fileId, file_unique_id: `${fileId}-u`, width: 90, height: 90 }];
const document = (fileId: string, name = 'plan.pdf') => ({
  file_id: fileId,
  file_unique_id: `${fileId}-u`,
  file_name: name,
  mime_type: 'application/pdf',
});

/** The call that carried a file to a chat. */
function waitForMedia(method: string, chatId: number, fileField: string, fileId: string): Promise<ApiCall> {
  return env.telegram.waitForCall(
    (c) => c.method === method && c.payload.chat_id === chatId && c.payload[fileField] === fileId,
    10_000,
  );
}

/** The bot's message in `to`'s chat that carries PM `text`, once the worker has stored its id. */
async function deliveredPm(to: BotClient, text: string): Promise<{ message_id: number; text: string }> {
  for (let i = 0; i < 250; i++) {
    const row = await env.em().findOne(Message, { kind: 'pm', text, telegramMessageId: { $ne: null } });
    if (row?.telegramMessageId) {
      const shown = env.telegram.chat(to.chatId).find((m) => m.message_id === row.telegramMessageId);
      if (shown) return { message_id: shown.message_id, text: shown.text };
    }
    await pause(20);
  }
  throw new Error(`PM ${text} was not delivered to ${to.chatId}`);
}

describe('every PM arrives in full; only a burst is folded', () => {
  for (const language of ['en', 'ru'] as const) {
    it(`3 PMs in a row arrive in full and the 7th in a minute is folded (${language})`, async () => {
      const ann = await chatUser(env, { first_name: 'Ann', language_code: language });
      const bob = await chatUser(env, { first_name: 'Bob', language_code: language });
      for (let i = 1; i <= 3; i++) await ann.sendCommand('pm', `${handle(bob)} line ${i}`);
      for (let i = 1; i <= 3; i++) await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}: line ${i}`);
      for (let i = 4; i <= 7; i++) await ann.sendCommand('pm', `${handle(bob)} line ${i}`);
      for (let i = 4; i <= 5; i++) await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}: line ${i}`);
      await pause();
      // The 6th and the 7th wait for the one notice of the window; all 7 are stored.
      expect(sendsTo(env, bob.chatId, (t) => t.startsWith('💬')).map((c) => c.payload.text)).toHaveLength(5);
      expect((await pmsFrom(env, ann)).map((m) => m.text)).toEqual(
        Array.from({ length: 7 }, (_, i) => `line ${i + 1}`),
      );
      const bobId = (await userRow(env, bob)).id;
      const notices = (await env.services.jobs.queue<ChatDeliveryJob>(CHAT_DELIVERY_QUEUE).getDelayed()).filter(
        (j) => j.data.type === 'pm-notice' && j.data.recipientId === bobId,
      );
      expect(notices).toHaveLength(1);
      expect(await handleChatDelivery(env.services, notices[0] as never)).toBe('sent');
      const notice = language === 'en' ? '📨 2 new messages from' : '📨 2 новых сообщения от';
      await waitForSend(env, bob.chatId, (t) => t === `${notice} ${handle(ann)} — /inbox`);
    });
  }
});

describe('replies the Telegram way', () => {
  it('a swipe-reply to a PM goes back to its sender, with text and with a photo and its caption', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    await ann.sendCommand('pm', `${handle(bob)} lunch?`);
    const copy = await deliveredPm(bob, 'lunch?');

    await bob.sendMessage({ text: 'yes, at one' }, copy);
    expect(bob.lastReply()).toBe(`✅ Sent to ${handle(ann)}`);
    await waitForSend(env, ann.chatId, (t) => t === `💬 ${handle(bob)}: yes, at one`);

    // Ann swipes Bob's answer with a photo and a caption: back to Bob, relayed by file id.
    const answer = await deliveredPm(ann, 'yes, at one');
    await ann.sendMessage({ photo: photo('photo-1'), caption: 'the <menu> & prices' }, answer);
    expect(ann.lastReply()).toBe(`✅ Sent to ${handle(bob)}`);
    const sent = await waitForMedia('sendPhoto', bob.chatId, 'photo', 'photo-1');
    expect(sent.payload.caption).toBe(`💬 ${handle(ann)}: the &lt;menu&gt; &amp; prices`);
    expect(JSON.stringify(sent.payload.reply_markup)).toContain(`pm:reply:${(await userRow(env, ann)).id}`);
    const stored = (await pmsFrom(env, ann)).at(-1);
    expect([stored?.text, stored?.media]).toEqual(['the <menu> & prices', { type: 'photo', fileId: 'photo-1' }]);

    // A swipe on a message that is not a PM (the bot's menu) is not a PM.
    await bob.sendCommand('menu');
    const menu = env.telegram.chat(bob.chatId).at(-1)?.message_id ?? 0;
    await bob.sendMessage({ text: 'hello menu' }, { message_id: menu });
    expect(bob.lastReply()).toContain("I'm not sure what you mean");
    expect((await pmsFrom(env, bob)).map((m) => m.text)).toEqual(['yes, at one']);
  });

  it('Reply button in Russian: a document with its caption, a sticker, and clear answers for a poll and a long caption', async () => {
    const ann = await chatUser(env, { first_name: 'Аня', language_code: 'ru' });
    const bob = await chatUser(env, { first_name: 'Боря', language_code: 'ru' });
    await ann.sendCommand('pm', `${handle(bob)} пришли план`);
    await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}: пришли план`);
    await bob.click('↩️ Ответить');
    expect(bob.lastReply()).toBe(
      `✍️ Ответ для ${handle(ann)}: отправьте сообщение (текст, фото, документ, голосовое, видео или стикер).`,
    );
    expect(bob.buttons()).toEqual(['✖️ Отмена']);
    await bob.sendMessage({ poll: { id: 'p', question: '?', options: [], is_closed: false } });
    expect(bob.lastReply()).toBe(
      '❌ Такое сообщение переслать нельзя. В чат можно отправлять текст, фото, документы, голосовые, видео и стикеры.',
    );
    await bob.sendMessage({ document: document('doc-1'), caption: 'x'.repeat(1025) });
    // Numbers as Russian writes them ("1 025", a narrow space).
    expect(bob.lastReply()).toMatch(
      /^❌ В подписи 1\s025 символов, а Telegram разрешает не больше 1\s024\. Сократите подпись и отправьте снова\. Ничего не отправлено\.$/,
    );
    expect(await pmsFrom(env, bob)).toEqual([]);
    await bob.sendMessage({ document: document('doc-1'), caption: 'вот план' });
    expect(bob.lastReply()).toBe(`✅ Отправлено: ${handle(ann)}`);
    const sent = await waitForMedia('sendDocument', ann.chatId, 'document', 'doc-1');
    expect(sent.payload.caption).toBe(`💬 ${handle(bob)}: вот план`);
    expect((await pmsFrom(env, bob)).map((m) => m.media)).toEqual([
      { type: 'document', fileId: 'doc-1', fileName: 'plan.pdf', mimeType: 'application/pdf' },
    ]);

    // A sticker in answer to the document: the name first, then the sticker with the Reply button.
    const copy = await deliveredPm(ann, 'вот план');
    await ann.sendMessage(
      {
        sticker: {
          file_id: 'st-1',
          file_unique_id: 'st',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      },
      copy,
    );
    const sticker = await waitForMedia('sendSticker', bob.chatId, 'sticker', 'st-1');
    expect(JSON.stringify(sticker.payload.reply_markup)).toContain('↩️ Ответить');
    await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}`);

    // Bob swipes the sticker's sender line (the copy's other message): the answer goes back to Аня.
    const header = env.telegram.chat(bob.chatId).findLast((m) => m.text === `💬 ${handle(ann)}`);
    if (!header) throw new Error('the sticker’s sender line did not arrive');
    for (let i = 0; i < 250; i++) {
      const row = await env
        .em()
        .findOne(Message, { kind: 'pm', to: (await userRow(env, bob)).id, telegramOtherPartId: header.message_id });
      if (row) break;
      await pause(20);
    }
    await bob.sendMessage({ text: 'классный стикер' }, { message_id: header.message_id });
    expect(bob.replies()).toContain(`✅ Отправлено: ${handle(ann)}`);
    expect((await pmsFrom(env, bob)).map((m) => m.text)).toContain('классный стикер');
  });

  it('media with nowhere to go is explained; a location outside the time-zone flow is refused clearly', async () => {
    const cal = await chatUser(env, { first_name: 'Cal' });
    await cal.sendMessage({ photo: photo('lost') });
    expect(cal.lastReply()).toBe(
      '📎 Who is this for? Reply (swipe) to a message you received with it, or open 💬 Chat → ✉️ New message first. Nothing was sent.',
    );
    await cal.sendMessage({ location: { latitude: 55.75, longitude: 37.62 } });
    expect(cal.lastReply()).toBe(
      "❌ This kind of message can't be relayed. The chat takes texts, photos, documents, voice messages, videos and stickers.",
    );
    expect(await env.em().count(Message, { from: (await userRow(env, cal)).id })).toBe(0);
  });

  it('HTTP and the WebSocket show a media message with its `media` description, never the file id', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    await ann.sendCommand('pm', `${handle(bob)} ready`);
    const copy = await deliveredPm(bob, 'ready');
    await bob.sendMessage(
      { voice: { file_id: 'voice-1', file_unique_id: 'v', duration: 3, mime_type: 'audio/ogg' } },
      copy,
    );
    await waitForMedia('sendVoice', ann.chatId, 'voice', 'voice-1');
    const em = env.em();
    const annRow = await em.findOneOrFail(User, { telegramId: ann.user.id });
    Object.assign(annRow, { username: ann.user.username, accountState: 'active' });
    await em.flush();
    const { token } = await issueAccessToken(env.services.keys, env.services.config.publicUrl, annRow.id);
    const res = await apiRequest(env.app, 'GET', `/messages?with=${bob.user.username}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ kind: 'pm', text: '', media: { type: 'voice', mimeType: 'audio/ogg' } });
    expect(JSON.stringify(res.body)).not.toContain('voice-1');
  });
});

describe('the room relays media', () => {
  it('a document in the room reaches the others with its caption, marked as the room’s', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Боб', language_code: 'ru' });
    await ann.sendCommand('room');
    await bob.sendCommand('room');
    await ann.sendMessage({ document: document('room-doc', 'agenda.pdf'), caption: 'agenda <draft>' });
    const sent = await waitForMedia('sendDocument', bob.chatId, 'document', 'room-doc');
    expect(sent.payload.caption).toBe('🏠 <b>Ann</b> в комнате: agenda &lt;draft&gt;');
    const row = await env.em().findOneOrFail(Message, { kind: 'room', text: 'agenda <draft>' });
    expect(row.media).toEqual({
      type: 'document',
      fileId: 'room-doc',
      fileName: 'agenda.pdf',
      mimeType: 'application/pdf',
    });
    await ann.sendCommand('leave');
    await bob.sendCommand('leave');
  });
});

describe('the Chat screens', () => {
  it('✉️ New message: recent contacts as buttons, or a typed @username; then the message', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const cy = await chatUser(env, { first_name: 'Cy' });
    await ann.click('💬 Chat');
    await ann.click('✉️ New message');
    expect(ann.lastReply()).toBe('✉️ <b>New message</b>\nWho is it for? Send their @username (Gramdesk or Telegram).');
    await ann.sendText('Bob');
    expect(ann.lastReply()).toBe('❌ There is no user @Bob. Send another @username (not their name).');
    await ann.sendText(handle(bob));
    expect(ann.lastReply()).toMatch(new RegExp(`^✍️ Message to ${handle(bob)}: `));
    await ann.sendText('first message');
    expect(ann.replies()).toContain(`✅ Sent to ${handle(bob)}`);
    await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}: first message`);

    // Now Bob is a recent contact: one tap.
    await ann.sendCommand('pm', `${handle(cy)} hi Cy`);
    await ann.sendCommand('menu');
    await ann.click('💬 Chat');
    await ann.click('✉️ New message');
    expect(ann.buttons()).toEqual([`✉️ ${handle(cy)}`, `✉️ ${handle(bob)}`, '✖️ Cancel']);
    const screen = env.telegram.chat(ann.chatId).at(-1)?.message_id;
    await ann.click(`✉️ ${handle(bob)}`);
    // The pick turns the same message into the question.
    expect(env.telegram.chat(ann.chatId).at(-1)?.message_id).toBe(screen);
    expect(ann.lastReply()).toMatch(new RegExp(`^✍️ Message to ${handle(bob)}: `));
    await ann.sendText('second message');
    await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}: second message`);
    // Sent: the question gives the Chat screen back, in place, to go on from.
    const asked = env.telegram.chat(ann.chatId).find((m) => m.message_id === screen);
    expect(asked?.text).toContain('💬 <b>Chat</b>');
    expect(asked?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('✉️ New message');
    expect(ann.replies()).toContain(`✅ Sent to ${handle(bob)}`);
  });

  it('a Reply from 📥 Inbox or 📜 History, once sent, gives that screen back in place (the history with it); under a PM the question just loses its buttons', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const shown = (id: number | undefined) => env.telegram.chat(ann.chatId).find((m) => m.message_id === id);
    await bob.sendCommand('pm', `${handle(ann)} lunch?`);
    await waitForSend(env, ann.chatId, (t) => t === `💬 ${handle(bob)}: lunch?`);

    await ann.sendCommand('inbox');
    const inbox = env.telegram.chat(ann.chatId).at(-1)?.message_id;
    await ann.click(/^↩️ /);
    await ann.sendText('yes, at one');
    expect(ann.replies()).toContain(`✅ Sent to ${handle(bob)}`);
    expect(shown(inbox)?.text).toContain('📥 <b>Inbox</b>');
    expect(shown(inbox)?.reply_markup?.inline_keyboard?.flat().length).toBeGreaterThan(0);

    await ann.sendCommand('history', handle(bob));
    const history = env.telegram.chat(ann.chatId).at(-1)?.message_id;
    await ann.click(/^↩️ /);
    expect(shown(history)?.text).toMatch(/^✍️ Reply to /);
    await ann.sendText('see you there');
    expect(shown(history)?.text).toContain('see you there');
    expect(shown(history)?.text).toContain('yes, at one');

    const pm = env.telegram.chat(ann.chatId).findLast((m) => m.text === `💬 ${handle(bob)}: lunch?`);
    await ann.pressCallback(pm, pm?.reply_markup?.inline_keyboard?.flat()[0]?.callback_data ?? '');
    const question = env.telegram.chat(ann.chatId).at(-1)?.message_id;
    await ann.sendText('on my way');
    expect(shown(question)?.text).toMatch(/^✍️ Reply to /);
    expect(shown(question)?.reply_markup?.inline_keyboard ?? []).toEqual([]);
    expect((await pmsFrom(env, ann)).map((m) => m.text)).toEqual(['yes, at one', 'see you there', 'on my way']);
  });

  it('✖️ Cancel and /cancel leave the chat dialogs for the screen they began on, in place; nothing is sent', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const shown = (id: number | undefined) => env.telegram.chat(ann.chatId).find((m) => m.message_id === id);
    const labels = (id: number | undefined) =>
      shown(id)
        ?.reply_markup?.inline_keyboard?.flat()
        .map((b) => b.text);

    // ✉️ New message: the question takes the Chat screen's place; Cancel brings the screen back there.
    await ann.click('💬 Chat');
    const chat = env.telegram.chat(ann.chatId).at(-1)?.message_id;
    await ann.click('✉️ New message');
    expect(shown(chat)?.text).toContain('Who is it for?');
    expect(labels(chat)).toEqual(['✖️ Cancel']);
    await ann.sendText('nobody_here_at_all');
    expect(ann.buttons()).toEqual(['✖️ Cancel']);
    await ann.sendText(handle(bob));
    expect(ann.buttons()).toEqual(['✖️ Cancel']);
    await ann.click('✖️ Cancel');
    expect(ann.lastReply()).toContain('💬 <b>Chat</b>');
    expect(ann.buttons()).toContain('✉️ New message');

    // ↩️ Reply under a private message: asked below (the message stays); Cancel shows the Chat screen there.
    await bob.sendCommand('pm', `${handle(ann)} hello Ann`);
    await waitForSend(env, ann.chatId, (t) => t === `💬 ${handle(bob)}: hello Ann`);
    const pm = env.telegram.chat(ann.chatId).findLast((m) => m.text === `💬 ${handle(bob)}: hello Ann`);
    if (!pm) throw new Error('the PM did not arrive');
    await ann.click('↩️ Reply');
    const question = env.telegram.chat(ann.chatId).at(-1)?.message_id;
    expect(question).not.toBe(pm.message_id);
    expect(shown(pm.message_id)?.text).toBe(`💬 ${handle(bob)}: hello Ann`);
    expect(labels(question)).toEqual(['✖️ Cancel']);
    await ann.sendCommand('cancel');
    expect(shown(question)?.text).toContain('💬 <b>Chat</b>');
    expect(shown(pm.message_id)?.text).toBe(`💬 ${handle(bob)}: hello Ann`);
    expect(ann.replies()).not.toContain('Cancelled.');

    // From 📥 Inbox: the question takes the inbox's place, and Cancel brings the inbox back.
    await ann.click('📥 Inbox');
    const inbox = env.telegram.chat(ann.chatId).at(-1)?.message_id;
    await ann.click(/^↩️ /);
    expect(shown(inbox)?.text).toMatch(/^✍️ Reply to /);
    await ann.click('✖️ Cancel');
    expect(shown(inbox)?.text).toContain('📥 <b>Inbox</b>');
    expect(await pmsFrom(env, ann)).toEqual([]);
  });

  it('📜 History lists recent contacts; a display name is what others see', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const em = env.em();
    const annRow = await em.findOneOrFail(User, { telegramId: ann.user.id });
    annRow.displayName = 'Ann Lee';
    await em.flush();
    await ann.sendCommand('pm', `${handle(bob)} from Ann Lee`);
    await waitForSend(env, bob.chatId, (t) => t === `💬 Ann Lee (${handle(ann)}): from Ann Lee`);

    await bob.sendCommand('menu');
    await bob.click('💬 Chat');
    await bob.click('📜 History');
    expect(bob.lastReply()).toContain('📜 <b>History</b>');
    expect(bob.buttons()).toEqual([`📜 Ann Lee (${handle(ann)})`, '◀️ Back to chat']);
    await bob.click(`📜 Ann Lee (${handle(ann)})`);
    expect(bob.lastReply()).toContain(`📜 <b>Conversation with Ann Lee (${handle(ann)})</b>`);
    expect(bob.lastReply()).toContain(`⬅️ <b>Ann Lee (${handle(ann)})</b>`);
    await bob.sendCommand('inbox');
    expect(bob.buttons()).toEqual([`↩️ 1 · Ann Lee (${handle(ann)})`, '📜 1 · History', '◀️ Back to chat']);
  });
});
