import { Api, GrammyError, HttpError } from 'grammy';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHtml } from '../../src/platform/telegram/stand-in/telegram-rules.js';
import { FakeBotApi } from './fake-bot-api.js';

/** The fake is only worth something while it is as strict as Telegram: these pin its rules. */

const TOKEN = '7000000001:FAKE-token';
const inProcess = (fake: FakeBotApi) =>
  new Api(TOKEN, { apiRoot: 'http://telegram.invalid', fetch: fake.fetch as never });

async function refusal(call: Promise<unknown>): Promise<{ code: number; description: string; retryAfter?: number }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof GrammyError) {
      return { code: err.error_code, description: err.description, retryAfter: err.parameters.retry_after };
    }
    throw err;
  }
  throw new Error('the call was accepted');
}

describe('the fake Bot API is as strict as Telegram', () => {
  const fake = new FakeBotApi();
  const api = inProcess(fake);
  const html = { parse_mode: 'HTML' as const };

  it('deletes as Telegram does: unknown → "not found", after 48 h → "can’t be deleted", blocked → 403', async () => {
    const first = await api.sendMessage(31, 'one');
    const second = await api.sendMessage(31, 'two');
    const mine = fake.userMessage(31, { from: { id: 31, is_bot: false, first_name: 'U' }, text: 'from the user' });
    expect(await api.deleteMessage(31, first.message_id)).toBe(true);
    expect(fake.chat(31).map((m) => m.text)).toEqual(['two']);
    expect(await refusal(api.deleteMessage(31, first.message_id))).toEqual({
      code: 400,
      description: 'Bad Request: message to delete not found',
    });
    expect((await refusal(api.deleteMessage(32, second.message_id))).description).toContain('not found');
    // A bot may delete a user's message in a private chat too, within the same 48 hours.
    expect(await api.deleteMessage(31, mine.message_id)).toBe(true);
    fake.ageMessages(31, 48 * 3600 * 1000);
    expect(await refusal(api.deleteMessage(31, second.message_id))).toEqual({
      code: 400,
      description: "Bad Request: message can't be deleted",
    });
    expect(fake.chat(31).map((m) => m.text)).toEqual(['two']);
    fake.block(31);
    expect((await refusal(api.deleteMessage(31, second.message_id))).code).toBe(403);
  });

  it('decodes the four named HTML entities and numeric ones; any other & stays as it was written', () => {
    const source = '&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; &constructor; &__proto__; &toString; &nbsp; & alone';
    expect(parseHtml(source).text).toBe('<b> & "q" AB &constructor; &__proto__; &toString; &nbsp; & alone');
  });

  it('keeps the chat with edits applied and refuses edits of unknown messages', async () => {
    const sent = await api.sendMessage(1, '<b>hi</b>', html);
    await api.editMessageText(1, sent.message_id, 'bye', html);
    expect(fake.chat(1).map((m) => m.text)).toEqual(['bye']);
    expect(await refusal(api.editMessageText(1, 999_999, 'x'))).toMatchObject({
      code: 400,
      description: 'Bad Request: message to edit not found',
    });
    // The message exists, but in another chat.
    expect((await refusal(api.editMessageText(2, sent.message_id, 'x'))).description).toContain('not found');
    expect((await refusal(api.editMessageReplyMarkup(1, 999_999))).description).toContain('not found');
  });

  it('"message is not modified" is an error (same text and keyboard, as Telegram parses them)', async () => {
    const keyboard = { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] };
    const sent = await api.sendMessage(3, '<b>x</b> &amp; y', { ...html, reply_markup: keyboard });
    const same = api.editMessageText(3, sent.message_id, '<strong>x</strong> &amp; y', {
      ...html,
      reply_markup: keyboard,
    });
    expect((await refusal(same)).description).toMatch(/^Bad Request: message is not modified/);
    expect((await refusal(api.editMessageReplyMarkup(3, sent.message_id, { reply_markup: keyboard }))).code).toBe(400);
    // Dropping the keyboard is a change.
    await api.editMessageText(3, sent.message_id, '<b>x</b> &amp; y', html);
  });

  it('applies the text (4096), caption (1024), callback_data (64 bytes) and toast (200) limits', async () => {
    await api.sendMessage(4, 'я'.repeat(4096));
    expect(await refusal(api.sendMessage(4, 'я'.repeat(4097)))).toMatchObject({
      description: 'Bad Request: message is too long',
    });
    // Counted after parsing: tags do not count.
    await api.sendMessage(4, `<b>${'x'.repeat(4096)}</b>`, html);
    expect((await refusal(api.sendMessage(4, '  ', html))).description).toBe('Bad Request: message text is empty');
    expect((await refusal(api.sendPhoto(4, 'file', { caption: 'c'.repeat(1025) }))).description).toBe(
      'Bad Request: message caption is too long',
    );
    const data = (d: string) => ({ reply_markup: { inline_keyboard: [[{ text: 'B', callback_data: d }]] } });
    await api.sendMessage(4, 'ok', data('d'.repeat(64)));
    expect((await refusal(api.sendMessage(4, 'no', data('d'.repeat(65))))).description).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );
    expect((await refusal(api.sendMessage(4, 'no', data('я'.repeat(33))))).description).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );
    expect((await refusal(api.answerCallbackQuery('q1', { text: 't'.repeat(201) }))).code).toBe(400);
  });

  it('refuses HTML that does not parse', async () => {
    for (const text of [
      'a < b',
      '<b>open',
      '<b>x</i>',
      '<p>x</p>',
      '</b>',
      '<span>x</span>',
      '<a href="x">open',
      // Names of Object.prototype's members are no tags either.
      '<constructor>x</constructor>',
      '<__proto__>x</__proto__>',
    ]) {
      expect((await refusal(api.sendMessage(5, text, html))).description, text).toMatch(
        /^Bad Request: can't parse entities: /,
      );
    }
    // What Telegram accepts: a bare & and the supported tags.
    await api.sendMessage(
      5,
      'Tom & Jerry <a href="https://x.org/?a=1&amp;b=2">link</a> <tg-spoiler>s</tg-spoiler>',
      html,
    );
    // Without parse_mode, nothing is parsed.
    await api.sendMessage(5, 'a < b');
  });

  it('checks entities against the text in UTF-16 units, and ignores them next to a parse_mode', async () => {
    const bold = (offset: number, length: number) => [{ type: 'bold' as const, offset, length }];
    // "🎉 go": the emoji is 2 UTF-16 units, so "go" is at 3 (not 2) and the text is 5 long.
    await api.sendMessage(7, '🎉 go', { entities: bold(3, 2) });
    await api.sendPhoto(7, 'file', { caption: '🎉 go', caption_entities: bold(0, 2) });
    expect(fake.botMessages(7).map((m) => [m.plain, m.entities])).toEqual([
      ['🎉 go', bold(3, 2)],
      ['🎉 go', bold(0, 2)],
    ]);
    const refused = async (text: string, entities: unknown) =>
      (await refusal(api.sendMessage(7, text, { entities: entities as never }))).description;
    expect(await refused('🎉 go', bold(4, 2))).toBe(
      'Bad Request: entity beginning at UTF-16 offset 4 ends after the end of the text at UTF-16 offset 6',
    );
    expect(await refused('🎉 go', bold(6, 1))).toBe(
      'Bad Request: entity begins after the end of the text at UTF-16 offset 6',
    );
    expect(await refused('🎉 go', bold(1, 2))).toBe(
      'Bad Request: entity begins in a middle of a UTF-16 symbol at byte offset 4',
    );
    expect(await refused('🎉 go', bold(0, 1))).toBe(
      'Bad Request: entity beginning at UTF-16 offset 0 ends in a middle of a UTF-16 symbol at byte offset 4',
    );
    expect(await refused('go', bold(-1, 1))).toBe('Bad Request: receive an entity with incorrect offset -1');
    expect(await refused('go', [{ type: 'shiny', offset: 0, length: 1 }])).toBe(
      "Bad Request: can't parse MessageEntity: Unsupported type specified",
    );
    expect(
      (await refusal(api.sendPhoto(7, 'file', { caption: 'go', caption_entities: bold(1, 5) }))).description,
    ).toMatch(/^Bad Request: entity beginning at UTF-16 offset 1 ends after the end of the text/);
    // With a parse_mode Telegram parses the text and ignores the entities (even wrong ones).
    await api.sendMessage(7, '<i>go</i>', { ...html, entities: bold(9, 9) });
    expect(fake.botMessages(7).at(-1)?.entities).toEqual([{ type: 'italic', offset: 0, length: 2 }]);
  });

  it('a blocked user answers 403; a chat Telegram does not know answers 400', async () => {
    fake.block(6);
    expect(await refusal(api.sendMessage(6, 'hi'))).toEqual({
      code: 403,
      description: 'Forbidden: bot was blocked by the user',
      retryAfter: undefined,
    });
    fake.block(6, false);
    await api.sendMessage(6, 'hi again');
    fake.badChats.add(7);
    expect((await refusal(api.sendMessage(7, 'hi'))).description).toBe('Bad Request: chat not found');
  });

  it('a callback query is answered once; an unknown method is a 404', async () => {
    await api.answerCallbackQuery('q2');
    expect((await refusal(api.answerCallbackQuery('q2'))).description).toMatch(/query is too old/);
    expect((await fake.fetch(`http://telegram.invalid/bot${TOKEN}/getNothing`)).status).toBe(404);
  });

  it('getUpdates is a 409 while a webhook is set', async () => {
    await api.setWebhook('https://example.com/hook');
    expect((await refusal(api.getUpdates({ timeout: 0 }))).code).toBe(409);
    await api.deleteWebhook();
    expect(await api.getUpdates({ timeout: 0 })).toEqual([]);
  });
});

