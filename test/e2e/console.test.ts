import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, e2eRedisUrl, flushRedis, pollingClient, startE2eApp } from '../helpers/program.js';
import { launchBrowser } from '../helpers/sandbox.js';

/**
 * The admin web console (SPEC §2.4.1, issue 19) in a real browser (Debian's chromium through
 * playwright-core) against the real program (`npm start`, a worker included, the fake Bot API
 * answering). Screenshots land in test-results/console/ (CI artefacts).
 */

// Databases 9–15 are taken by the other e2e files and scripts/screenshots.ts.
const REDIS_DATABASE = 8;
const SHOTS = 'test-results/console';
const ADMIN_TG = 881_000_001;
const ADMIN = { username: 'console_admin', password: 'console admin password' };
const EVIL_NAME = '<img src=x onerror="window.pwned=1">';
/** A first name that, not isolated, turns the rest of its table row around (U+202E RIGHT-TO-LEFT OVERRIDE). */
const RTL_NAME = '\u202Eevil \u05e9\u05dc\u05d5\u05dd';
const LONG_NAME = 'W'.repeat(64);

let app: E2eApp;
let browser: Browser;
let adminToken = '';
/** Recipients: two tagged #segment (one with a hostile first name), one tagged #other. */
const people: Array<{ telegramId: number; id: string; firstName: string }> = [];

async function userIdOf(telegramId: number): Promise<string> {
  const found = await app.call(`/admin/users?search=${telegramId}`, { token: adminToken });
  const user = found.body.items.find((u: { telegramId: number }) => u.telegramId === telegramId);
  if (!user) throw new Error(`no user with Telegram id ${telegramId}`);
  return user.id;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [app, browser] = await Promise.all([
    // A slow mailing rate, so a mailing to everyone runs long enough to be paused from the page.
    startE2eApp(REDIS_DATABASE, { ADMIN_TELEGRAM_IDS: String(ADMIN_TG), MAILING_RATE: '2' }),
    launchBrowser(),
  ]);
  // The admin: a configured admin's Telegram user, registered as an HTTP account and confirmed.
  const adminChat = pollingClient(app.telegram, { id: ADMIN_TG, first_name: 'Root', language_code: 'en' });
  await adminChat.sendCommand('start');
  const registered = await app.register({ ...ADMIN, telegramId: ADMIN_TG });
  expect(registered.status).toBe(202);
  await app.telegram
    .waitForCall((c) => c.method === 'sendMessage' && String(c.payload.text).includes(`@${ADMIN.username}`))
    .catch((err) => {
      throw new Error(
        `${err}: ${JSON.stringify(app.telegram.calls.map((c) => [c.method, c.payload.text]))}\n${app.program
          .output()
          .split('\n')
          .filter((l) => !l.includes('"http request"'))
          .slice(-30)
          .join('\n')}`,
      );
    });
  await adminChat.click('✅ Confirm');
  await adminChat.sendCommand('start');
  const login = await app.call('/auth/login', { body: ADMIN });
  expect(login.status).toBe(200);
  adminToken = login.body.access_token;
  expect((await app.call('/users/me', { token: adminToken })).body.role).toBe('admin');

  await app.member('console_plain', 'Plain');
  const names = ['Seg One', EVIL_NAME, 'Other Three'];
  for (const [i, firstName] of names.entries()) {
    const telegramId = 881_000_100 + i;
    await pollingClient(app.telegram, { id: telegramId, first_name: firstName, language_code: 'en' }).sendCommand(
      'start',
    );
    const id = await userIdOf(telegramId);
    const tagged = await app.call(`/admin/users/${id}`, {
      method: 'PATCH',
      token: adminToken,
      body: { tags: [i < 2 ? 'segment' : 'other'] },
    });
    expect(tagged.status).toBe(200);
    people.push({ telegramId, id, firstName });
  }
  for (const [i, firstName] of [RTL_NAME, LONG_NAME].entries()) {
    const telegramId = 881_000_200 + i;
    await pollingClient(app.telegram, { id: telegramId, first_name: firstName, language_code: 'en' }).sendCommand(
      'start',
    );
    const id = await userIdOf(telegramId);
    expect(
      (await app.call(`/admin/users/${id}`, { method: 'PATCH', token: adminToken, body: { tags: ['bidi'] } })).status,
    ).toBe(200);
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await flushRedis(e2eRedisUrl(REDIS_DATABASE));
});

