import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { createEmptyDatabase } from './db.js';
import { e2eRedisUrl, flushRedis, freePort, type RunningProgram, startProgram } from './program.js';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `extraArgs`: more Chromium switches, e.g. `--host-resolver-rules=MAP name 127.0.0.1` (a name rebound to loopback). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...extraArgs,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface SandboxProgram {
  url: string;
  program: RunningProgram;
  close(): Promise<void>;
}

/** `npm start` without BOT_TOKEN (sandbox mode) on a fresh database and a Redis database of its own. */
export async function startSandbox(redisDatabase: number, env: Record<string, string> = {}): Promise<SandboxProgram> {
  const db = await createEmptyDatabase();
  const port = await freePort();
  const redisUrl = e2eRedisUrl(redisDatabase);
  const cwd = mkdtempSync(join(tmpdir(), 'gramdesk-sandbox-'));
  const program = startProgram(
    { REDIS_URL: redisUrl, DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    { cwd },
  );
  const close = async () => {
    await program.stop('SIGTERM');
    await program.stop('SIGKILL');
    await db.drop();
    await flushRedis(redisUrl);
    rmSync(cwd, { recursive: true, force: true });
  };
  try {
    await program.waitForOutput(/Open http:\/\/\S+\/sandbox/, 90_000);
  } catch (err) {
    await close();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, program, close };
}

/** One chat pane of the web chat, driven the way a person does. */
export class ChatPane {
  constructor(
    readonly page: Page,
    readonly pane: Locator,
  ) {}

  bot(): Locator {
    return this.pane.locator('.msg.bot');
  }

  lastBot(): Locator {
    return this.bot().last();
  }

  async send(text: string): Promise<void> {
    const input = this.pane.locator('.composer-input');
    await input.fill(text);
    await input.press('Enter');
  }

  /** Taps the inline button of the newest bot message that has one labelled so. */
  async tap(label: string | RegExp): Promise<void> {
    const button = this.pane.locator('.msg.bot .inline-kb button', { hasText: label }).last();
    await button.click();
  }

  async expectBot(text: string | RegExp, timeout = 20_000): Promise<Locator> {
    const message = this.bot().filter({ hasText: text }).last();
    await message.waitFor({ state: 'visible', timeout });
    return message;
  }

  async selectUser(id: number): Promise<void> {
    await this.pane.locator('.user-select').selectOption(String(id));
  }
}

export function panes(page: Page): ChatPane[] {
  return [0, 1, 2].map((i) => new ChatPane(page, page.locator('.pane').nth(i)));
}
