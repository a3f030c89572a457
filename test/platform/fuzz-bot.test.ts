import { fc } from '@fast-check/vitest';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reminderCallback } from '../../src/features/tasks/jobs/reminders.js';
import { Task } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { createLogger } from '../../src/platform/logger.js';
import type { TestBot } from '../helpers/bot.js';
import type { BotClient, TelegramUserProfile } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ChatMessage } from '../helpers/fake-bot-api.js';
import { anyText, CRITICAL_PIECES, fuzzTimeout, params, report, runs, STRANGE_PIECES } from '../helpers/fuzz.js';
import { seedTasks, userOf } from '../helpers/tasks.js';

/**
 * Issue 18, point 4: a fuzz pass over the bot. Users (an admin, two regular users, a stranger who
 * never pressed /start) send random texts, commands with random arguments, deep links, contacts,
 * media, locations and polls, press the buttons of the current screen, stale buttons of earlier
 * screens, other users' buttons and forged callback data. Through all of it no handler crashes
 * (the error boundary logs nothing, handleUpdate never throws) and the strict fake Bot API never
 * refuses a call the bot made.
 */

const env = useTestEnvironment();

/** Error lines of the bot's logger: the error boundary writes one for every crashed handler. */
const errors: string[] = [];
const log = createLogger('error', { destination: { write: (line: string) => void errors.push(line) } });

let bot: TestBot;
const people: Record<'admin' | 'ann' | 'bob' | 'stranger', BotClient> = {} as never;
const ADMIN_ID = 760_001;

const counts = new Map<string, number>();
const bump = (kind: string) => counts.set(kind, (counts.get(kind) ?? 0) + 1);

beforeAll(async () => {
  bot = env.newBot({ telegram: env.telegram, adminTelegramIds: [ADMIN_ID], log });
  const profile = (id: number, first_name: string, username: string, language_code: string): TelegramUserProfile => ({
    id,
    first_name,
    username,
    language_code,
  });
  people.admin = bot.client(profile(ADMIN_ID, 'Root', 'fuzz_root', 'en'));
  people.ann = bot.client(profile(760_002, 'Ann', 'fuzz_ann', 'ru'));
  people.bob = bot.client(profile(760_003, 'Bob', 'fuzz_bob', 'en'));
  people.stranger = bot.client(profile(760_004, 'Zed', 'fuzz_zed', 'de'));
  for (const who of ['admin', 'ann', 'bob'] as const) await people[who].sendCommand('start');
  await env.em().nativeUpdate(User, { telegramId: ADMIN_ID }, { role: 'admin' });
  // A task each, so that ids in buttons and deep links name something.
  await people.ann.sendCommand('newtask');
  await people.ann.sendText('Ann’s task');
  await people.bob.sendCommand('newtask');
  await people.bob.sendText('Bob’s task');
  await people.ann.sendCommand('cancel');
  await people.bob.sendCommand('cancel');
  expect(errors).toEqual([]);
});

afterAll(() => {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  report('bot', {
    updates: total,
    ...Object.fromEntries([...counts].sort()),
    apiCalls: env.telegram.totalCalls(),
    notModified: env.telegram.anomalies.notModified,
  });
});

// ---------------------------------------------------------------------------------------------
// What users do

type Who = keyof typeof people;

type Action =
  | { kind: 'text'; who: Who; text: string }
  | { kind: 'command'; who: Who; command: string; args: string }
  | { kind: 'contact'; who: Who; phone: string; own: boolean }
  | { kind: 'media'; who: Who; media: string; caption: string; latitude: number; longitude: number }
  | { kind: 'click'; who: Who; pick: number }
  | { kind: 'stale'; who: Who; pick: number; button: number }
  | { kind: 'foreign'; who: Who; from: Who; pick: number }
  | { kind: 'forged'; who: Who; data: string; onMessage: boolean }
  | { kind: 'edited'; who: Who; text: string }
  | { kind: 'member'; who: Who; status: 'kicked' | 'member' };

