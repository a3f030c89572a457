import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_ID } from '../../src/config.js';
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
