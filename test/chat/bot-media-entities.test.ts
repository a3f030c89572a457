import { beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/features/chat/message.entity.js';
import { User } from '../../src/features/users/user.entity.js';
import { chatUser, pmsFrom, startChatWorker, userRow, waitForSend } from '../helpers/bot-chat.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ApiCall } from '../helpers/fake-bot-api.js';

/**
 * Issue 14: a relayed text or caption keeps its sender's formatting. Telegram gives it as
 * entities with UTF-16 offsets; the copy is sent with the sender's line in front, so every offset
 * moves by that line's UTF-16 length (an emoji outside the BMP counts 2, not 1). What each
 * recipient's app shows is read back from the strict fake Bot API: the formatted words, not
 * offsets, are compared, so an offset counted in characters instead of UTF-16 units fails.
 */
const env = useTestEnvironment();
beforeAll(() => startChatWorker(env));

const handle = (client: BotClient) => `@${client.user.username}`;
const photo = (fileId: string) => [{ file_id: fileId, file_unique_id: `${fileId}-u`, width: 90, height: 90 }];
const document = (fileId: string) => ({
  file_id: fileId,
  file_unique_id: `${fileId}-u`,
  file_name: 'plan.pdf',
  mime_type: 'application/pdf',
});

/** "🎉🇷🇺 𝔉𝔞𝔫𝔠𝔶 plan: final draft": astral characters (emoji, a flag, math letters) before the formatting. */
const CAPTION = '🎉🇷🇺 𝔉𝔞𝔫𝔠𝔶 plan: final draft';
const at = (text: string, part: string) => text.indexOf(part);
const CAPTION_ENTITIES = [
  { type: 'bold', offset: at(CAPTION, 'final'), length: 'final'.length },
  { type: 'text_link', offset: at(CAPTION, 'draft'), length: 'draft'.length, url: 'https://example.com/draft' },
  // Found by Telegram again: not sent back.
  { type: 'url', offset: 0, length: 2 },
];
const FORMATTED = [
  ['bold', 'final'],
  ['text_link', 'draft', 'https://example.com/draft'],
];

/** The call that carried a file to a chat. */
function waitForMedia(method: string, chatId: number, fileField: string, fileId: string): Promise<ApiCall> {
  return env.telegram.waitForCall(
    (c) => c.method === method && c.payload.chat_id === chatId && c.payload[fileField] === fileId,
    10_000,
  );
}

/** What the recipient's app shows of the bot's message: its plain text and each formatted part. */
function shown(chatId: number, match: (m: { plain: string; media?: { file_id: string } }) => boolean) {
  const message = env.telegram.botMessages(chatId).find(match);
  if (!message) throw new Error(`no such message in chat ${chatId}`);
  return {
    plain: message.plain,
    formatted: message.entities.map((e) => [
      e.type,
      message.plain.slice(e.offset, e.offset + e.length),
      ...(e.url ? [e.url] : []),
    ]),
  };
}

async function deliveredPm(to: BotClient, text: string): Promise<{ message_id: number }> {
  for (let i = 0; i < 250; i++) {
    const row = await env.em().findOne(Message, { kind: 'pm', text, telegramMessageId: { $ne: null } });
    if (row?.telegramMessageId) return { message_id: row.telegramMessageId };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`PM ${text} was not delivered to ${to.chatId}`);
}

describe('a formatted caption keeps its formatting, moved past the sender’s line', () => {
  it('a swipe-reply with a photo (en; a display name with an emoji in the line)', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    await env.em().nativeUpdate(User, { telegramId: ann.user.id }, { displayName: 'Ann 🌸' });
    await bob.sendCommand('pm', `${handle(ann)} lunch?`);
    const copy = await deliveredPm(ann, 'lunch?');

    await ann.sendMessage({ photo: photo('fmt-photo'), caption: CAPTION, caption_entities: CAPTION_ENTITIES }, copy);
    expect(ann.replies()).toContain(`✅ Sent to ${handle(bob)}`);
    const sent = await waitForMedia('sendPhoto', bob.chatId, 'photo', 'fmt-photo');
    const line = `💬 Ann 🌸 (${handle(ann)}): `;
    expect(sent.payload.parse_mode).toBeUndefined();
    expect(sent.payload.caption).toBe(`${line}${CAPTION}`);
    // UTF-16 offsets: the line's 💬 and 🌸 count 2 each, and so does every astral character of the caption.
    expect(sent.payload.caption_entities).toEqual([
      { type: 'bold', offset: line.length + CAPTION.indexOf('final'), length: 5 },
      {
        type: 'text_link',
        offset: line.length + CAPTION.indexOf('draft'),
        length: 5,
        url: 'https://example.com/draft',
      },
    ]);
    expect(shown(bob.chatId, (m) => m.media?.file_id === 'fmt-photo')).toEqual({
      plain: `${line}${CAPTION}`,
      formatted: FORMATTED,
    });
    // Stored with the PM, on the stored caption.
    const stored = (await pmsFrom(env, ann)).at(-1);
    expect(stored?.entities).toEqual([
      { type: 'bold', offset: CAPTION.indexOf('final'), length: 5 },
      { type: 'text_link', offset: CAPTION.indexOf('draft'), length: 5, url: 'https://example.com/draft' },
    ]);
  });

  it('the Reply button with a document (ru)', async () => {
    const ann = await chatUser(env, { first_name: 'Аня', language_code: 'ru' });
    const bob = await chatUser(env, { first_name: 'Боря', language_code: 'ru' });
    await ann.sendCommand('pm', `${handle(bob)} пришли план`);
    await waitForSend(env, bob.chatId, (t) => t === `💬 ${handle(ann)}: пришли план`);
    await bob.click('↩️ Ответить');
    await bob.sendMessage({ document: document('fmt-doc'), caption: CAPTION, caption_entities: CAPTION_ENTITIES });
    expect(bob.replies()).toContain(`✅ Отправлено: ${handle(ann)}`);
    const sent = await waitForMedia('sendDocument', ann.chatId, 'document', 'fmt-doc');
    expect(sent.payload.caption).toBe(`💬 ${handle(bob)}: ${CAPTION}`);
    expect(shown(ann.chatId, (m) => m.media?.file_id === 'fmt-doc')).toEqual({
      plain: `💬 ${handle(bob)}: ${CAPTION}`,
      formatted: FORMATTED,
    });
  });

  it('a caption too long to fit with the line comes in a text after the media, still formatted', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    await bob.sendCommand('pm', `${handle(ann)} send the file`);
    const copy = await deliveredPm(ann, 'send the file');
    const caption = `${'🎉'.repeat(1000)} fin`;
    await ann.sendMessage(
      { document: document('long-doc'), caption, caption_entities: [{ type: 'italic', offset: 2001, length: 3 }] },
      copy,
    );
    const media = await waitForMedia('sendDocument', bob.chatId, 'document', 'long-doc');
    expect(media.payload.caption).toBe(`💬 ${handle(ann)}`);
    await waitForSend(env, bob.chatId, (t) => t === caption);
    expect(shown(bob.chatId, (m) => m.plain === caption).formatted).toEqual([['italic', 'fin']]);
  });
});

