import { beforeAll, describe, expect, it } from 'vitest';
import { clickCode, isPublicUrl } from '../../src/features/mailings/clicks.js';
import { Delivery, Mailing, MailingClick } from '../../src/features/mailings/mailing.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { engineHarness, newMailing, seedUsers, waitForMailing } from '../helpers/mailings.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Issue 15, clicks (SPEC §2.5): with a public PUBLIC_URL each recipient's buttons open
 * PUBLIC_URL/r/<code>, which counts the first tap per recipient and button and redirects to the
 * mailing's own URL only; anything else is a 404 without a redirect.
 */
const PUBLIC = 'https://gramdesk.example.com';
const env = useTestEnvironment({ env: { PUBLIC_URL: PUBLIC }, bot: { publicUrl: PUBLIC } });

type Keyboard = { inline_keyboard: Array<Array<{ text: string; url?: string; callback_data?: string }>> };

const buttons = [
  [
    { text: 'Shop', url: 'https://shop.example.org/sale?utm=mail' },
    { text: 'Help', url: 'https://example.org/help' },
  ],
  [{ text: 'News', url: 'http://news.example.net/' }],
];

/** The engine's services, with PUBLIC_URL as given. */
const withPublicUrl = (publicUrl: string) => ({
  ...env.services,
  config: { ...env.services.config, publicUrl },
});

/** The URLs of each recipient's buttons (🔕 row excluded), by chat id. */
function linksByChat(calls: Array<{ payload: Record<string, unknown> }>): Map<number, string[]> {
  return new Map(
    calls.map((c) => [
      Number(c.payload.chat_id),
      (c.payload.reply_markup as Keyboard).inline_keyboard.flat().flatMap((b) => (b.url ? [b.url] : [])),
    ]),
  );
}

const codeOf = (url: string) => url.slice(`${PUBLIC}/r/`.length);

async function follow(code: string) {
  return env.app.request(`/r/${code}`);
}

describe('which PUBLIC_URL counts clicks', () => {
  it('public: a domain name or a global address; not: localhost, loopback, private, link-local, single-label', () => {
    for (const url of [
      'https://gramdesk.example.com',
      'http://bot.company.io:8080/base',
      'https://8.8.8.8',
      'http://[2001:db8::1]',
    ])
      expect(isPublicUrl(url), url).toBe(true);
    for (const url of [
      'http://localhost:3000',
      'http://app.localhost',
      'http://127.0.0.1:3000',
      'http://10.1.2.3',
      'http://172.20.0.5',
      'http://192.168.1.10',
      'http://169.254.1.1',
      'http://100.64.0.1',
      'http://0.0.0.0:3000',
      'http://[::1]:3000',
      'http://[fd00::1]',
      'http://[::ffff:127.0.0.1]',
      'http://gramdesk',
      'http://printer.local',
      'http://svc.internal',
      'ftp://example.com',
      'not a url',
    ])
      expect(isPublicUrl(url), url).toBe(false);
  });
});

