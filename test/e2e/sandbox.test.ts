import { mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { Update } from 'grammy/types';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_ID } from '../../src/config.js';
import { BotApiStandIn } from '../../src/platform/telegram/stand-in/bot-api.js';
import { type ChatPane, launchBrowser, panes, type SandboxProgram, startSandbox } from '../helpers/sandbox.js';

/**
 * The sandbox in a real browser (Debian's chromium through playwright-core) against the real
 * program started as `npm start` without BOT_TOKEN. Screenshots land in test-results/ (artefacts).
 */

const ALICE = SANDBOX_ADMIN_ID;
const BOB = SANDBOX_ADMIN_ID + 1;
const SHOTS = 'test-results/sandbox';

let sandbox: SandboxProgram;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [sandbox, browser] = await Promise.all([startSandbox(13), launchBrowser()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

/** /start, past the first-start questions, to the main menu. */
async function start(chat: ChatPane): Promise<void> {
  await chat.send('/start');
  await chat.lastBot().waitFor();
  for (let i = 0; i < 3; i++) {
    const menu = chat.pane.locator('.msg.bot .inline-kb button', { hasText: '📋 Tasks' });
    if (await menu.count()) return;
    const skip = chat.pane.locator('.msg.bot .inline-kb button', { hasText: /Skip/ });
    if (await skip.count()) await skip.last().click();
    await page.waitForTimeout(700);
  }
  await chat.pane.locator('.msg.bot .inline-kb button', { hasText: '📋 Tasks' }).last().waitFor();
}

/** Answers an optional step: its Skip button if it has one, else /skip. Dialogs edit their prompt in place. */
async function skip(chat: ChatPane): Promise<void> {
  const before = { count: await chat.bot().count(), text: await chat.lastBot().textContent() };
  const button = chat.lastBot().locator('.inline-kb button', { hasText: /Skip/ });
  if (await button.count()) await button.first().click();
  else await chat.send('/skip');
  await expect
    .poll(async () => (await chat.bot().count()) > before.count || (await chat.lastBot().textContent()) !== before.text)
    .toBe(true);
}

describe('the sandbox (npm start without BOT_TOKEN) in a real browser', () => {
  it('/sandbox: the banner, /start and the main menu, a task made through the dialog and seen in the list', async () => {
    const messages: string[] = [];
    page.on('pageerror', (err) => messages.push(err.message));
    await page.goto(`${sandbox.url}/sandbox?users=${ALICE},${BOB}`);
    await expect
      .poll(() => page.locator('.banner').textContent(), { timeout: 15_000 })
      .toContain('not connected to Telegram');
    const [alice] = panes(page) as [ChatPane, ChatPane];
    await start(alice);
    await page.screenshot({ path: `${SHOTS}/main-menu.png` });

    // The command menu comes from setMyCommands.
    await alice.pane.locator('.menu-button').click();
    await expect
      .poll(() => alice.pane.locator('.commands .cmd').allTextContents(), { timeout: 15_000 })
      .toContain('/newtask');
    await alice.pane.locator('.menu-button').click();

    await alice.send('/newtask');
    await alice.expectBot(/title/i);
    await alice.send('Buy oat milk');
    await alice.expectBot(/description/i);
    await skip(alice);
    await alice.expectBot(/due/i);
    await skip(alice);
    await alice.expectBot('Buy oat milk');
    await page.screenshot({ path: `${SHOTS}/task-card.png` });

    await alice.send('/tasks');
    await expect
      .poll(() => alice.pane.locator('.msg.bot .inline-kb button').allTextContents(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining('Buy oat milk')]));
    expect(messages).toEqual([]);
  }, 120_000);

  it('a second user side by side: private messages both ways', async () => {
    const [alice, bob] = panes(page) as [ChatPane, ChatPane];
    await start(bob);
    await alice.send('/pm bob Hello Bob, from the sandbox');
    await bob.expectBot('Hello Bob, from the sandbox');
    await bob.send('/pm alice Hi Alice, got it');
    await alice.expectBot('Hi Alice, got it');
    await page.screenshot({ path: `${SHOTS}/pm.png` });
  }, 90_000);

  it('the admin sends a mailing that both users receive', async () => {
    const [alice, bob] = panes(page) as [ChatPane, ChatPane];
    await alice.send('/newmailing');
    await alice.expectBot(/exactly as recipients should see it/i);
    // The admin sends the message as it should look; it goes out as is.
    await alice.send('Sandbox news: the mailing reached you');
    // Through the dialog: everyone, then whatever it asks, taking the defaults and sending now.
    const forward = [/Skip/, /Continue with/, /Now$/, /Create/, /Confirm/];
    for (let step = 0; step < 12; step++) {
      if (await bob.bot().filter({ hasText: 'the mailing reached you' }).count()) break;
      await page.waitForTimeout(800);
      const last = alice.lastBot();
      const text = (await last.textContent()) ?? '';
      let tapped = false;
      for (const label of forward) {
        const button = last.locator('.inline-kb button', { hasText: label });
        if (tapped || !(await button.count())) continue;
        await button.first().click();
        tapped = true;
      }
      if (tapped) continue;
      if (text.includes('/skip')) await alice.send('/skip');
      else if (await last.locator('code').count())
        await alice.send((await last.locator('code').last().textContent()) ?? '');
    }
    await bob.expectBot('Sandbox news: the mailing reached you', 30_000);
    await alice.expectBot('Sandbox news: the mailing reached you', 30_000);
    await page.screenshot({ path: `${SHOTS}/mailing.png` });
  }, 120_000);

  it('/docs shows the operations list and no request leaves the machine', async () => {
    const docs = await browser.newPage();
    const hosts = new Set<string>();
    await docs.route('**/*', (route) => {
      hosts.add(new URL(route.request().url()).hostname);
      return route.continue();
    });
    await docs.goto(`${sandbox.url}/docs`);
    await docs.locator('.opblock').first().waitFor({ timeout: 30_000 });
    expect(await docs.locator('.opblock').count()).toBeGreaterThan(10);
    await docs.screenshot({ path: `${SHOTS}/docs.png` });
    expect([...hosts]).toEqual(['127.0.0.1']);
    await docs.close();
  }, 60_000);
});

/** A request with headers fetch would not let us set (Host), from this machine's loopback. */
function loopbackRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the sandbox answers the developer on this machine only', () => {
  it('a web page whose name is rebound to 127.0.0.1 (DNS rebinding) can neither read the chats nor act as a user', async () => {
    const port = new URL(sandbox.url).port;
    const rebinding = await launchBrowser(['--host-resolver-rules=MAP rebound.example 127.0.0.1']);
    try {
      const evil = await rebinding.newPage();
      const response = await evil.goto(`http://rebound.example:${port}/sandbox`);
      expect(response?.status()).toBe(403);
      expect(await evil.locator('.pane').count()).toBe(0);
      // Same-origin for that page: without the Host check it would read every chat and type as Alice, the admin.
      const tried = await evil.evaluate(async (alice) => {
        const state = await fetch('/sandbox/api/state');
        const chat = await fetch(`/sandbox/api/chats/${alice}`);
        const send = await fetch(`/sandbox/api/chats/${alice}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'typed by a rebound page' }),
        });
        return { state: state.status, stateBody: await state.text(), chat: chat.status, send: send.status };
      }, ALICE);
      expect(tried).toMatchObject({ state: 403, chat: 403, send: 403 });
      expect(tried.stateBody).not.toContain('alice');
    } finally {
      await rebinding.close();
    }
    const view = (await (await fetch(`${sandbox.url}/sandbox/api/chats/${ALICE}`)).json()) as {
      messages: Array<{ text?: string }>;
    };
    expect(view.messages.map((m) => m.text)).not.toContain('typed by a rebound page');
  }, 60_000);

  it('answers localhost names; refuses a relayed request and another Host, and a malformed Origin is a 403, not a 500', async () => {
    const state = `${sandbox.url}/sandbox/api/state`;
    const port = new URL(sandbox.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'app.localhost']) {
      expect((await loopbackRequest(state, { headers: { host } })).status, host).toBe(200);
    }
    for (const headers of <Record<string, string>[]>[
      { host: `gramdesk.example.com:${port}` },
      { host: `127.0.0.1.nip.io:${port}` },
      { 'x-forwarded-for': '203.0.113.7' },
      { forwarded: 'for=203.0.113.7' },
      { 'x-real-ip': '203.0.113.7' },
    ]) {
      const answer = await loopbackRequest(state, { headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body).toContain('localhost or 127.0.0.1');
    }
    const malformed = await loopbackRequest(`${sandbox.url}/sandbox/api/chats/${BOB}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'not a url' },
      body: JSON.stringify({ text: 'from a malformed origin' }),
    });
    expect(malformed.status).toBe(403);
    expect(JSON.parse(malformed.body).error.code).toBe('forbidden');
  }, 30_000);
});

