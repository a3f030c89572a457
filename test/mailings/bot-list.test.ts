import { beforeAll, describe, expect, it } from 'vitest';
import { Mailing } from '../../src/features/mailings/mailing.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { newMailing } from '../helpers/mailings.js';
import { lastMessage } from '../helpers/tasks.js';

/** SPEC §2.5: the mailing list pages through all mailings; a card's ◀️ Back to list returns to its page. */
const env = useTestEnvironment();

let admin: BotClient;
const ids: string[] = [];

beforeAll(async () => {
  admin = env.bot.client({ id: 880_001, first_name: 'Root', username: 'root880', language_code: 'en' });
  await admin.sendCommand('start');
  const em = env.em();
  (await em.findOneOrFail(User, { telegramId: admin.user.id })).role = 'admin';
  await em.flush();
  // 25 mailings, 10 a page, newest first: page 3 holds the five oldest.
  for (let i = 1; i <= 25; i++) {
    const m = await newMailing(env.services, {
      text: `Mailing ${i}`,
      startAt: new Date('2099-01-02T10:00:00Z'),
      endAt: new Date('2099-01-03T10:00:00Z'),
    });
    ids.push(m.id);
  }
});

describe('◀️ Back to list from a mailing card', () => {
  it('returns to the page the mailing was opened from, in place', async () => {
    await admin.sendCommand('admin');
    await admin.click('📨 Mailings');
    await admin.click('▶️');
    await admin.click('▶️');
    expect(admin.buttons()).toContain('3/3');
    const oldest = ids[0] as string;
    await admin.click(new RegExp(`^#${oldest} `));
    const card = lastMessage(env, admin);
    expect(admin.lastReply()).toContain(`Mailing #${oldest}`);
    await admin.click('◀️ Back to list');
    expect(lastMessage(env, admin).message_id).toBe(card.message_id);
    expect(admin.lastReply()).toContain('📨 <b>Mailings</b>');
    expect(admin.buttons()).toContain('3/3');
    expect(admin.buttons().some((b) => b.startsWith(`#${oldest} `))).toBe(true);
  });

  it('the list got shorter meanwhile: the card’s page no longer exists, and Back lands on the last page, not an empty one', async () => {
    await admin.sendCommand('admin');
    await admin.click('📨 Mailings');
    await admin.click('▶️');
    await admin.click('▶️');
    const fifth = ids[4] as string;
    await admin.click(new RegExp(`^#${fifth} `));
    // Another admin deletes ten of the newest: 15 left, two pages.
    await env.em().nativeDelete(Mailing, { id: { $in: ids.slice(15) } });
    await admin.click('◀️ Back to list');
    expect(admin.buttons()).toContain('2/2');
    expect(admin.buttons().filter((b) => /^#\d+ /.test(b))).toHaveLength(5);
    expect(admin.buttons().some((b) => b.startsWith(`#${fifth} `))).toBe(true);
  });
});