describe('a formatted text PM keeps its formatting', () => {
  it('/pm with bold and a link (en): the command and the username are cut off, the line put in front', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const bob = await chatUser(env, { first_name: 'Bob' });
    const text = '🍕🍕 lunch at noon, menu here';
    const command = `/pm ${handle(bob)} `;
    await ann.sendMessage({
      text: `${command}${text}`,
      entities: [
        { type: 'bot_command', offset: 0, length: 3 },
        // Over the username too: only the part in the text is kept.
        { type: 'italic', offset: 4, length: command.length - 4 + 4 },
        { type: 'bold', offset: command.length + text.indexOf('noon'), length: 4 },
        { type: 'text_link', offset: command.length + text.indexOf('here'), length: 4, url: 'https://example.com/m' },
      ],
    });
    expect(ann.replies()).toContain(`✅ Sent to ${handle(bob)}`);
    const line = `💬 ${handle(ann)}: `;
    const sent = await waitForSend(env, bob.chatId, (t) => t === `${line}${text}`);
    expect(sent.payload.parse_mode).toBeUndefined();
    expect(shown(bob.chatId, (m) => m.plain === `${line}${text}`).formatted).toEqual([
      ['italic', '🍕🍕'],
      ['bold', 'noon'],
      ['text_link', 'here', 'https://example.com/m'],
    ]);
  });

  it('✉️ New message with italic and code (ru); a text without formatting is still sent as HTML', async () => {
    const ann = await chatUser(env, { first_name: 'Аня', language_code: 'ru' });
    const bob = await chatUser(env, { first_name: 'Боря', language_code: 'ru' });
    await ann.click('💬 Чат');
    await ann.click('✉️ Новое сообщение');
    await ann.sendText(handle(bob));
    const text = '😀 запусти npm test сегодня';
    await ann.sendMessage({
      text,
      entities: [
        { type: 'code', offset: text.indexOf('npm test'), length: 8 },
        { type: 'italic', offset: text.indexOf('сегодня'), length: 7 },
      ],
    });
    expect(ann.replies()).toContain(`✅ Отправлено: ${handle(bob)}`);
    const line = `💬 ${handle(ann)}: `;
    await waitForSend(env, bob.chatId, (t) => t === `${line}${text}`);
    expect(shown(bob.chatId, (m) => m.plain === `${line}${text}`).formatted).toEqual([
      ['code', 'npm test'],
      ['italic', 'сегодня'],
    ]);

    await ann.sendCommand('pm', `${handle(bob)} a <plain> one`);
    const plain = await waitForSend(env, bob.chatId, (t) => t.endsWith('one'));
    expect([plain.payload.text, plain.payload.parse_mode]).toEqual([`${line}a &lt;plain&gt; one`, 'HTML']);
  });
});

describe('the room keeps formatting', () => {
  it('a photo in the room: the room’s bold name and the caption’s formatting, in each reader’s language', async () => {
    const ann = await chatUser(env, { first_name: 'Ann 🌸' });
    const bob = await chatUser(env, { first_name: 'Боб', language_code: 'ru' });
    const cy = await chatUser(env, { first_name: 'Cy' });
    for (const client of [ann, bob, cy]) await client.sendCommand('room');
    await ann.sendMessage({ photo: photo('room-fmt'), caption: CAPTION, caption_entities: CAPTION_ENTITIES });
    await waitForMedia('sendPhoto', bob.chatId, 'photo', 'room-fmt');
    await waitForMedia('sendPhoto', cy.chatId, 'photo', 'room-fmt');
    const lines = { ru: '🏠 Ann 🌸 в комнате: ', en: '🏠 Ann 🌸 in the room: ' };
    for (const [client, line] of [
      [bob, lines.ru],
      [cy, lines.en],
    ] as const) {
      expect(shown(client.chatId, (m) => m.media?.file_id === 'room-fmt')).toEqual({
        plain: `${line}${CAPTION}`,
        formatted: [['bold', 'Ann 🌸'], ...FORMATTED],
      });
    }
    const row = await env.em().findOneOrFail(Message, { kind: 'room', from: (await userRow(env, ann)).id });
    expect(row.entities?.map((e) => e.type)).toEqual(['bold', 'text_link']);
    for (const client of [ann, bob, cy]) await client.sendCommand('leave');
  });
});
