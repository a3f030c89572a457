/**
 * The mailing share of the soak: the program's own mailing engine (worker role, MAILING_RATE)
 * sends one mailing after another to a fixed set of recipients for the whole run. The next
 * mailing is created while the current one sends its last few seconds, so materialising it does
 * not leave a gap in the sending. Sends are counted where Telegram sees them (the fake's events);
 * deliveries that ended in error, unknown or expired count as errors when their mailing completes.
 */
import { createMailing, getMailingView } from '../../src/features/mailings/mailings.js';
import { insertRecipients } from '../mailings.js';
import type { OpsLog } from './ops.js';
import type { SoakProgram } from './program.js';

/** Telegram ids of the recipients (apart from the bot users'). */
const FIRST_RECIPIENT = 950_000_001;
const TAG = 'soak';
/** Create the next mailing when the current one has this many seconds of sending left. */
const LEAD_SECONDS = 5;
const POLL_MS = 1_000;

/** Recipients per mailing: a minute of sending at the rate (at least 100). */
export function recipientsFor(rate: number): number {
  return Math.max(100, rate * 60);
}

export async function startMailingChain(
  program: SoakProgram,
  ops: OpsLog,
  rate: number,
): Promise<{ mailings: () => number; stop(): Promise<void> }> {
  const { orm } = program.app;
  const recipients = recipientsFor(rate);
  await insertRecipients(orm, FIRST_RECIPIENT, TAG, recipients);
  // Only the mailing engine talks to this Telegram.
  const unsubscribe = program.mailingTelegram.subscribe((event) => {
    if (event.method === 'sendMessage') ops.record('mailing send', Date.now());
  });

  const active: string[] = [];
  let created = 0;
  const createNext = async () => {
    created++;
    const mailing = await createMailing(orm.em.fork(), null, {
      text: `Soak mailing ${created}`,
      filter: { tags: [TAG] },
      endAt: new Date(Date.now() + 6 * 3_600_000),
    });
    active.push(mailing.id);
  };

  /** Tallies completed mailings and starts the next one when the newest is nearly done. */
  const check = async () => {
    for (const id of [...active]) {
      const view = await getMailingView(orm.em.fork(), id);
      const left = view.counts.pending + view.counts.processing;
      if (view.status === 'completed' || view.status === 'cancelled') {
        active.splice(active.indexOf(id), 1);
        const failed = view.counts.error + view.counts.unknown + view.counts.expired;
        for (let i = 0; i < failed; i++) ops.record('mailing send', Date.now(), 'delivery failed');
      } else if (id === active.at(-1) && view.counts.sent > 0 && left <= rate * LEAD_SECONDS) {
        await createNext();
      }
    }
    if (active.length === 0) await createNext();
  };

  let running = true;
  const loop = (async () => {
    while (running) {
      await check().catch((err: unknown) =>
        ops.record('mailing send', Date.now(), `chain: ${err instanceof Error ? err.message.slice(0, 60) : err}`),
      );
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  return {
    mailings: () => created,
    async stop() {
      running = false;
      await loop;
      unsubscribe();
    },
  };
}