const who = fc.constantFrom<Who>('admin', 'admin', 'ann', 'ann', 'bob', 'stranger');

const COMMANDS = [
  'start',
  'menu',
  'help',
  'tasks',
  'newtask',
  'find',
  'pm',
  'room',
  'leave',
  'inbox',
  'history',
  'settings',
  'cancel',
  'admin',
  'newmailing',
  'unknown',
  'START',
  'start@gramdesk_test_bot',
  'start@other_bot',
];

/** Texts people type into dialogs: dates, names, times, links, tokens, and strange text. */
const typed = fc.oneof(
  { weight: 4, arbitrary: anyText() },
  { weight: 1, arbitrary: fc.constantFrom(...CRITICAL_PIECES) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'tomorrow 9',
      'завтра в 18:30',
      '31.12',
      'in 2 hours',
      '25:99',
      '09:00-21:00',
      '21:00 - 09:00',
      'Europe/Moscow',
      'UTC+3',
      'UTC-13',
      'Moscow',
      '+79161234567',
      '@fuzz_ann',
      'fuzz_bob',
      '@nobody_here',
      'Site https://example.com | Docs https://e.com/docs',
      'https://example.com/a.png',
      '<b>bold</b>',
      '<b> </b>',
      '123e4567-e89b-12d3-a456-426614174000',
      'work, home',
      '#tag',
      'yes',
      'Да',
      '0',
      '-1',
      '9223372036854775808',
      '/cancel',
    ),
  },
);

const deepLink = fc.oneof(
  fc.constantFrom(
    '',
    'task_1',
    'task_2',
    'task_0',
    'task_9223372036854775808',
    'task_',
    'task_x',
    'link_',
    'link_123e4567-e89b-12d3-a456-426614174000',
  ),
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map((n) => `task_${n}`),
  fc.uuid().map((u) => `link_${u}`),
  anyText(),
);

/** Callback data as our buttons write it (prefixes of every feature) with ids and actions broken. */
const forgedData = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 64 }) },
  { weight: 2, arbitrary: fc.constantFrom(...STRANGE_PIECES) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'rm:',
          'tn:',
          'pm:reply:',
          'pm:block:',
          'pm:block-yes:',
          'pm:unblock:',
          'pm:keys:',
          'reg:',
          'lnk:',
          'mlu:',
          'mlr:',
          'mln:',
          'dlg:',
          'dlg:d',
          'dlg:dq',
          'dlg:dt',
          'dlg:dd',
          'dlg:dm',
          'dlg:db',
          'dlg:dn',
          'ask:',
          '',
        ),
        fc.oneof(
          fc.constantFrom(
            '1',
            '2',
            '3',
            '0',
            '-1',
            '9223372036854775807',
            '9223372036854775808',
            '99999999999999999999',
            '',
            '.',
            'x',
          ),
          fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
          fc.uuid(),
          fc.string({ maxLength: 10 }),
        ),
        fc.constantFrom(
          '',
          ':d',
          ':o',
          ':z15',
          ':z60',
          ':zt',
          ':a',
          ':yes',
          ':no',
          ':y',
          ':n',
          '.t',
          '.p',
          '.d',
          '.x',
          '.',
          '20261231',
          '202612',
          '203001011230',
        ),
      )
      .map(([a, b, c]) => `${a}${b}${c}`),
  },
  // The menu plugin's own data: "<menu id>/<path>/<row>/<column>/<payload>/<fingerprint>".
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('main', 'tasks', 'task', 'admin', 'mailings', 'settings', 'x'),
        fc.string({ maxLength: 20 }),
      )
      .map(([m, rest]) => `${m}/${rest}`),
  },
);

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('text' as const), who, text: typed }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      who,
      command: fc.constantFrom(...COMMANDS),
      args: fc.oneof(fc.constant(''), typed, deepLink),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('contact' as const),
      who,
      phone: fc.oneof(
        fc.constantFrom('79161234567', '+79161234567', '81312345678', '+1 (212) 555-01-23', '', '+'),
        anyText(),
      ),
      own: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('media' as const),
      who,
      media: fc.constantFrom(
        'photo',
        'document',
        'sticker',
        'location',
        'venue',
        'poll',
        'voice',
        'video',
        'animation',
        'dice',
        'video_note',
        'audio',
      ),
      caption: fc.oneof(fc.constant(''), typed),
      latitude: fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), fc.constantFrom(0, 90, -90, 55.75)),
      longitude: fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), fc.constantFrom(0, 180, -180, 37.62)),
    }),
  },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('click' as const), who, pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('stale' as const), who, pick: fc.nat(), button: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('foreign' as const), who, from: who, pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('forged' as const), who, data: forgedData, onMessage: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('edited' as const), who, text: typed }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('member' as const),
      who,
      status: fc.constantFrom('kicked' as const, 'member' as const),
    }),
  },
);