describe('the Telegram stand-in’s door on loopback', () => {
  it('answers the program but not a web page: none can post as the bot or take its updates', async () => {
    const standIn = new BotApiStandIn();
    const root = await standIn.listen();
    const port = new URL(root).port;
    const page = `${root}/bot7000000001:sandbox-not-telegram`;
    const browser = await launchBrowser(['--host-resolver-rules=MAP rebound.example 127.0.0.1']);
    try {
      const update = {
        update_id: 1,
        message: { message_id: 1, date: 1, chat: { id: 42, type: 'private' }, text: 'hi' },
      };
      standIn.pushUpdate(update as Update);
      const tab = await browser.newPage();
      // A page of another site: simple requests (no preflight), their answers unreadable but carried out.
      await tab.route('http://attacker.example/', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<p>hi</p>' }),
      );
      await tab.goto('http://attacker.example/');
      await tab.evaluate(async (bot) => {
        await fetch(`${bot}/sendMessage?chat_id=42&text=forged`, { mode: 'no-cors' }).catch(() => undefined);
        await fetch(`${bot}/sendMessage`, {
          mode: 'no-cors',
          method: 'POST',
          body: JSON.stringify({ chat_id: 42, text: 'forged too' }),
        }).catch(() => undefined);
        // offset past the update confirms it: the bot would never see it.
        await fetch(`${bot}/getUpdates?offset=2&timeout=0`, { mode: 'no-cors' }).catch(() => undefined);
      }, page);
      expect(standIn.chat(42)).toEqual([]);
      // A page whose own name was rebound to 127.0.0.1: same-origin with the door, it could read it all.
      const rebound = await tab.goto(`http://rebound.example:${port}/bot7000000001:sandbox-not-telegram/getMe`);
      expect(rebound?.status()).toBe(403);
      expect(await tab.evaluate(async () => (await fetch('getUpdates?timeout=0')).status)).toBe(403);
      // What every browser adds to a request (this Chromium also holds cross-site ones back; not all do).
      for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'http://attacker.example' }]) {
        expect((await fetch(`${page}/getMe`, { headers })).status, JSON.stringify(headers)).toBe(403);
      }
      // The program's own client (no Origin, no Sec-Fetch-Site, Host 127.0.0.1) gets its update.
      const answer = (await (await fetch(`${page}/getUpdates?timeout=0`)).json()) as { result: Update[] };
      expect(answer.result.map((u) => u.update_id)).toEqual([1]);
    } finally {
      await browser.close();
      await standIn.close();
    }
  }, 60_000);
});
