import { beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/features/chat/message.entity.js';
import { Presence } from '../../src/features/chat/presence.js';
import { User } from '../../src/features/users/user.entity.js';
import { setBotBlocked } from '../../src/features/users/users.js';
import { issueAccessToken } from '../../src/platform/auth/access-token.js';
import { createAccount } from '../helpers/accounts.js';
import {
  chatUser,
  lastToast,
  pause,
  pmsFrom,
  sendsTo,
  startChatWorker,
  userRow,
  waitForSend,
} from '../helpers/bot-chat.js';
import type { BotClient } from '../helpers/bot-client.js';
import { startChatServer, WsClient } from '../helpers/chat.js';
import { useTestEnvironment } from '../helpers/environment.js';

const env = useTestEnvironment();
beforeAll(() => startChatWorker(env));

const handle = (client: BotClient) => `@${client.user.username}`;
const incoming = (from: BotClient, text: string) => `💬 ${handle(from)}: ${text}`;

async function pair(): Promise<[BotClient, BotClient]> {
  return [await chatUser(env, { first_name: 'Ann' }), await chatUser(env, { first_name: 'Bob' })];
}

/** The socket's registration (presence, pub/sub) completes just after it opens. */
async function waitOnline(userId: string): Promise<void> {
  const presence = new Presence(env.services.redis, env.services.keyPrefix);
  for (let i = 0; i < 200 && !(await presence.isOnline(userId)); i++) await pause(20);
}

const USAGE =
  /^✍️ Write the @username, then the message:\n<code>\/pm @username text<\/code>\nFor example: <code>\/pm @\S+ Hi! See you at six\?<\/code>$/;

describe('/pm: refusals store nothing and send nothing', () => {
  it('answers a command without a username or without a text with the usage and an example', async () => {
    const [ann, bob] = await pair();
    await ann.sendCommand('pm');
    expect(ann.lastReply()).toMatch(USAGE);
    expect(ann.lastReply()).toContain('/pm @anna Hi!');

    await ann.sendCommand('pm', handle(bob));
    expect(ann.lastReply()).toMatch(USAGE);
    expect(ann.lastReply()).toContain(`/pm ${handle(bob)} Hi!`);

    await ann.sendCommand('pm', `${bob.user.username}    \n  `);
    expect(ann.lastReply()).toMatch(USAGE);

    expect(await pmsFrom(env, ann)).toEqual([]);
    await pause();
    expect(sendsTo(env, bob.chatId, (t) => t.startsWith('💬'))).toEqual([]);
  });

  it('says so for an unknown user (escaped), for oneself, and for a banned user', async () => {
    const [ann, bob] = await pair();
    await ann.sendCommand('pm', '@nobody_here_at_all hi');
    expect(ann.lastReply()).toBe(
      '❌ There is no user @nobody_here_at_all. Check the @username: it is their Gramdesk or Telegram username, not their name.',
    );
    await ann.sendCommand('pm', '<b>x</b> hi');
    expect(ann.lastReply()).toContain('@&lt;b&gt;x&lt;/b&gt;');

    await ann.sendCommand('pm', `${handle(ann).toUpperCase()} hi me`);
    expect(ann.lastReply()).toBe("❌ You can't send a message to yourself.");

    const em = env.em();
    const bobRow = await em.findOneOrFail(User, { telegramId: bob.user.id });
    bobRow.status = 'banned';
    await em.flush();
    await ann.sendCommand('pm', `${handle(bob)} hi`);
    expect(ann.lastReply()).toContain(`❌ There is no user ${handle(bob)}.`);

    expect(await pmsFrom(env, ann)).toEqual([]);
  });

  it('refuses a text over the limit and names the limit', async () => {
    const [ann, bob] = await pair();
    await ann.sendCommand('pm', `${handle(bob)} ${'x'.repeat(4001)}`);
    expect(ann.lastReply()).toBe('❌ That is 4,001 characters; the limit is 4,000. Please send a shorter message.');
    expect(await pmsFrom(env, ann)).toEqual([]);
  });

  it('refuses a recipient who blocked the bot and has no account to read it elsewhere; one with an account gets it over the WebSocket, or later', async () => {
    const [ann, bob] = await pair();
    await setBotBlocked(env.em(), bob.user.id, true);
    await ann.sendCommand('pm', `${handle(bob)} are you there?`);
    expect(ann.lastReply()).toBe(
      `🚫 ${handle(bob)} has blocked the bot, so the message can't reach them. Nothing was sent.`,
    );
    expect(await pmsFrom(env, ann)).toEqual([]);

    // Online over the WebSocket: the message reaches the socket.
    const server = await startChatServer(env.services);
    try {
      // Bob has an HTTP account too (linked), which is what the WebSocket needs.
      const em = env.em();
      const bobRow = await em.findOneOrFail(User, { telegramId: bob.user.id });
      Object.assign(bobRow, { username: bob.user.username, accountState: 'active' });
      await em.flush();
      const { token } = await issueAccessToken(env.services.keys, env.services.config.publicUrl, bobRow.id);
      const socket = await WsClient.connect(server.wsUrl, token);
      await waitOnline(bobRow.id);
      await ann.sendCommand('pm', `${handle(bob)} now you are`);
      expect(ann.lastReply()).toBe(`✅ Sent to ${handle(bob)}`);
      const frame = await socket.next((f) => f.type === 'pm');
      expect(frame).toMatchObject({ type: 'pm', text: 'now you are', from: { username: ann.user.username } });
      await socket.close();
      // Offline, Bob reads it over HTTP later (his next socket replays it): kept, and Ann is told so.
      await ann.sendCommand('pm', `${handle(bob)} see you later`);
      expect(ann.lastReply()).toBe(
        `📥 Saved for ${handle(bob)}. They can't be notified right now and will see it when they are back.`,
      );
    } finally {
      await server.close();
    }
    expect((await pmsFrom(env, ann)).map((m) => m.text)).toEqual(['now you are', 'see you later']);
    await pause();
    expect(sendsTo(env, bob.chatId, (t) => t.startsWith('💬'))).toEqual([]);
  });
});

describe('/pm: delivery', () => {
  it('matches usernames in any case, with or without @, keeps newlines, and delivers with Reply and Block buttons', async () => {
    const [ann, bob] = await pair();
    await ann.sendCommand('pm', `   ${bob.user.username?.toUpperCase()}    Hello <b>Bob</b> & co\nsecond line  `);
    expect(ann.lastReply()).toBe(`✅ Sent to ${handle(bob)}`);
    const delivered = await waitForSend(env, bob.chatId, (t) => t.startsWith('💬'));
    expect(delivered.payload.text).toBe(incoming(ann, 'Hello &lt;b&gt;Bob&lt;/b&gt; &amp; co\nsecond line'));
    const annRow = await userRow(env, ann);
    expect(delivered.payload.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '↩️ Reply', callback_data: `pm:reply:${annRow.id}` },
          { text: '🚫 Block', callback_data: `pm:block:${annRow.id}` },
        ],
      ],
    });
    const stored = await pmsFrom(env, ann);
    expect(stored.map((m) => [m.text, m.to?.id])).toEqual([
      ['Hello <b>Bob</b> & co\nsecond line', (await userRow(env, bob)).id],
    ]);
  });

  it('a sender without a username is named so as not to pass for a handle: no leading @, no bidi override', async () => {
    const bob = await chatUser(env, { first_name: 'Bob' });
    // Telegram allows such names; shown as they are, Bob would read a PM from “@ann” (or “@ann” mirrored).
    for (const [first_name, shown] of [
      ['@ann', 'ann'],
      [' ＠ann_admin', 'ann_admin'],
      ['\u202Enna@', 'nna@'],
    ]) {
      const sender = await chatUser(env, { first_name, username: undefined });
      await sender.sendCommand('pm', `${handle(bob)} it is me, ${shown}`);
      const delivered = await waitForSend(env, bob.chatId, (t) => t.includes(`it is me, ${shown}`));
      expect(delivered.payload.text).toBe(`💬 ${shown}: it is me, ${shown}`);
    }
  });

  it('accepts /pm@botname and a Telegram username of someone who also has an account', async () => {
    const [ann, bob] = await pair();
    await ann.sendCommand(`pm@${env.telegram.botInfo.username}`, `@${bob.user.username} hi`);
    expect(ann.lastReply()).toBe(`✅ Sent to ${handle(bob)}`);
    await waitForSend(env, bob.chatId, (t) => t === incoming(ann, 'hi'));
  });

  it('keeps a PM for an HTTP-only user who is offline and says they will see it later', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const { user: web } = await createAccount(env.services, { username: 'web_only_pm' });
    await ann.sendCommand('pm', '@Web_Only_PM see you online');
    expect(ann.lastReply()).toBe(
      "📥 Saved for @web_only_pm. They can't be notified right now and will see it when they are back.",
    );
    const stored = await env.em().find(Message, { to: web.id });
    expect(stored.map((m) => m.text)).toEqual(['see you online']);
  });

  it('answers the 21st PM within a minute politely, with the seconds to wait, and stores 20', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    const others = [await chatUser(env), await chatUser(env), await chatUser(env)];
    for (let i = 0; i < 20; i++) {
      const to = others[i % others.length] as BotClient;
      await ann.sendCommand('pm', `${handle(to)} message ${i + 1}`);
      expect(ann.lastReply()).toBe(`✅ Sent to ${handle(to)}`);
    }
    await ann.sendCommand('pm', `${handle(others[0] as BotClient)} one too many`);
    expect(ann.lastReply()).toMatch(
      /^⏳ Easy there: at most 20 private messages a minute\. Please try again in \d{1,2} seconds?\.$/,
    );
    const seconds = Number(/in (\d+) second/.exec(ann.lastReply())?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect((await pmsFrom(env, ann)).length).toBe(20);
  });
});