async function newContext(locale = 'en-US'): Promise<BrowserContext> {
  return browser.newContext({ locale, acceptDownloads: true, viewport: { width: 1280, height: 860 } });
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${app.api}/console`);
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the admin console', () => {
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    context = await newContext();
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      // Refused requests (the 422s asked for below) are logged by the browser; anything else is a fault,
      // a CSP or Trusted Types violation included.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
    });
  });
  afterAll(() => context?.close());

  it('is served by the product with a strict CSP', async () => {
    const response = await fetch(`${app.api}/console`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).not.toMatch(/<script>|<script\s+(?![^>]*src=)/);
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${app.api}/console/app.js`)).headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${app.api}/console/..%2Fpackage.json`)).status).toBe(404);
  });

  it('an admin signs in and sees the dashboard; no token in localStorage', async () => {
    await signIn(page, ADMIN.username, ADMIN.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByTestId('stat-total').waitFor();
    const total = await page.getByTestId('stat-total').locator('.value').textContent();
    expect(Number(total?.replace(/\D/g, ''))).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: `${SHOTS}/dashboard.png`, fullPage: true });
    const storage = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: Object.keys(sessionStorage),
    }));
    expect(storage.local).not.toMatch(/ey[A-Za-z0-9_-]{10,}\./);
    expect(storage.local).not.toMatch(/token/i);
    expect(storage.session).toEqual(['gramdesk.console.refresh']);
    // A reload keeps the admin signed in (the refresh token of this tab).
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });

  it('finds a user by tag and changes their phone, operator code and time zone', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.fill('#filter-tag', 'segment');
    await page.getByRole('button', { name: 'Find' }).click();
    const rows = page.getByTestId('users-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // A hostile first name is shown as text, not markup.
    await expect.poll(() => page.getByTestId('users-table').textContent()).toContain(EVIL_NAME);
    expect(await page.locator('main img').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/users.png`, fullPage: true });

    const target = people[0];
    await page.locator(`tr[data-user-id="${target?.id}"] a`).first().click();
    await page.getByTestId('user-name').waitFor();

    await page.fill('#user-phone', '+7 (916) 123-45-67');
    await page.getByTestId('edit-phone').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.inputValue('#user-phone')).toBe('+79161234567');
    expect(await page.inputValue('#user-operatorCode')).toBe('916');

    await page.fill('#user-operatorCode', '9x9');
    await page.getByTestId('edit-operatorCode').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#user-operatorCode-problem').textContent()).toContain('digits');
    await page.fill('#user-operatorCode', '999');
    await page.getByTestId('edit-operatorCode').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('card-status').textContent()).toBe('Saved.');

    await page.fill('#user-timezone', 'Mars/Olympus');
    await page.getByTestId('edit-timezone').getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.locator('#user-timezone-problem').textContent())
      .toContain('There is no such time zone');
    await page.fill('#user-timezone', 'asia/yekaterinburg');
    await page.getByTestId('edit-timezone').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.inputValue('#user-timezone')).toBe('Asia/Yekaterinburg');
    await page.screenshot({ path: `${SHOTS}/user-card.png`, fullPage: true });

    const stored = await app.call(`/admin/users/${target?.id}`, { token: adminToken });
    expect(stored.body).toMatchObject({
      phone: '+79161234567',
      operatorCode: '999',
      timezone: 'Asia/Yekaterinburg',
      tags: ['segment'],
    });

    await page.getByRole('link', { name: 'Audit log' }).click();
    const audit = page.getByTestId('audit-table');
    await audit.waitFor();
    // In words: what was done, to whom (a link to their card), and the change; no ids or JSON.
    const about = (action: string) =>
      audit.locator(`tr[data-action="${action}"]`, { has: page.locator(`a[href="#/users/${target?.id}"]`) }).first();
    const timezone = about('user.timezone');
    expect(await timezone.locator('td').nth(2).textContent()).toBe('Time zone changed');
    expect(await timezone.getByTestId('audit-target').textContent()).toBe('user Seg One');
    expect(await timezone.getByTestId('audit-details').textContent()).toMatch(/^\S+ → Asia\/Yekaterinburg$/);
    expect(await about('user.operator_code').getByTestId('audit-details').textContent()).toBe('916 → 999');
    expect(await about('user.phone').getByTestId('audit-details').textContent()).toBe('none → +79161234567');
    expect(await about('user.tags').getByTestId('audit-details').textContent()).toBe('Tag added: #segment');
    for (const details of await audit.getByTestId('audit-details').allTextContents())
      expect(details).not.toMatch(/[{}"]/);
    await page.screenshot({ path: `${SHOTS}/audit.png`, fullPage: true });
  });

  it('creates a mailing to a segment, watches it complete, filters recipients and downloads the CSV', async () => {
    await page.getByRole('link', { name: 'Mailings' }).click();
    await page.getByTestId('new-mailing').click();
    await page.fill('#mailing-text', '<b>Hello</b>, segment!');
    await expect.poll(() => page.getByTestId('preview').locator('b').textContent()).toBe('Hello');
    await page.fill('#mailing-tags', 'segment');
    // The live recipient count, from POST /mailings/audience, as the admin types the audience.
    const reach = await app.call('/mailings/audience', { body: { filter: { tags: ['segment'] } }, token: adminToken });
    expect(reach.body.count).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('recipient-count').textContent()).toBe(`Recipients: ${reach.body.count}`);
    await page.screenshot({ path: `${SHOTS}/mailing-new.png`, fullPage: true });
    await page.getByTestId('create-mailing').click();
    await page.waitForURL(/#\/mailings\/\d+$/);
    const id = /#\/mailings\/(\d+)/.exec(page.url())?.[1];

    await expect
      .poll(() => page.getByTestId('status').first().textContent(), { timeout: 60_000, interval: 500 })
      .toBe('completed');
    const rows = page.getByTestId('deliveries-table').locator('tbody tr');
    await expect.poll(() => page.locator('tr[data-delivery-status="sent"]').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId('progress').first().textContent()).toContain('2 of 2');
    await page.screenshot({ path: `${SHOTS}/mailing-card.png`, fullPage: true });

    // Both of the segment, nobody else, got it.
    const recipients = app.telegram
      .callsOf('sendMessage')
      .filter((c) => String(c.payload.text).includes('segment!'))
      .map((c) => Number(c.payload.chat_id))
      .sort();
    expect(recipients).toEqual([people[0]?.telegramId, people[1]?.telegramId].sort());

    await page.getByTestId('delivery-status').selectOption('error');
    await page.waitForURL(/status=error/);
    await page.getByText('No recipients with this status.').waitFor();
    await page.getByTestId('delivery-status').selectOption('sent');
    await expect.poll(() => rows.count()).toBe(2);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/status/);
    expect(lines.slice(1).every((l) => l.includes('sent'))).toBe(true);
    expect(download.suggestedFilename()).toBe(`mailing-${id}-deliveries-sent.csv`);

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByTestId('running').waitFor();
  });

  it('pauses and resumes a running mailing, with no recipient getting it twice', async () => {
    await page.goto(`${app.api}/console#/mailings/new`);
    await page.fill('#mailing-text', 'Slow hello to everyone');
    await page.getByTestId('create-mailing').click();
    await page.waitForURL(/#\/mailings\/\d+$/);
    const pause = page.locator('[data-action="pause"]');
    await pause.waitFor({ timeout: 30_000 });
    // By keyboard: the focus stays on the actions when Pause turns into Resume.
    await pause.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('status').first().textContent(), { timeout: 10_000 }).toBe('paused');
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.dataset.action')).toBe('resume');
    await page.screenshot({ path: `${SHOTS}/mailing-paused.png`, fullPage: true });
    const sentWhilePaused = async () =>
      app.telegram.callsOf('sendMessage').filter((c) => String(c.payload.text).includes('Slow hello')).length;
    const atPause = await sentWhilePaused();
    await page.waitForTimeout(1500);
    expect(await sentWhilePaused()).toBe(atPause);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('status').first().textContent(), { timeout: 60_000, interval: 500 })
      .toBe('completed');
    const chats = app.telegram
      .callsOf('sendMessage')
      .filter((c) => String(c.payload.text).includes('Slow hello'))
      .map((c) => Number(c.payload.chat_id));
    expect(chats.length).toBeGreaterThanOrEqual(5);
    expect(new Set(chats).size).toBe(chats.length);
    await expect.poll(() => page.locator('[data-count="sent"]').textContent()).toBe(String(chats.length));

    // The admin's own test copy.
    await page.locator('[data-action="test"]').click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toBe('A test was sent to your Telegram.');
  });

  it('shows the count of the audience as typed now, never a slower answer to an earlier one', async () => {
    const countOf = async (tags: string[]) =>
      (await app.call('/mailings/audience', { body: { filter: { tags } }, token: adminToken })).body.count as number;
    const segment = await countOf(['segment']);
    const other = await countOf(['other']);
    const both = await countOf(['segment', 'other']);
    expect(new Set([segment, other, both]).size).toBe(3);

    await page.goto(`${app.api}/console#/mailings/new`);
    const count = page.getByTestId('recipient-count');
    await expect.poll(() => count.textContent()).toMatch(/^Recipients: \d+$/);
    // Every text the count line shows from now on.
    await page.evaluate(`(() => {
      const line = document.querySelector('[data-testid="recipient-count"]');
      window.shownCounts = [];
      new MutationObserver(() => window.shownCounts.push(line.textContent)).observe(line, {
        childList: true, characterData: true, subtree: true,
      });
    })()`);
    // The count for "segment" is held back by the network until the one for "other" is on the page.
    const isSegmentCount = (request: Request) =>
      request.url().endsWith('/mailings/audience') &&
      JSON.stringify(request.postDataJSON()?.filter?.tags) === JSON.stringify(['segment']);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked = () => {};
    const segmentAsked = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const segmentSettled = new Promise<void>((resolve) => {
      const settled = (request: Request) => {
        if (isSegmentCount(request)) resolve();
      };
      page.on('requestfinished', settled);
      page.on('requestfailed', settled);
    });
    await page.route('**/mailings/audience', async (route) => {
      if (!isSegmentCount(route.request())) return route.continue();
      asked();
      try {
        const response = await route.fetch();
        await released;
        await route.fulfill({ response });
      } catch {
        // The page abandoned the request: there is nothing left to answer.
      }
    });
    await page.fill('#mailing-tags', 'segment');
    await segmentAsked;
    await page.fill('#mailing-tags', 'other');
    await expect.poll(() => count.textContent()).toBe(`Recipients: ${other}`);
    release();
    await segmentSettled;
    // A later change still counts (and by now the held answer has come and gone).
    await page.fill('#mailing-tags', 'segment, other');
    await expect.poll(() => count.textContent()).toBe(`Recipients: ${both}`);
    expect(await page.evaluate<string[]>('window.shownCounts')).not.toContain(`Recipients: ${segment}`);
    await page.unroute('**/mailings/audience');
  });

  it('says when no mailing has the status filtered for, with a way back to all of them', async () => {
    await page.goto(`${app.api}/console#/mailings?status=paused`);
    await expect
      .poll(() => page.getByTestId('no-match').textContent())
      .toBe('No mailings are paused. Show all mailings');
    await page.getByRole('link', { name: 'Show all mailings' }).click();
    await page.waitForURL(/#\/mailings$/);
    await page.getByTestId('mailings-table').waitFor();
  });

  it('shows a mailing whose text contains <script> as text', async () => {
    await page.goto(`${app.api}/console#/mailings/new`);
    await page.fill('#mailing-text', '<script>window.pwned=1</script>');
    await page.fill('#mailing-tags', 'nobody-has-this');
    await page.getByTestId('create-mailing').click();
    await expect.poll(() => page.getByTestId('mailing-problems').textContent()).toContain('<script>');

    const text = '&lt;script&gt;window.pwned=1&lt;/script&gt; <b>&lt;img src=x onerror="window.pwned=2"&gt;</b>';
    await page.fill('#mailing-text', text);
    await page.getByTestId('create-mailing').click();
    await page.waitForURL(/#\/mailings\/\d+$/);
    const preview = page.getByTestId('mailing-preview');
    await expect
      .poll(() => preview.textContent())
      .toBe('<script>window.pwned=1</script> <img src=x onerror="window.pwned=2">');
    expect(await page.getByTestId('mailing-source').textContent()).toBe(text);
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.screenshot({ path: `${SHOTS}/mailing-script-as-text.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('isolates names with right-to-left or invisible characters, and wraps a very long one', async () => {
    await page.goto(`${app.api}/console#/users?tag=bidi`);
    const table = page.getByTestId('users-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    const isolated = await table.locator('tbody td bdi').evaluateAll((els) =>
      // In the page (the test's own types know no DOM): each name and its unicode-bidi.
      els.map((el) => [
        el.textContent,
        (globalThis as unknown as { getComputedStyle(e: unknown): { unicodeBidi: string } }).getComputedStyle(el)
          .unicodeBidi,
      ]),
    );
    expect(isolated).toContainEqual([RTL_NAME, 'isolate']);
    expect(isolated).toContainEqual(['#bidi', 'isolate']);
    await page.screenshot({ path: `${SHOTS}/users-bidi.png`, fullPage: true });
    await page.getByRole('link', { name: RTL_NAME }).click();
    await expect.poll(() => page.getByTestId('user-name').locator('bdi').textContent()).toBe(RTL_NAME);

    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${app.api}/console#/users?tag=bidi`);
    await page.getByRole('link', { name: LONG_NAME }).click();
    await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(LONG_NAME);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('is usable by keyboard: focus moves to the new page and stays on a saved field', async () => {
    await page.goto(`${app.api}/console#/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.locator('nav a[href="#/users"]').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    // The nav link itself says "Users" too: wait for the heading to hold the focus, then read it.
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.tagName')).toBe('H1');
    expect(await page.evaluate<string | null | undefined>('document.activeElement?.textContent')).toBe('Users');

    await page.goto(`${app.api}/console#/users/${people[0]?.id}`);
    await page.locator('#user-phone').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('+79161112233');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('card-status').textContent()).toBe('Saved.');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('user-phone');
    expect(await page.inputValue('#user-phone')).toBe('+79161112233');
  });

  it('works at a phone’s width', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${app.api}/console#/users?tag=segment`);
    await page.getByTestId('users-table').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: `${SHOTS}/users-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('signs out by revoking the refresh token', async () => {
    await page.goto(`${app.api}/console#/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const refresh = await page.evaluate(() => sessionStorage.getItem('gramdesk.console.refresh'));
    expect(refresh).toBeTruthy();
    const logout = page.waitForRequest((r) => r.url().endsWith('/auth/logout') && r.method() === 'POST');
    await page.getByTestId('sign-out').click();
    await logout;
    await page.getByTestId('login-notice').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect((await app.call('/auth/refresh', { body: { refresh_token: refresh } })).status).toBe(401);
  });
});

describe('the console for others', () => {
  it('a non-admin is told politely and sees nothing', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (!path.startsWith('/console')) apiCalls.push(`${r.method()} ${path}`);
    });
    await signIn(page, 'console_plain', 'console_plain password');
    await page.getByTestId('not-admin').waitFor();
    expect(await page.getByTestId('not-admin').textContent()).toContain('this console is for admins only');
    expect(await page.locator('nav').count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(apiCalls).toEqual(['POST /auth/login', 'GET /users/me', 'POST /auth/logout']);
    await page.screenshot({ path: `${SHOTS}/not-admin.png`, fullPage: true });
    await context.close();
  });

  it('an admin blocked meanwhile is told the account is blocked, not that the session expired', async () => {
    await app.member('console_second', 'Second');
    const second = await userIdOf(
      (await app.call('/admin/users?search=console_second', { token: adminToken })).body.items[0].telegramId,
    );
    const patch = (body: object) => app.call(`/admin/users/${second}`, { method: 'PATCH', token: adminToken, body });
    expect((await patch({ role: 'admin' })).status).toBe(200);

    // Every route answers the blocked account's access token with 403 user_banned. (A reload cannot
    // tell: banning revokes the refresh tokens, so POST /auth/refresh answers 401, not 403.)
    for (const [locale, users, notice] of [
      ['ru-RU', 'Пользователи', 'Ваша учётная запись заблокирована, поэтому сеанс завершён.'],
      ['en-US', 'Users', 'Your account has been blocked, so your session has ended.'],
    ]) {
      expect((await patch({ banned: false })).status).toBe(200);
      const context = await newContext(locale);
      const page = await context.newPage();
      await page.goto(`${app.api}/console`);
      await page.fill('#login-username', 'console_second');
      await page.fill('#login-password', 'console_second password');
      await page.locator('form.login button[type="submit"]').click();
      await page.locator('nav').waitFor();
      expect((await patch({ banned: true })).status).toBe(200);
      // The dashboard's live refresh may meet the ban first and sign out before the click lands (a
      // loaded machine): then there is no link to click, and the notice below is what counts.
      await page
        .getByRole('link', { name: users })
        .click({ timeout: 5_000 })
        .catch(() => undefined);
      await expect.poll(() => page.getByTestId('login-notice').textContent()).toBe(notice);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      if (locale === 'ru-RU') {
        await context.close();
        continue;
      }
      // Signing in again says so too.
      await page.fill('#login-username', 'console_second');
      await page.fill('#login-password', 'console_second password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('This account is blocked.');
      await context.close();
    }
  });

  it('a wrong password is refused without saying which part was wrong', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, ADMIN.username, 'not the password');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('Wrong username or password.');
    await context.close();
  });

  it('speaks Russian to a Russian browser, and English after the switch', async () => {
    const context = await newContext('ru-RU');
    const page = await context.newPage();
    await page.goto(`${app.api}/console`);
    await page.getByRole('heading', { name: 'Вход' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    await page.screenshot({ path: `${SHOTS}/login-ru.png` });
    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByTestId('language-switch').click();
    await page.fill('#login-username', ADMIN.username);
    await page.fill('#login-password', ADMIN.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Сводка' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/dashboard-ru.png`, fullPage: true });
    await context.close();
  });
});

describe('the console in Russian', () => {
  let context: BrowserContext;
  let page: Page;
  const hourFromNow = () => new Date(Date.now() + 3600_000).toISOString();
  const dayFromNow = () => new Date(Date.now() + 24 * 3600_000).toISOString();
  const createMailing = async (text: string) => {
    const created = await app.call('/mailings', {
      token: adminToken,
      body: { text, filter: { tags: ['nobody-has-this'] }, startAt: hourFromNow(), endAt: dayFromNow() },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const signInHere = async (target: Page, username: string, password: string) => {
    await target.goto(`${app.api}/console`);
    await target.fill('#login-username', username);
    await target.fill('#login-password', password);
    await target.locator('form.login button[type="submit"]').click();
    await target.locator('nav').waitFor();
  };

  beforeAll(async () => {
    context = await newContext('ru-RU');
    page = await context.newPage();
    await signInHere(page, ADMIN.username, ADMIN.password);
  });
  afterAll(() => context?.close());

  it('says what is wrong with a value in a user’s card in Russian', async () => {
    await page.goto(`${app.api}/console#/users/${people[2]?.id}`);
    await page.getByTestId('user-name').waitFor();
    const labels = await page.getByTestId('user-facts').locator('dt').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['Последняя активность', 'Бот заблокирован']));
    const refused = async (field: string, value: string) => {
      await page.fill(`#user-${field}`, value);
      await page.getByTestId(`edit-${field}`).getByRole('button', { name: 'Сохранить' }).click();
      const problem = page.locator(`#user-${field}-problem`);
      await expect.poll(() => problem.textContent()).not.toBe('');
      return problem.textContent();
    };
    expect(await refused('operatorCode', '9x9')).toBe('Код оператора — от 1 до 8 цифр, например 916.');
    expect(await refused('timezone', 'Mars/Olympus')).toBe(
      'Такого часового пояса нет. Укажите название IANA, например Europe/Moscow, или смещение, например UTC+3.',
    );
    expect(await refused('phone', 'not a phone')).toBe(
      'Это не номер телефона. Укажите его в международном формате, например +79161234567.',
    );
    expect(await refused('tags', 'ok, bad!tag')).toBe(
      '«bad!tag» не подходит как тег: можно буквы, цифры, _ и -, не длиннее 32 символов.',
    );
    await page.screenshot({ path: `${SHOTS}/user-card-problems-ru.png`, fullPage: true });
  });

  it('says what is wrong with a new mailing in Russian, field by field, and never starts it unasked', async () => {
    await page.goto(`${app.api}/console#/mailings/new`);
    const problems = page.getByTestId('mailing-problems');
    const create = async () => {
      await page.getByTestId('create-mailing').click();
      await expect.poll(() => problems.textContent()).not.toBe('');
      return problems.textContent();
    };
    await page.fill('#mailing-tags', 'nobody-has-this');
    await page.fill('#mailing-text', '<script>window.pwned=1</script>');
    expect(await create()).toBe(
      'Текст: Telegram не поддерживает тег <script>. Можно: <b>, <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>, <tg-spoiler>.',
    );
    expect(await page.getAttribute('#mailing-text', 'aria-invalid')).toBe('true');

    await page.fill('#mailing-text', 'Привет!');
    await page.fill('#mailing-end', '2020-01-01T10:00');
    expect(await create()).toBe('Окончание: Рассылка должна заканчиваться позже, чем начинается.');
    await page.uncheck('#mailing-start-now');
    await page.fill('#mailing-start', '2020-01-01T09:00');
    expect(await create()).toBe('Окончание: Время окончания уже прошло.');

    // One end of the window alone is not dropped without a word.
    await page.fill('#mailing-start', '2099-01-01T09:00');
    await page.fill('#mailing-end', '2099-01-01T10:00');
    await page.fill('#mailing-window-from', '09:00');
    expect(await create()).toBe('Окно отправки: Укажите оба края окна как время, например 09:00 и 21:00.');

    // Not "start now", and no start time: asked for, not started at once.
    await page.fill('#mailing-window-from', '');
    await page.fill('#mailing-start', '');
    expect(await create()).toBe('Начало: Укажите дату и время начала или отметьте «Начать сейчас».');

    // The audience is checked as it is typed.
    await page.fill('#mailing-codes', 'abc');
    await expect
      .poll(() => page.getByTestId('recipient-count').textContent())
      .toBe('Коды операторов: «abc» — не код оператора: нужно от 1 до 8 цифр, например 916.');
    expect(page.url()).toMatch(/#\/mailings\/new$/);
    await page.screenshot({ path: `${SHOTS}/mailing-problems-ru.png`, fullPage: true });
  });

  it('says in Russian why an action was refused: the mailing ended meanwhile, the server cannot be reached', async () => {
    const id = await createMailing('<b>Весенняя</b> распродажа');
    await page.goto(`${app.api}/console#/mailings/${id}`);
    await page.locator('[data-action="cancel"]').waitFor();
    const labels = await page.locator('main dl.facts dt').allTextContents();
    expect(labels).toEqual(['Аудитория', 'Начало', 'Окончание', 'Окно отправки']);
    // The page keeps what it showed (its refreshes fail) while the mailing is cancelled elsewhere.
    await page.route(`**/mailings/${id}`, (route) =>
      route.request().method() === 'GET' ? route.abort() : route.continue(),
    );
    expect((await app.call(`/mailings/${id}/cancel`, { body: {}, token: adminToken })).status).toBe(200);
    await page.locator('[data-action="cancel"]').click();
    await page.getByTestId('confirm-ok').click();
    await expect
      .poll(() => page.getByTestId('action-status').textContent())
      .toBe('Эта рассылка уже закончилась: она завершена, отменена или её время вышло.');

    await page.route(`**/mailings/${id}/test`, (route) => route.abort());
    await page.locator('[data-action="test"]').click();
    await expect
      .poll(() => page.getByTestId('action-status').textContent())
      .toBe('Сервер недоступен. Проверьте подключение и попробуйте ещё раз.');
    await page.unrouteAll();
  });

  it('tells an admin demoted meanwhile, in Russian, that the account is no longer an admin', async () => {
    await app.member('console_third', 'Третий');
    const third = (await app.call('/admin/users?search=console_third', { token: adminToken })).body.items[0].id;
    const setRole = (role: string) =>
      app.call(`/admin/users/${third}`, { method: 'PATCH', token: adminToken, body: { role } });
    expect((await setRole('admin')).status).toBe(200);
    const thirdContext = await newContext('ru-RU');
    const thirdPage = await thirdContext.newPage();
    await signInHere(thirdPage, 'console_third', 'console_third password');
    expect((await setRole('user')).status).toBe(200);
    await thirdPage.getByRole('link', { name: 'Пользователи' }).click();
    await expect
      .poll(() => thirdPage.locator('main [role="alert"]').textContent())
      .toBe(
        'Ваша учётная запись больше не администратор, поэтому это недоступно. Если нужен доступ, обратитесь к другому администратору.',
      );
    await thirdContext.close();
  });

  it('shows the audit log in words: the action, a link to its user or mailing, what changed', async () => {
    const user = people[2]?.id;
    const patch = (body: object) => app.call(`/admin/users/${user}`, { method: 'PATCH', token: adminToken, body });
    for (const body of [
      { role: 'admin' },
      { role: 'user' },
      { tags: ['other', 'vip', 'beta'] },
      { tags: ['vip', 'beta'] },
    ])
      expect((await patch(body)).status).toBe(200);
    const live = await createMailing('<b>Летняя</b> распродажа &amp; скидки');
    const deleted = await createMailing('Черновик <i>акции</i>');
    expect((await app.call(`/mailings/${deleted}`, { method: 'DELETE', token: adminToken })).status).toBe(204);

    await page.goto(`${app.api}/console#/audit`);
    const audit = page.getByTestId('audit-table');
    await audit.waitFor();
    expect(await audit.locator('th').allTextContents()).toEqual(['Когда', 'Кто', 'Действие', 'Объект', 'Подробности']);
    const rows = (action: string, href: string) =>
      audit.locator(`tr[data-action="${action}"]`, { has: page.locator(`a[href="${href}"]`) });
    const details = (row: ReturnType<typeof rows>) => row.getByTestId('audit-details').textContent();

    const roles = rows('user.role', `#/users/${user}`);
    expect(await roles.first().locator('td').nth(2).textContent()).toBe('Смена роли');
    expect(await roles.first().getByTestId('audit-target').textContent()).toBe('пользователь Other Three');
    expect(await details(roles.first())).toBe('администратор → пользователь');
    expect(await details(roles.nth(1))).toBe('пользователь → администратор');
    const tags = rows('user.tags', `#/users/${user}`);
    expect(await details(tags.first())).toBe('Убран тег #other');
    expect(await details(tags.nth(1))).toBe('Добавлены теги #vip, #beta');

    const created = rows('mailing.create', `#/mailings/${live}`).first();
    expect(await created.getByTestId('audit-target').textContent()).toBe(
      `рассылка #${live} «Летняя распродажа & скидки»`,
    );
    expect(await details(created)).toMatch(/^Теги: #nobody-has-this; с .+ до .+$/);
    const gone = audit.locator('tr[data-action="mailing.delete"]').first();
    expect(await gone.locator('td').nth(2).textContent()).toBe('Удаление рассылки');
    expect(await gone.getByTestId('audit-target').textContent()).toBe(
      `рассылка #${deleted} «Черновик акции» (удалена)`,
    );
    expect(await gone.getByTestId('audit-target').locator('a').count()).toBe(0);
    for (const text of await audit.getByTestId('audit-details').allTextContents()) expect(text).not.toMatch(/[{}"]/);
    await page.screenshot({ path: `${SHOTS}/audit-ru.png`, fullPage: true });
  });

  it('says when no mailing has the status filtered for, with a way back to all of them', async () => {
    await page.goto(`${app.api}/console#/mailings?status=paused`);
    await expect
      .poll(() => page.getByTestId('no-match').textContent())
      .toBe('Нет рассылок со статусом «на паузе». Показать все рассылки');
    await page.getByRole('link', { name: 'Показать все рассылки' }).click();
    await page.waitForURL(/#\/mailings$/);
    await page.getByTestId('mailings-table').waitFor();
  });

  it('names the statuses of tasks on the dashboard in Russian', async () => {
    expect((await app.call('/tasks', { token: adminToken, body: { title: 'Задача для сводки' } })).status).toBe(201);
    await page.goto(`${app.api}/console#/`);
    await page.getByRole('heading', { name: 'Задачи по статусам' }).waitFor();
    const tasks = page.locator('h2', { hasText: 'Задачи по статусам' }).locator('xpath=..').locator('dt');
    await expect.poll(() => tasks.allTextContents()).toContain('к выполнению');
    expect(await tasks.allTextContents()).not.toContain('todo');
  });

  it('offers no “make admin” for a banned user, and says why', async () => {
    const banned = people[1]?.id;
    const ban = (value: boolean) =>
      app.call(`/admin/users/${banned}`, { method: 'PATCH', token: adminToken, body: { banned: value } });
    expect((await ban(true)).status).toBe(200);
    await page.goto(`${app.api}/console#/users/${banned}`);
    await page.locator('#user-ban').waitFor();
    expect(await page.locator('#user-role').count()).toBe(0);
    expect(await page.getByTestId('unban-first').textContent()).toBe(
      'Забаненного пользователя нельзя сделать администратором: сначала разбаньте его.',
    );
    expect((await ban(false)).status).toBe(200);
  });
});