describe('click links', () => {
  let token: string;
  beforeAll(async () => {
    const account = await createAccount(env.services);
    await env.em().nativeUpdate(User, { id: account.user.id }, { role: 'admin' });
    token = account.token;
  });

  it('each recipient gets signed links; a tap counts once per recipient and button and redirects to the mailing’s own URL', async () => {
    const h = await engineHarness(withPublicUrl(PUBLIC));
    try {
      const chats = await seedUsers(env.em(), 3, { tags: ['clicks'] });
      const mailing = await newMailing(env.services, { text: 'Sale!', buttons, filter: { tags: ['clicks'] } });
      h.engine().start();
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.counts.sent).toBe(3);
      const links = linksByChat(h.fake.callsOf('sendMessage').filter((c) => c.payload.text === 'Sale!'));
      expect([...links.keys()].sort()).toEqual([...chats].sort());
      const all = [...links.values()].flat();
      expect(all).toHaveLength(9);
      expect(all.every((u) => u.startsWith(`${PUBLIC}/r/`) && u.length <= `${PUBLIC}/r/`.length + 28)).toBe(true);
      expect(new Set(all).size).toBe(9);
      // The labels and the 🔕 row stay as they were.
      const keyboard = h.fake.callsOf('sendMessage').find((c) => c.payload.text === 'Sale!')?.payload
        .reply_markup as Keyboard;
      expect(keyboard.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
        ['Shop', 'Help'],
        ['News'],
        ['🔕 Unsubscribe'],
      ]);

      const [a, b] = chats as [number, number];
      const aLinks = links.get(a) as string[];
      const bLinks = links.get(b) as string[];
      // A taps Shop twice and News once; B taps Shop.
      for (const [url, target] of [
        [aLinks[0], buttons[0]?.[0]?.url],
        [aLinks[0], buttons[0]?.[0]?.url],
        [aLinks[2], buttons[1]?.[0]?.url],
        [bLinks[0], buttons[0]?.[0]?.url],
      ] as Array<[string, string]>) {
        const res = await follow(codeOf(url));
        expect(res.status).toBe(302);
        expect(res.headers.get('location')).toBe(target);
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      }
      expect(await env.em().count(MailingClick, { mailing: mailing.id })).toBe(3);

      const got = await apiRequest(env.app, 'GET', `/mailings/${mailing.id}`, { token });
      expect(got.body.clicks).toBe(3);
      expect(got.body.clicksByButton).toEqual([[2, 0], [1]]);
      const list = await apiRequest(env.app, 'GET', '/mailings?limit=5', { token });
      expect(list.body.items.find((m: { id: string }) => m.id === mailing.id)?.clicks).toBe(3);
    } finally {
      await h.stop();
    }
  });

  it('a button URL with a control character, saved before such URLs were refused, redirects percent-encoded (was a 500)', async () => {
    const h = await engineHarness(withPublicUrl(PUBLIC));
    try {
      await seedUsers(env.em(), 1, { tags: ['clicks-ctl'] });
      const mailing = await newMailing(env.services, {
        text: 'Old',
        buttons: [[{ text: 'Old link', url: 'https://old.example.org/a' }]],
        filter: { tags: ['clicks-ctl'] },
      });
      h.engine().start();
      await waitForMailing(env.services, mailing.id);
      await env
        .em()
        .nativeUpdate(
          Mailing,
          { id: mailing.id },
          { buttons: [[{ text: 'Old link', url: 'https://old.example.org/a\u0001b c' }]] },
        );
      const link = linksByChat(h.fake.callsOf('sendMessage').filter((c) => c.payload.text === 'Old'))
        .values()
        .next().value?.[0] as string;
      const res = await follow(codeOf(link));
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://old.example.org/a%01b%20c');
      expect(await env.em().count(MailingClick, { mailing: mailing.id })).toBe(1);
    } finally {
      await h.stop();
    }
  });

  it('redirects only to the mailing’s own URLs: forged, other mailing’s, changed index, malformed codes are 404 without Location', async () => {
    const h = await engineHarness(withPublicUrl(PUBLIC));
    try {
      await seedUsers(env.em(), 1, { tags: ['forge-a'] });
      await seedUsers(env.em(), 1, { tags: ['forge-b'] });
      const a = await newMailing(env.services, { text: 'A', buttons, filter: { tags: ['forge-a'] } });
      const b = await newMailing(env.services, {
        text: 'B',
        buttons: [[{ text: 'B site', url: 'https://b.example.org/' }]],
        filter: { tags: ['forge-b'] },
      });
      h.engine().start();
      await waitForMailing(env.services, a.id);
      await waitForMailing(env.services, b.id);
      const codeA = codeOf(
        linksByChat(h.fake.callsOf('sendMessage').filter((c) => c.payload.text === 'A'))
          .values()
          .next().value?.[0] as string,
      );
      const codeB = codeOf(
        linksByChat(h.fake.callsOf('sendMessage').filter((c) => c.payload.text === 'B'))
          .values()
          .next().value?.[0] as string,
      );
      const [idA, restA] = codeA.split('.') as [string, string];
      const [idB, restB] = codeB.split('.') as [string, string];
      const flip = (ch: string) => (ch === 'A' ? 'B' : 'A');
      const deliveryA = await env.em().findOneOrFail(Delivery, { mailing: a.id });
      const bad = [
        // A's tag with one character changed.
        `${idA}.${restA.slice(0, -1)}${flip(restA.slice(-1))}`,
        // B's code with another button index (A has 3 buttons, B one): the tag no longer matches.
        `${idB}.1${restB.slice(1)}`,
        `${idB}.2${restB.slice(1)}`,
        // B's tag on A's delivery, and A's index 0 signed with a made-up key.
        `${idA}.${restB}`,
        clickCode('made-up-key-made-up-key-made-up', deliveryA.id, 0),
        // A delivery that does not exist, well formed.
        `zzzzzz.0${restA.slice(1)}`,
        // Malformed.
        'x',
        `${codeA}x`,
        `${idA}.${restA.slice(0, 5)}`,
        '..%2F..%2Fetc',
        encodeURIComponent('https://evil.example/'),
        'a'.repeat(400),
      ];
      for (const code of bad) {
        const res = await follow(code);
        expect(res.status, code).toBe(404);
        expect(res.headers.get('location'), code).toBeNull();
        expect(res.headers.get('content-type')).toContain('text/html');
        expect(await res.text()).toContain('Link not found');
      }
      expect(await env.em().count(MailingClick, { mailing: { $in: [a.id, b.id] } })).toBe(0);
      // The genuine codes still work.
      expect((await follow(codeA)).headers.get('location')).toBe(buttons[0]?.[0]?.url);
      expect((await follow(codeB)).headers.get('location')).toBe('https://b.example.org/');
    } finally {
      await h.stop();
    }
  });

  it('with a loopback PUBLIC_URL the raw URLs are sent and nothing is counted', async () => {
    const h = await engineHarness(withPublicUrl('http://127.0.0.1:3000'));
    try {
      await seedUsers(env.em(), 2, { tags: ['raw'] });
      const mailing = await newMailing(env.services, { text: 'Raw', buttons, filter: { tags: ['raw'] } });
      h.engine().start();
      await waitForMailing(env.services, mailing.id);
      const links = linksByChat(h.fake.callsOf('sendMessage').filter((c) => c.payload.text === 'Raw'));
      for (const urls of links.values()) expect(urls).toEqual(buttons.flat().map((x) => x.url));
      const got = await apiRequest(env.app, 'GET', `/mailings/${mailing.id}`, { token });
      expect(got.body).toMatchObject({ clicks: 0, clicksByButton: [[0, 0], [0]] });
    } finally {
      await h.stop();
    }
  });
});