// ---------------------------------------------------------------------------------------------
// Doing it

const withButtons = (client: BotClient): ChatMessage[] =>
  env.telegram
    .chat(client.chatId)
    .filter((m) => m.reply_markup?.inline_keyboard?.some((row) => row.some((b) => b.callback_data)));
const callbacks = (m: ChatMessage) => (m.reply_markup?.inline_keyboard ?? []).flat().filter((b) => b.callback_data);

let nextUpdate = 9_000_000;

const deliver = (update: Omit<Update, 'update_id'>) =>
  bot.bot.handleUpdate({ update_id: nextUpdate++, ...update } as Update);

function mediaFields(a: Extract<Action, { kind: 'media' }>): Record<string, unknown> {
  const file = { file_id: `AgAD${a.media}`, file_unique_id: `u${a.media}` };
  const caption = a.caption ? { caption: a.caption } : {};
  switch (a.media) {
    case 'photo':
      return { photo: [{ ...file, width: 90, height: 90 }], ...caption };
    case 'document':
      return {
        document: { ...file, file_name: a.caption.slice(0, 40) || 'a.pdf', mime_type: 'application/pdf' },
        ...caption,
      };
    case 'sticker':
      return { sticker: { ...file, type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } };
    case 'location':
      return { location: { latitude: a.latitude, longitude: a.longitude } };
    case 'venue':
      return {
        location: { latitude: a.latitude, longitude: a.longitude },
        venue: {
          location: { latitude: a.latitude, longitude: a.longitude },
          title: a.caption || 'Venue',
          address: 'Somewhere',
        },
      };
    case 'poll':
      return {
        poll: {
          id: '1',
          question: a.caption || '?',
          options: [
            { text: 'a', voter_count: 0 },
            { text: 'b', voter_count: 0 },
          ],
          total_voter_count: 0,
          is_closed: false,
          is_anonymous: true,
          type: 'regular',
          allows_multiple_answers: false,
        },
      };
    case 'voice':
      return { voice: { ...file, duration: 1 }, ...caption };
    case 'video':
      return { video: { ...file, width: 1, height: 1, duration: 1 }, ...caption };
    case 'animation':
      return { animation: { ...file, width: 1, height: 1, duration: 1 }, ...caption };
    case 'video_note':
      return { video_note: { ...file, length: 1, duration: 1 } };
    case 'audio':
      return { audio: { ...file, duration: 1 }, ...caption };
    default:
      return { dice: { emoji: '🎲', value: 3 } };
  }
}

/**
 * A press on `message`; without one, on a message the bot can no longer see: Telegram then sends
 * an InaccessibleMessage (date 0, no content). Without inline mode a press always has a message.
 */
function pressOn(client: BotClient, message: ChatMessage | undefined, data: string): Promise<void> {
  if (message) return client.pressCallback(message, data);
  return deliver({
    callback_query: {
      id: `press${nextUpdate}`,
      chat_instance: String(client.chatId),
      from: { is_bot: false, ...client.user },
      data,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: client.chatId, type: 'private', first_name: client.user.first_name },
      },
    },
  } as never);
}