describe('the Reply button', () => {
  it('goes back as a PM through a one-step dialog, also to a sender without a username', async () => {
    const ann = await chatUser(env, { first_name: 'Ann', username: undefined });
    const bob = await chatUser(env, { first_name: 'Bob' });
    // Ann has no username: she can still write to Bob, and Bob can still answer her.
    await ann.sendCommand('pm', `${handle(bob)} ping`);
    const delivered = await waitForSend(env, bob.chatId, (t) => t.startsWith('💬'));
    expect(delivered.payload.text).toBe('💬 Ann: ping');

    await bob.click('↩️ Reply');
    expect(bob.lastReply()).toBe(
      '✍️ Reply to Ann: send your message (text, photo, document, voice message, video or sticker).',
    );
    await bob.sendText('pong <i>back</i>');
    expect(bob.lastReply()).toBe('✅ Sent to Ann');
    const back = await waitForSend(env, ann.chatId, (t) => t.startsWith('💬'));
    expect(back.payload.text).toBe(`💬 ${handle(bob)}: pong &lt;i&gt;back&lt;/i&gt;`);
    expect(JSON.stringify(back.payload.reply_markup)).toContain(`pm:reply:${(await userRow(env, bob)).id}`);

    // The dialog is over: the next text is not another reply.
    await bob.sendText('just talking');
    expect(bob.lastReply()).toContain("I'm not sure what you mean");
    expect((await pmsFrom(env, bob)).map((m) => m.text)).toEqual(['pong <i>back</i>']);
  });

  it('asks again after a too-long reply, and /cancel leaves without sending', async () => {
    const [ann, bob] = await pair();
    await ann.sendCommand('pm', `${handle(bob)} question`);
    await waitForSend(env, bob.chatId, (t) => t.startsWith('💬'));
    await bob.click('↩️ Reply');
    await bob.sendText('y'.repeat(4001));
    expect(bob.lastReply()).toBe('❌ That is 4,001 characters; the limit is 4,000. Please send a shorter message.');
    await bob.sendCommand('cancel');
    // Leaving the dialog returns to a screen (the home feature's /cancel), never a reply prompt.
    expect(bob.lastReply()).not.toContain('✍️');
    await bob.sendText('not a reply');
    expect(await pmsFrom(env, bob)).toEqual([]);
  });

  it('says "not found" for a forged or unknown user id and starts nothing', async () => {
    const bob = await chatUser(env, { first_name: 'Bob' });
    // Past the first start's time zone question (which would take the text below as an answer).
    await bob.sendCommand('menu');
    await bob.pressCallback(undefined, 'pm:reply:999999999');
    expect(lastToast(env)).toBe('❌ This user is no longer available.');
    await bob.pressCallback(undefined, `pm:reply:${(await userRow(env, bob)).id}`);
    expect(lastToast(env)).toBe('❌ This user is no longer available.');
    await bob.sendText('hello?');
    expect(bob.lastReply()).toContain("I'm not sure what you mean");
    expect(await pmsFrom(env, bob)).toEqual([]);
  });
});