describe('clicks in the bot', () => {
  let admin: BotClient;
  let ruAdmin: BotClient;
  beforeAll(async () => {
    admin = env.bot.client({ id: 772_001, first_name: 'Root', username: 'root7721', language_code: 'en' });
    ruAdmin = env.bot.client({ id: 772_002, first_name: 'Корень', username: 'root7722', language_code: 'ru' });
    for (const c of [admin, ruAdmin]) await c.sendCommand('start');
    await env.em().nativeUpdate(User, { telegramId: { $in: [admin.user.id, ruAdmin.user.id] } }, { role: 'admin' });
  });

  it('the buttons step says clicks are counted (en, ru); the card shows them per button', async () => {
    await admin.sendCommand('newmailing');
    await admin.sendText('Hello');
    expect(admin.lastReply()).toContain('Add link buttons?');
    expect(admin.lastReply()).toContain(`👆 Clicks are counted: each button opens a short link via ${PUBLIC}`);
    await admin.sendCommand('cancel');
    await ruAdmin.sendCommand('newmailing');
    await ruAdmin.sendText('Привет');
    expect(ruAdmin.lastReply()).toContain(
      `👆 Переходы считаются: каждая кнопка открывает короткую ссылку через ${PUBLIC}`,
    );
    await ruAdmin.sendCommand('cancel');

    // ✏️ Edit of a scheduled mailing says the same (it used to say "not counted", with no address).
    const scheduled = await newMailing(env.services, {
      text: 'Edit me',
      buttons,
      startAt: new Date('2099-01-02T10:00:00Z'),
      endAt: new Date('2099-01-03T10:00:00Z'),
    });
    await admin.sendCommand('admin');
    await admin.click('📨 Mailings');
    await admin.click(new RegExp(`^#${scheduled.id} `));
    await admin.click('✏️ Edit');
    await admin.click('🔗 Buttons');
    expect(admin.lastReply()).toContain(`👆 Clicks are counted: each button opens a short link via ${PUBLIC}`);
    await admin.sendCommand('cancel');

    const h = await engineHarness(withPublicUrl(PUBLIC));
    try {
      await seedUsers(env.em(), 2, { tags: ['card-clicks'] });
      const mailing = await newMailing(env.services, { text: 'Card', buttons, filter: { tags: ['card-clicks'] } });
      h.engine().start();
      await waitForMailing(env.services, mailing.id);
      const links = [...linksByChat(h.fake.callsOf('sendMessage').filter((c) => c.payload.text === 'Card')).values()];
      await follow(codeOf(links[0]?.[0] as string));
      await follow(codeOf(links[1]?.[0] as string));
      await follow(codeOf(links[1]?.[1] as string));
      await admin.sendCommand('admin');
      await admin.click('📨 Mailings');
      await admin.click(new RegExp(`^#${mailing.id} `));
      expect(admin.lastReply()).toContain('👆 clicks 3 (Shop: 2 · Help: 1 · News: 0)');
      await ruAdmin.sendCommand('admin');
      await ruAdmin.click('📨 Рассылки');
      await ruAdmin.click(new RegExp(`^#${mailing.id} `));
      expect(ruAdmin.lastReply()).toContain('👆 переходы 3 (Shop: 2 · Help: 1 · News: 0)');
    } finally {
      await h.stop();
    }
  });
});