describe('faults', () => {
  it('429 with retry_after, and again for calls inside the window', async () => {
    const fake = new FakeBotApi();
    const api = inProcess(fake);
    fake.flood(1, 2);
    expect(await refusal(api.sendMessage(1, 'a'))).toMatchObject({ code: 429, retryAfter: 2 });
    expect(await refusal(api.sendMessage(1, 'b'))).toMatchObject({ code: 429 });
    expect(fake.floodWindows).toHaveLength(1);
    expect(fake.sends).toEqual([]);
  });

  it('5xx, network errors before and after the call was carried out, timeouts', async () => {
    const fake = new FakeBotApi();
    const api = inProcess(fake);
    fake.serverErrors(1);
    expect((await refusal(api.sendMessage(1, 'a'))).code).toBe(500);
    fake.resetBeforeBody(1);
    await expect(api.sendMessage(1, 'before')).rejects.toBeInstanceOf(HttpError);
    fake.resetAfterBody(1);
    await expect(api.sendMessage(1, 'after')).rejects.toBeInstanceOf(HttpError);
    expect(fake.sends.map((s) => s.text)).toEqual(['after']);
    fake.hang(1);
    const aborted = new AbortController();
    const hanging = api.sendMessage(1, 'hang', undefined, aborted.signal as never);
    setTimeout(() => aborted.abort(), 50);
    await expect(hanging).rejects.toThrow();
    expect(fake.sends.map((s) => s.text)).toEqual(['after', 'hang']);
  });

  describe('over HTTP', () => {
    const fake = new FakeBotApi();
    afterAll(() => fake.close());

    it('answers with the error code as HTTP status, serves queued updates and refuses connections on demand', async () => {
      const root = await fake.listen();
      const api = new Api(TOKEN, { apiRoot: root });
      fake.block(9);
      const blocked = await fetch(`${root}/bot${TOKEN}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: 9, text: 'x' }),
      });
      expect(blocked.status).toBe(403);
      fake.pushUpdate({
        update_id: 1,
        message: { message_id: 1, date: 0, chat: { id: 1, type: 'private', first_name: 'A' }, text: 'hi' },
      } as never);
      expect((await api.getUpdates({ timeout: 1 })).map((u) => u.update_id)).toEqual([1]);
      await fake.refuseFor(300);
      await expect(api.getMe()).rejects.toBeInstanceOf(HttpError);
      await new Promise((r) => setTimeout(r, 500));
      expect((await api.getMe()).id).toBe(fake.botInfo.id);
    });
  });
});