async function perform(a: Action): Promise<void> {
  const client = people[a.who];
  switch (a.kind) {
    case 'text':
      return client.sendText(a.text);
    case 'command':
      return client.sendCommand(a.command, a.args.replace(/^\s+/, '') || undefined);
    case 'contact':
      return client.sendContact(a.phone, a.own ? client.user.id : client.user.id + 1);
    case 'media':
      return client.sendMessage(mediaFields(a));
    case 'click': {
      const messages = withButtons(client);
      const latest = messages[messages.length - 1];
      if (!latest) return client.sendCommand('menu');
      const buttons = callbacks(latest);
      const button = buttons[a.pick % buttons.length];
      return client.pressCallback(latest, button?.callback_data ?? 'x');
    }
    case 'stale': {
      const messages = withButtons(client);
      const message = messages[a.pick % Math.max(1, messages.length)];
      if (!message) return client.sendCommand('tasks');
      const buttons = callbacks(message);
      return client.pressCallback(message, buttons[a.button % buttons.length]?.callback_data ?? 'x');
    }
    case 'foreign': {
      // Another user's button, pressed on this user's newest message (a forwarded or forged press).
      const theirs = withButtons(people[a.from]).flatMap(callbacks);
      const data = theirs[a.pick % Math.max(1, theirs.length)]?.callback_data ?? 'x';
      const mine = env.telegram.chat(client.chatId);
      return pressOn(client, mine[mine.length - 1], data);
    }
    case 'forged': {
      const mine = env.telegram.chat(client.chatId);
      return pressOn(client, a.onMessage ? mine[mine.length - 1] : undefined, a.data);
    }
    case 'edited':
      return deliver({
        edited_message: {
          message_id: 1,
          date: Math.floor(Date.now() / 1000),
          edit_date: Math.floor(Date.now() / 1000),
          chat: { id: client.chatId, type: 'private', first_name: client.user.first_name },
          from: { is_bot: false, ...client.user },
          text: a.text || 'x',
        },
      } as never);
    case 'member':
      return deliver({
        my_chat_member: {
          chat: { id: client.chatId, type: 'private', first_name: client.user.first_name },
          from: { is_bot: false, ...client.user },
          date: Math.floor(Date.now() / 1000),
          old_chat_member: { status: a.status === 'kicked' ? 'member' : 'kicked', user: { ...env.telegram.botInfo } },
          new_chat_member: { status: a.status, user: { ...env.telegram.botInfo } },
        },
      } as never);
  }
}

/**
 * "message is not modified" is Telegram's answer to pressing a button whose screen is already
 * shown (a second press of Refresh, of the current page); every edit in place expects it
 * (isMessageNotModified) and it changes nothing for the user, so it is counted, not failed.
 * Any other refusal is a call the bot should not have made.
 */
const NOT_MODIFIED = /^Bad Request: message is not modified/;
const refusals = () => Object.fromEntries([...env.telegram.anomalies.refusals].filter(([d]) => !NOT_MODIFIED.test(d)));

const SESSIONS = runs(20);
const ACTIONS = 40;

describe('the bot under random updates', () => {
  it(
    'never crashes a handler, and the strict Bot API never refuses a call',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: ACTIONS, maxLength: ACTIONS }), async (actions) => {
          for (const [index, a] of actions.entries()) {
            const label = `${a.kind}${a.kind === 'command' ? `:${a.command}` : a.kind === 'media' ? `:${a.media}` : ''}`;
            bump(a.kind === 'media' ? `media:${a.media}` : a.kind);
            await perform(a);
            const what = `action ${index} ${label}: ${JSON.stringify(a).slice(0, 300)}`;
            expect(errors, what).toEqual([]);
            expect(refusals(), what).toEqual({});
            expect(env.telegram.anomalies.doubleAnswers, what).toBe(0);
          }
        }),
        { ...params(SESSIONS), endOnFailure: true },
      );
    },
    fuzzTimeout(120_000),
  );
});

