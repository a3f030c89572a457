/**
 * The bot's share of the soak: simulated Telegram users walking the menus (the cycle of the `bot`
 * benchmark: commands, navigation, a settings change that writes the user row), their updates
 * queued at the fake Telegram and taken by the program's own long polling. Each user waits for
 * its answer before the next step, as a person does; the pacer picks the next idle user.
 */
import { createTranslator } from '../../src/platform/i18n/translator.js';
import { type ButtonLabel, SimulatedUser } from '../simulated-user.js';
import { type OpsLog, pace } from './ops.js';
import type { SoakProgram } from './program.js';

/** Telegram ids of the bot users (apart from the mailing recipients'). */
const FIRST_USER_ID = 940_000_001;
/** An answer later than this counts as an error (and the user starts over). */
const ANSWER_TIMEOUT_MS = 15_000;

type Step = { command: string } | { label: ButtonLabel };

function menuCycle(): Step[] {
  const t = createTranslator().forLocale('en');
  const settings = t('menu-settings');
  const back = t('back');
  return [
    { command: 'start' },
    { label: settings },
    { label: back },
    { label: settings },
    { label: { startsWith: t('settings-notifications', { state: '' }) } },
    { label: t('settings-language') },
    { label: back },
    { label: back },
    { command: 'menu' },
    { label: t('menu-help') },
    { label: back },
  ];
}

/** Users for the rate: each acts every 4 s on average (a person reading the answer between clicks). */
export function botUsersFor(rate: number): number {
  return Math.max(10, Math.ceil(rate * 4));
}

/** Starts the load; the returned function stops it and waits for the answers in flight. */
export function startBotUsers(program: SoakProgram, ops: OpsLog, rate: number): () => Promise<void> {
  const cycle = menuCycle();
  const idle = Array.from({ length: botUsersFor(rate) }, (_, i) => ({
    user: new SimulatedUser(program.telegram, FIRST_USER_ID + i, `Soak${i}`, 'en'),
    step: 0,
  }));
  const inFlight = new Set<Promise<void>>();

  const act = async (walker: (typeof idle)[number]) => {
    const step = cycle[walker.step] ?? { command: 'start' };
    try {
      const update = 'command' in step ? walker.user.command(step.command) : walker.user.click(step.label);
      const answered = program.handled(update.update_id, ANSWER_TIMEOUT_MS);
      program.telegram.pushUpdate(update);
      await answered;
      ops.record('bot update', Date.now());
      walker.step = (walker.step + 1) % cycle.length;
    } catch (err) {
      // A missing button or a lost answer: this user starts over from /start.
      ops.record('bot update', Date.now(), reasonOf(err));
      walker.step = 0;
    }
    idle.push(walker);
  };

  const stopPacing = pace(rate, () => {
    const walker = idle.shift();
    if (!walker) return;
    const running = act(walker).finally(() => inFlight.delete(running));
    inFlight.add(running);
  });
  return async () => {
    stopPacing();
    await Promise.allSettled([...inFlight]);
  };
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.startsWith('No button') ? 'button not shown' : message.slice(0, 60);
}
