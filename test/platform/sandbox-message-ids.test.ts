import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sandbox } from '../../src/platform/sandbox/sandbox.js';

/**
 * The sandbox's chats live in memory, but the bot's database keeps the ids of the messages it sent
 * (a mailing's deliveries, its live card). A restarted sandbox must not give those ids again: a
 * recall would delete, and a card update overwrite, a newer message the bot never sent.
 */
describe('sandbox message ids across a restart', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const run = async (at: Date, messages: number) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at);
    const sandbox = new Sandbox({ adminId: 900_000 });
    const ids: number[] = [];
    for (let i = 0; i < messages; i++) {
      ids.push(
        sandbox.standIn.userMessage(900_000, { from: { id: 900_000, is_bot: false, first_name: 'Alice' } }).message_id,
      );
    }
    await sandbox.close();
    vi.useRealTimers();
    return ids;
  };

  it('a run started after another gives none of the ids the earlier one gave', async () => {
    // A busy ten minutes: a mailing to fifty people and its answers, many times over (the clock
    // gives four ids a second; a run would have to average more than that to reach the next one's).
    const first = await run(new Date('2026-12-07T10:00:00Z'), 2_000);
    const second = await run(new Date('2026-12-07T10:10:00Z'), 10);
    expect(Math.min(...second)).toBeGreaterThan(Math.max(...first));
    // Telegram's ids fit 32 bits; so do these for years to come.
    const later = await run(new Date('2040-12-31T23:59:59Z'), 1);
    expect(Math.max(...later)).toBeLessThan(2 ** 31);
  });
});
