import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_ID } from '../../src/config.js';
import { createEmptyDatabase } from '../helpers/db.js';
import { freePort, type RunningProgram, startProgram } from '../helpers/program.js';
import { ChatPane, launchBrowser } from '../helpers/sandbox.js';
import { createThrowawayRedis, type ThrowawayRedis } from '../helpers/throwaway-redis.js';

/**
 * The sandbox's web chat as a person uses it, in a real browser: what a Telegram app does and the
 * web chat must do too (composer, edits in place, scrolling, unread marks, links in the bot's text,
 * a phone's screen, a reload, a restart of the server). The program is `npm start` without
 * BOT_TOKEN, on a Redis of its own, restarted on the same port by the last test.
 */

const ALICE = SANDBOX_ADMIN_ID;
const BOB = SANDBOX_ADMIN_ID + 1;
const VERA = SANDBOX_ADMIN_ID + 2;

let redis: ThrowawayRedis;
let db: { url: string; drop(): Promise<void> };
let cwd: string;
let port: number;
let program: RunningProgram;
let url: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function startTheProgram(): Promise<void> {
  program = startProgram(
    { REDIS_URL: redis.url, DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    { cwd },
  );
  await program.waitForOutput(/Open http:\/\/\S+\/sandbox/, 90_000);
}

beforeAll(async () => {
  [redis, db, port, browser] = await Promise.all([
    createThrowawayRedis(),
    createEmptyDatabase(),
    freePort(),
    launchBrowser(),
  ]);
  await redis.start({ persistent: false });
  cwd = mkdtempSync(join(tmpdir(), 'gramdesk-sandbox-client-'));
  url = `http://127.0.0.1:${port}`;
  await startTheProgram();
}, 120_000);

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await browser?.close();
  await program?.stop('SIGTERM');
  await program?.stop('SIGKILL');
  await db?.drop();
  await redis?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** A fresh browser profile (its own remembered unread marks) on /sandbox with these users' chats. */
async function open(
  users: number[],
  viewport = { width: 1280, height: 860 },
): Promise<{ page: Page; panes: ChatPane[] }> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${url}/sandbox?users=${users.join(',')}`);
  await page
    .locator('.pane')
    .nth(users.length - 1)
    .waitFor();
  return { page, panes: users.map((_, i) => new ChatPane(page, page.locator('.pane').nth(i))) };
}

interface ChatView {
  messages: Array<{ id: number; from: 'bot' | 'user'; text?: string }>;
}

/** What a user does without a browser (another device of theirs): straight to the sandbox's API. */
async function sendAs(userId: number, text: string): Promise<void> {
  const response = await fetch(`${url}/sandbox/api/chats/${userId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  expect(response.status).toBe(200);
}

async function chatOf(userId: number): Promise<ChatView> {
  return (await (await fetch(`${url}/sandbox/api/chats/${userId}`)).json()) as ChatView;
}

/** Polls `check` until it holds (hooks cannot use expect.poll). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends `text` as the user and waits until the bot has answered something matching `answer`. */
async function exchange(userId: number, text: string, answer: RegExp): Promise<void> {
  const before = Math.max(0, ...(await chatOf(userId)).messages.map((m) => m.id));
  await sendAs(userId, text);
  await until(`the answer to ${text}`, async () =>
    (await chatOf(userId)).messages.some((m) => m.from === 'bot' && m.id > before && answer.test(m.text ?? '')),
  );
}

/** /start, the time zone question skipped: the user is registered and at the main menu. */
async function startUser(userId: number, skipLabel: string): Promise<void> {
  await exchange(userId, '/start', /./);
  if (!JSON.stringify(await chatOf(userId)).includes(skipLabel)) return;
  const { page, panes } = await open([userId]);
  await panes[0]?.tap(skipLabel);
  await until('the time zone question answered', async () => !JSON.stringify(await chatOf(userId)).includes(skipLabel));
  await page.close();
}

/** Waits until the newest bot message of the chat matches (a dialog's prompts come one after another). */
async function expectNewest(chat: ChatPane, text: RegExp) {
  await expect.poll(() => chat.lastBot().textContent(), { timeout: 20_000 }).toMatch(text);
  return chat.lastBot();
}

/** A task made through the bot's dialog; returns its card. */
async function newTask(chat: ChatPane, title: string, description: string) {
  await chat.send('/newtask');
  await expectNewest(chat, /Send the title/);
  await chat.send(title);
  await expectNewest(chat, /Send a description/);
  await chat.send(description);
  // Someone who has correspondents is asked first whom the task is for.
  const step = await expectNewest(chat, /When is it due|Hand this task/);
  if (/Hand this task/.test((await step.textContent()) ?? '')) {
    await chat.tap(/Skip/);
    await expectNewest(chat, /When is it due/);
  }
  await chat.tap(/Skip/);
  return expectNewest(chat, /Task created/);
}

describe('the sandbox web chat behaves like a Telegram app', () => {
  beforeAll(async () => {
    await startUser(ALICE, 'Skip (keep UTC)');
    await startUser(BOB, 'Skip (keep UTC)');
    await startUser(VERA, 'Пропустить (оставить UTC)');
  }, 120_000);

  it('the composer: Shift+Enter starts a new line and Enter sends the text with it; a text the server did not take stays in the composer, the reason shown until closed', async () => {
    const { page, panes } = await open([BOB]);
    const bob = panes[0] as ChatPane;
    const input = bob.pane.locator('.composer-input');
    await input.click();
    await input.pressSequentially('first line');
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    await input.press('Enter');
    await expect.poll(() => bob.pane.locator('.msg.user .text').last().textContent()).toBe('first line\nsecond line');

    await page.route('**/sandbox/api/chats/*/messages', (route) => route.abort(), { times: 1 });
    await bob.send('kept when not sent');
    const error = bob.pane.locator('.notice[role="alert"]');
    await expect.poll(() => error.textContent()).toContain('does not answer');
    expect(await input.inputValue()).toBe('kept when not sent');
    expect(await error.isVisible()).toBe(true);
  }, 60_000);

  it('an edit in place keeps the keyboard focus on the message, and messages that did not change are not drawn again', async () => {
    const { page, panes } = await open([ALICE]);
    const alice = panes[0] as ChatPane;
    const card = await newTask(alice, 'Focus stays', 'Kept in place');
    const cardId = await card.getAttribute('data-id');
    const earlier = alice.pane.locator('.msg.user').first();
    await earlier.evaluate((li) => {
      Object.assign(li, { marked: true });
    });

    await card.locator('.inline-kb button', { hasText: 'In progress' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => alice.lastBot().textContent()).toContain('Status: 🟡 In progress');
    expect(await page.locator('.msg:has(:focus)').getAttribute('data-id')).toBe(cardId);
    expect(await page.locator('.msg button:focus').count()).toBe(1);

    await alice.send('/help');
    await alice.expectBot(/\/newtask/);
    expect(await earlier.evaluate((li) => 'marked' in li)).toBe(true);
  }, 90_000);

  it('a reader scrolled up stays where they are when a message comes; ↓ counts the new ones and takes them there; their own message scrolls down', async () => {
    const { panes } = await open([ALICE]);
    const alice = panes[0] as ChatPane;
    const list = alice.pane.locator('.messages');
    for (let i = 0; i < 3; i++) await exchange(ALICE, '/help', /\/newtask/);
    await expect.poll(() => list.evaluate((l) => l.scrollHeight > l.clientHeight * 2)).toBe(true);
    await list.evaluate((l) => {
      l.scrollTop = 0;
    });
    await exchange(BOB, '/pm @alice are you there?', /Sent to/);
    await alice.expectBot('are you there?');
    expect(await list.evaluate((l) => l.scrollTop)).toBe(0);
    const jump = alice.pane.locator('.jump');
    expect(await jump.isVisible()).toBe(true);
    expect(await jump.locator('.count').textContent()).toBe('1');

    await jump.click();
    const atBottom = () => list.evaluate((l) => l.scrollHeight - l.scrollTop - l.clientHeight < 2);
    expect(await atBottom()).toBe(true);
    expect(await jump.isVisible()).toBe(false);

    await list.evaluate((l) => {
      l.scrollTop = 0;
    });
    await alice.send('/help');
    await expect.poll(() => alice.pane.locator('.msg.user .text').last().textContent()).toBe('/help');
    await expect.poll(atBottom).toBe(true);
  }, 90_000);

  it('the reply keyboard: no empty bar while there is none; when it comes, the message asking for it stays in sight', async () => {
    const { panes } = await open([BOB]);
    const bob = panes[0] as ChatPane;
    await bob.lastBot().waitFor();
    const keyboard = bob.pane.locator('.reply-keyboard');
    expect(await keyboard.isVisible()).toBe(false);

    await bob.send('/settings');
    await bob.tap(/Share phone|Change phone/);
    await keyboard.locator('button', { hasText: 'Share my phone number' }).waitFor();
    const prompt = await bob.expectBot(/share your phone number/);
    await expect
      .poll(async () => {
        const [message, chat] = await Promise.all([prompt.boundingBox(), bob.pane.locator('.messages').boundingBox()]);
        return message && chat ? message.y + message.height <= chat.y + chat.height + 1 : false;
      })
      .toBe(true);

    await keyboard.locator('button', { hasText: 'Share my phone number' }).click();
    await bob.expectBot(/Phone saved/);
    await expect.poll(() => keyboard.isVisible()).toBe(false);
  }, 60_000);

  it("the bot's text as Telegram shows it: a quote without extra blank lines, commands to tap, code copied on a tap", async () => {
    const { panes } = await open([ALICE]);
    const alice = panes[0] as ChatPane;
    const card = await newTask(alice, 'Quote check', 'A quoted description');
    const around = await card.locator('blockquote').evaluate((quote) => ({
      before: quote.previousSibling?.textContent ?? '',
      after: quote.nextSibling?.textContent ?? '',
    }));
    // The card is "title\n<quote>\n\nStatus…": the quote's own edges take one line break each.
    expect(around.before.endsWith('\n')).toBe(false);
    expect(around.after.startsWith('\nStatus')).toBe(true);

    await alice.send('/menu');
    await alice.tap('💬 Chat');
    const command = (await alice.expectBot(/Commands:/)).locator('a.command', { hasText: '/inbox' });
    await command.click();
    await expect.poll(() => alice.pane.locator('.msg.user .text').last().textContent()).toBe('/inbox');

    await alice.send('/settings');
    const id = (await alice.expectBot(/Your Telegram id/)).locator('code', { hasText: String(ALICE) });
    await id.click();
    await expect.poll(() => alice.pane.locator('.notice').textContent()).toContain('Copied');
  }, 90_000);

  it('inline keyboards: the buttons of a row share it and every label stays on one line', async () => {
    const { panes } = await open([ALICE, BOB]);
    const alice = panes[0] as ChatPane;
    const card = await newTask(alice, 'Buttons', 'Labels on one line');
    const boxes = async (buttons: Locator) =>
      Promise.all((await buttons.all()).map(async (b) => (await b.boundingBox()) ?? { width: 0, height: 0 }));
    const heights = (await boxes(card.locator('.inline-kb button'))).map((b) => b.height);
    expect(Math.max(...heights) - Math.min(...heights)).toBeLessThanOrEqual(1);
    const widths = (await boxes(card.locator('.inline-kb .row').first().locator('button'))).map((b) => b.width);
    expect(Math.max(...widths) - Math.min(...widths)).toBeLessThanOrEqual(1);
  }, 60_000);

  it('on a phone one chat fills the screen, the others a swipe away, and nothing scrolls the page sideways', async () => {
    const { page } = await open([ALICE, BOB, VERA], { width: 390, height: 844 });
    const pageWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    const pane = await page.locator('.pane').first().boundingBox();
    expect(pageWidth).toBeLessThanOrEqual(390);
    expect(Math.round(pane?.width ?? 0)).toBe(390);
    expect(pane?.height ?? 0).toBeGreaterThan(844 * 0.6);
  }, 30_000);

  it('a reload opens the same chats again', async () => {
    const { page } = await open([ALICE]);
    await page.locator('#add-pane').click();
    await page.locator('.pane').nth(1).waitFor();
    await page.reload();
    await page.locator('.pane').nth(1).waitFor();
    const selects = await page.locator('.user-select').all();
    expect(await Promise.all(selects.map(async (s) => Number(await s.inputValue())))).toEqual([ALICE, BOB]);
  }, 30_000);

  it("another user's new messages are counted in the user picker and the title, and their chat opens at a divider before them", async () => {
    const { page, panes } = await open([BOB]);
    const pane = panes[0] as ChatPane;
    await pane.lastBot().waitFor();
    await pane.selectUser(ALICE);
    await pane.lastBot().waitFor();
    await exchange(ALICE, '/pm @bob an unread hello', /Sent to/);
    const bobOption = pane.pane.locator(`.user-select option[value="${BOB}"]`);
    await expect.poll(() => bobOption.textContent()).toContain('1 unread');
    // The title counts the unread messages of the users no pane shows (Vera's, never opened here, too).
    const unreadInTitle = async () => Number(/^\((\d+)\) Gramdesk sandbox$/.exec(await page.title())?.[1] ?? 0);
    const before = await unreadInTitle();
    expect(before).toBeGreaterThanOrEqual(1);

    await pane.selectUser(BOB);
    const divider = pane.pane.locator('.unread-divider');
    await divider.waitFor();
    expect(await divider.evaluate((d) => d.nextElementSibling?.textContent)).toContain('an unread hello');
    await expect.poll(unreadInTitle).toBe(before - 1);
  }, 60_000);

  it('accessible names: the chat is a log, the icon buttons say what they do, in the language of the user (Russian here)', async () => {
    const { page } = await open([VERA]);
    expect(await page.locator('main').getAttribute('aria-live')).toBeNull();
    expect(await page.getByRole('log').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Отправить фото' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Отправить геопозицию' }).isVisible()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Сообщение' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Отправить', exact: true }).isVisible()).toBe(true);
  }, 30_000);

  it('a name written right to left does not reorder what follows it; the bot’s texts take their own direction', async () => {
    const { page, panes } = await open([ALICE]);
    await page.locator('#add-user input[name="firstName"]').fill('שרה');
    await page.locator('#add-user button[type="submit"]').click();
    await page.locator('.pane').nth(1).waitFor();
    const label = await panes[0]?.pane.locator('.user-select option', { hasText: 'שרה' }).textContent();
    expect(label?.startsWith('\u2068שרה\u2069')).toBe(true);
    expect(await panes[0]?.lastBot().locator('.text').getAttribute('dir')).toBe('auto');
  }, 30_000);

  it('six chats side by side share one long poll (a browser opens six connections to a host at most)', async () => {
    const { page } = await open([ALICE, BOB, VERA, ALICE, BOB, VERA]);
    const pending = new Set<string>();
    page.on('request', (r) => {
      if (r.url().includes('/sandbox/api/')) pending.add(r.url());
    });
    const done = (r: { url(): string }) => pending.delete(r.url());
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    await exchange(ALICE, '/help', /\/newtask/);
    for (let i = 0; i < 6; i++) await page.locator('.pane').nth(i).locator('.msg').first().waitFor();
    expect(pending.size).toBeLessThanOrEqual(1);
  }, 60_000);

  // Last: it restarts the program, whose chats live in memory.
  it('when the server goes away the page says so and keeps trying; after the restart it shows the fresh chats with START', async () => {
    const { page, panes } = await open([ALICE]);
    const alice = panes[0] as ChatPane;
    await alice.lastBot().waitFor();
    const connection = page.locator('#connection');
    expect(await connection.isVisible()).toBe(false);
    await program.stop('SIGTERM');
    await connection.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await connection.textContent()).toContain('npm start');

    await startTheProgram();
    await connection.waitFor({ state: 'hidden', timeout: 20_000 });
    const start = alice.pane.locator('.empty-chat button', { hasText: 'START' });
    await start.waitFor({ timeout: 20_000 });
    await start.click();
    await alice.expectBot(/Welcome back/);
  }, 120_000);
});
