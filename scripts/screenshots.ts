/**
 * `npm run screenshots`: regenerates the README's pictures (docs/img/*.png) from the sandbox —
 * the real program started as `npm start` without BOT_TOKEN, driven by Debian's chromium.
 * Needs PostgreSQL and Redis as the tests do (DATABASE_URL, REDIS_URL), and /usr/bin/chromium.
 */
import { mkdirSync } from 'node:fs';
import { SANDBOX_ADMIN_ID } from '../src/config.js';
import { type ChatPane, launchBrowser, panes, startSandbox } from '../test/helpers/sandbox.js';

const OUT = 'docs/img';
mkdirSync(OUT, { recursive: true });
mkdirSync('test-results', { recursive: true });

const sandbox = await startSandbox(15);
const browser = await launchBrowser();
try {
  // Narrow, the two chats stack, each half the height: tall enough that a task card, keyboard
  // included, fits in Alice's.
  const page = await browser.newPage({ viewport: { width: 560, height: 2000 }, deviceScaleFactor: 2 });
  await page.goto(`${sandbox.url}/sandbox?users=${SANDBOX_ADMIN_ID},${SANDBOX_ADMIN_ID + 1}`);
  const [alice, bob] = panes(page) as [ChatPane, ChatPane];
  const shoot = async (chat: ChatPane, name: string, text: string | RegExp) => {
    const message = await chat.expectBot(text, 180_000);
    // Centred in the chat: "if needed" leaves a message that is partly in view where it is, and the
    // pane's sticky header is then drawn over its top.
    await message.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await message.screenshot({ path: `${OUT}/${name}.png` });
    console.log(`${OUT}/${name}.png`);
  };
  const pass = async (chat: ChatPane) => {
    await page.waitForTimeout(700);
    const skip = chat.lastBot().locator('.inline-kb button', { hasText: /Skip/ });
    if (await skip.count()) await skip.first().click();
    else await chat.send('/skip');
  };

  await alice.send('/start');
  await page.waitForTimeout(1000);
  if (!(await alice.pane.locator('.inline-kb button', { hasText: '📋 Tasks' }).count())) await pass(alice);
  await shoot(alice, 'main-menu', '📋 Tasks');

  await alice.send('/newtask');
  await alice.expectBot(/title/i);
  await alice.send('Prepare the quarterly report');
  await alice.expectBot(/description/i);
  await alice.send('Numbers from sales and support, two pages at most.');
  await alice.expectBot(/due/i);
  await alice.send('tomorrow 9:00');
  await shoot(alice, 'task-card', /Prepare the quarterly report/);
  // A second task due in a minute, for the reminder.
  await alice.send('/newtask');
  await alice.expectBot(/title/i);
  await alice.send('Call the printer about the flyers');
  await alice.expectBot(/description/i);
  await pass(alice);
  await alice.expectBot(/due/i);
  // Two minutes ahead, typed the way every version of the date parser reads (the sandbox users' zone is UTC).
  const soon = new Date(Date.now() + 120_000);
  const hhmm = `${String(soon.getUTCHours()).padStart(2, '0')}:${String(soon.getUTCMinutes()).padStart(2, '0')}`;
  await alice.send(`today ${hhmm}`);

  // A mailing, from the admin's dialog; its live card is what the admin keeps watching.
  await page.setViewportSize({ width: 1120, height: 1000 });
  await bob.send('/start');
  await page.waitForTimeout(1000);
  await alice.send('/newmailing');
  await alice.expectBot(/exactly as recipients should see it/i);
  // The admin sends the message as it should look; it goes out as is.
  await alice.send('Release 1.2 is out: shared tasks and reminders. Tap /tasks to try them.');
  for (let step = 0; step < 12; step++) {
    await page.waitForTimeout(800);
    if (
      await alice
        .bot()
        .filter({ hasText: /Mailing #\d+/ })
        .count()
    )
      break;
    const last = alice.lastBot();
    let tapped = false;
    for (const label of [/Skip/, /Continue with/, /Now$/, /Create/]) {
      const button = last.locator('.inline-kb button', { hasText: label });
      if (!tapped && (await button.count())) {
        await button.first().click();
        tapped = true;
      }
    }
    if (tapped) continue;
    const text = (await last.textContent()) ?? '';
    if (text.includes('/skip')) await alice.send('/skip');
    else if (await last.locator('code').count())
      await alice.send((await last.locator('code').last().textContent()) ?? '');
  }
  await bob.expectBot('Release 1.2', 60_000);
  await page.waitForTimeout(6_000); // the live card is edited at most every 5 s
  await shoot(alice, 'mailing-card', /Mailing #\d+/);

  // The reminder arrives at the due time (a minute after the second task was made).
  await shoot(alice, 'reminder', /Reminder[\s\S]*Call the printer about the flyers/);
} catch (err) {
  console.error(err);
  const pages = browser.contexts().flatMap((c) => c.pages());
  await pages[0]?.screenshot({ path: 'test-results/screenshots-failure.png' });
  process.exitCode = 1;
} finally {
  await browser.close();
  await sandbox.close();
}