describe('what the fuzz found, kept as plain examples', () => {
  const apologies = (client: BotClient) => client.replies().filter((t) => t.startsWith('😔'));
  let nextId = 761_000;
  /** The error lines written since the test began (the fuzz above has its own). */
  let mark = 0;
  const newErrors = () => errors.slice(mark);
  beforeEach(() => {
    mark = errors.length;
  });
  /** A user of its own (the fuzz above may have banned or renamed the others), who has pressed /start. */
  const fresh = async (language: string, username?: string) => {
    const client = bot.client({
      id: nextId++,
      first_name: 'Fresh',
      language_code: language,
      ...(username ? { username } : {}),
    });
    await client.sendCommand('start');
    return client;
  };

  it('a double tap on a settings toggle (the second press carries the old labels) refreshes nothing and crashes nothing', async () => {
    const bob = await fresh('en');
    await bob.sendCommand('settings');
    const found = env.telegram.findButton(bob.chatId, /^🔔/);
    expect(found).toBeDefined();
    const { message, data } = found as { message: ChatMessage; data: string };
    await bob.pressCallback(message, data);
    // The same press again: its labels are outdated, and the message already shows the current menu.
    await bob.pressCallback(message, data);
    expect(newErrors()).toEqual([]);
    expect(apologies(bob)).toEqual([]);
    expect(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text).toBe(
      'The menu has changed; here is the current one.',
    );
  });

  it('a forged press on a message with a reply keyboard (no inline one) is told the button did its work, crashing nothing', async () => {
    const bob = await fresh('en');
    await bob.sendCommand('settings');
    await bob.click('📱 Share phone');
    const prompt = env.telegram.chat(bob.chatId).findLast((m) => m.reply_markup?.keyboard);
    expect(prompt).toBeDefined();
    await pressOn(bob, prompt, 'o2,>054*.d');
    expect(newErrors()).toEqual([]);
    expect(apologies(bob)).toEqual([]);
    expect(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text).toBe(
      'That button has done its work already: the message shows where things stand now.',
    );
  });

  it('a button of a message the bot can no longer see gets the screen as a new message, or just a toast', async () => {
    const ann = await fresh('ru');
    // pressOn without a message: an InaccessibleMessage (date 0).
    const press = (data: string) => pressOn(ann, undefined, data);
    const before = env.telegram.chat(ann.chatId).length;
    // An unknown button: the main menu, below.
    await press('@');
    expect(env.telegram.chat(ann.chatId).length).toBe(before + 1);
    // An outdated menu button: the toast only; there is no keyboard to refresh.
    await press('main/9/9//hxxxx');
    expect(env.telegram.chat(ann.chatId).length).toBe(before + 1);
    expect(newErrors()).toEqual([]);
    expect(apologies(ann)).toEqual([]);
  });

  it('a mailing’s 🔕 / ↩️ pressed on a message the bot can no longer see: the choice is stored, a toast, no edit tried', async () => {
    const ann = await fresh('en');
    const refusedBefore = { ...refusals() };
    for (const [data, mailings] of [
      ['mlu:202612', false],
      ['mlr:202612', true],
    ] as const) {
      await pressOn(ann, undefined, data);
      expect((await env.em().findOneOrFail(User, { telegramId: ann.user.id })).mailings).toBe(mailings);
    }
    expect(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text).toBe('Mailings are on again.');
    expect(refusals()).toEqual(refusedBefore);
    expect(newErrors()).toEqual([]);
    expect(apologies(ann)).toEqual([]);
  });

  it('a link consent pressed on a message the bot can no longer see answers below, without a refused edit', async () => {
    const ann = await fresh('en');
    const refusedBefore = { ...refusals() };
    const before = env.telegram.chat(ann.chatId).length;
    await pressOn(ann, undefined, 'lnk:ffffffe9-fff9-8fff-a35b-cae700000009:y');
    expect(env.telegram.chat(ann.chatId).length).toBe(before + 1);
    expect(refusals()).toEqual(refusedBefore);
    expect(newErrors()).toEqual([]);
    expect(apologies(ann)).toEqual([]);
  });

  it('a reminder’s ✅ Done pressed on a message the bot can no longer see: done, with its toast, no edit tried', async () => {
    const ann = await fresh('en');
    const [id = ''] = await seedTasks(env, await userOf(env, ann), ['Unseen reminder']);
    const refusedBefore = { ...refusals() };
    await pressOn(ann, undefined, reminderCallback(id, 'd'));
    expect((await env.em().findOneOrFail(Task, { id })).status).toBe('done');
    expect(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text).toBeTruthy();
    expect(refusals()).toEqual(refusedBefore);
    expect(newErrors()).toEqual([]);
    expect(apologies(ann)).toEqual([]);
  });

  it('buttons carrying an id past PostgreSQL’s bigint change nothing and crash nothing', async () => {
    const ann = await fresh('en');
    const mine = () => env.telegram.chat(ann.chatId);
    const big = '9999999999999999999';
    for (const data of [
      `rm:${big}:d`,
      `tn:${big}:a`,
      `pm:reply:${big}`,
      `reg:${big}:yes`,
      `mlu:${big}`,
      `mlr:${big}`,
    ]) {
      await pressOn(ann, mine()[mine().length - 1], data);
      expect(newErrors(), data).toEqual([]);
    }
    expect(apologies(ann)).toEqual([]);
  });

  it('a dialog’s button pressed on a message the bot can no longer see: the dialog goes on, no edit of that message tried', async () => {
    const ann = await fresh('en');
    await ann.sendCommand('newtask');
    await ann.sendText('Picked unseen');
    await ann.click('⏭ Skip');
    const picker = env.telegram.chat(ann.chatId).at(-1) as ChatMessage;
    const pick = picker.reply_markup?.inline_keyboard?.flat().find((b) => b.callback_data?.startsWith('dlg:'));
    expect(pick?.callback_data).toBeDefined();
    const refusedBefore = { ...refusals() };
    const answers = env.telegram.callsOf('answerCallbackQuery').length;
    await pressOn(ann, undefined, pick?.callback_data as string);
    // Taken by the dialog (answered), and whatever it shows next is not an edit of the unseen message.
    expect(env.telegram.callsOf('answerCallbackQuery').length).toBe(answers + 1);
    expect(refusals()).toEqual(refusedBefore);
    expect(newErrors()).toEqual([]);
    expect(apologies(ann)).toEqual([]);
  });

  it('a private message with NUL or broken Unicode is refused with a hint, not stored', async () => {
    const sender = await fresh('en');
    await fresh('en', 'fuzz_recipient');
    for (const text of ['a\u0000b', 'x\ud800y']) {
      await sender.sendCommand('pm', `fuzz_recipient ${text}`);
      expect(sender.lastReply()).toContain('cannot be sent (NUL or broken Unicode)');
    }
    // Nothing of the sender's is stored (the random fuzz above may store a literal U+FFFD, a valid
    // character, so the check is the sender's messages, not every message with one).
    const stored = await env
      .em()
      .getConnection()
      .execute<Array<{ n: string }>>(
        'select count(*) as n from messages m join users u on u.id = m.from_id where u.telegram_id = ?',
        [sender.user.id],
      );
    expect(Number(stored[0]?.n)).toBe(0);
    expect(newErrors()).toEqual([]);
  });

  it('/find with a NUL finds nothing instead of breaking the query', async () => {
    const ann = await fresh('en');
    await ann.sendCommand('find', 'milk\u0000');
    expect(newErrors()).toEqual([]);
    expect(apologies(ann)).toEqual([]);
  });
});
