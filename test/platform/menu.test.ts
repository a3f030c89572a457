import { describe, expect, it } from 'vitest';
import type { BotContext } from '../../src/platform/bot/context.js';
import { ScreenMenu } from '../../src/platform/bot/ui/menu.js';
import { refreshWhenOutdated, type Screen } from '../../src/platform/bot/ui/screen.js';

/** What the menu reads of a context (the pressed callback data) and what its handlers are shown. */
function contextPressing(data: string | undefined, state: { on: boolean } = { on: true }) {
  return {
    callbackQuery: data === undefined ? undefined : { data },
    match: undefined as unknown,
    state,
  } as unknown as BotContext & { state: { on: boolean } };
}

const callbackData = (rows: Awaited<ReturnType<ScreenMenu['keyboard']>>, text: string): string => {
  const button = rows.flat().find((b) => b.text === text);
  if (!button || !('callback_data' in button) || !button.callback_data) throw new Error(`no button ${text}`);
  return button.callback_data;
};

function buildMenus(log: string[]) {
  const outdated = (name: string) => async (ctx: BotContext) => {
    log.push(`${name}: outdated (match ${String(ctx.match)})`);
  };
  const root = new ScreenMenu('root', { onMenuOutdated: outdated('root') });
  const sub = new ScreenMenu('sub', { onMenuOutdated: outdated('sub') });
  root
    .text('Open', async () => {
      log.push('open');
    })
    .text(
      (ctx) => `Toggle: ${(ctx as unknown as { state: { on: boolean } }).state.on ? 'on' : 'off'}`,
      async () => {
        log.push('toggle');
      },
    )
    .row()
    .url('Site', 'https://example.org')
    .dynamic(async (_ctx, range) => {
      await Promise.resolve();
      for (const id of ['7', '8']) {
        range.row().text({ text: `Item ${id}`, payload: id }, async (c) => {
          log.push(`item ${String(c.match)}`);
        });
      }
    });
  sub.text({ text: 'Next', payload: (ctx) => `p${String(ctx.match ?? '1')}` }, async (ctx, next) => {
    log.push(`sub ${String(ctx.match)}`);
    await next();
  });
  root.register(sub);
  return { root, sub };
}

describe('inline menus (platform/bot/ui/menu.ts)', () => {
  it('leaves no empty row: breaks with nothing between them, or at the end, make none', async () => {
    const menu = new ScreenMenu('gaps', { onMenuOutdated: async () => undefined });
    menu
      .row()
      .text('A', async () => undefined)
      .row()
      .row()
      .dynamic((_ctx, range) => {
        range.row();
      })
      .text('B', async () => undefined)
      .row();
    const rows = await menu.keyboard(contextPressing(undefined));
    expect(rows.map((row) => row.map((b) => b.text))).toEqual([['A'], ['B']]);
    // A press on it still finds its button.
    const log: string[] = [];
    const pressed = new ScreenMenu('gaps', { onMenuOutdated: async () => undefined });
    pressed
      .row()
      .text('A', async () => undefined)
      .row()
      .row()
      .text('B', async () => {
        log.push('B');
      });
    const data = callbackData(await pressed.keyboard(contextPressing(undefined)), 'B');
    await pressed.middleware()(contextPressing(data), async () => undefined);
    expect(log).toEqual(['B']);
  });

  it('lays out rows, dynamic ranges, links and payloads as Telegram takes them', async () => {
    const { root } = buildMenus([]);
    const rows = await root.keyboard(contextPressing(undefined));
    expect(rows.map((row) => row.map((b) => b.text))).toEqual([
      ['Open', 'Toggle: on'],
      ['Site'],
      ['Item 7'],
      ['Item 8'],
    ]);
    expect(rows[1]?.[0]).toEqual({ text: 'Site', url: 'https://example.org' });
    expect(callbackData(rows, 'Open')).toMatch(/^root\/0\/0\/\/h[0-9a-z]+$/);
    expect(callbackData(rows, 'Item 8')).toMatch(/^root\/3\/0\/8\/h[0-9a-z]+$/);
    for (const button of rows.flat())
      if ('callback_data' in button) expect(Buffer.byteLength(button.callback_data ?? '')).toBeLessThanOrEqual(64);
  });

  it('runs the pressed button’s handler with its payload in ctx.match, and nothing else', async () => {
    const log: string[] = [];
    const { root } = buildMenus(log);
    const rows = await root.keyboard(contextPressing(undefined));
    const middleware = root.middleware();
    let passedOn = 0;
    const ctx = contextPressing(callbackData(rows, 'Item 8'));
    await middleware(ctx, async () => {
      passedOn++;
    });
    expect(log).toEqual(['item 8']);
    expect(ctx.match).toBe('8');
    expect(passedOn).toBe(0);
    await middleware(contextPressing(callbackData(rows, 'Open')), async () => undefined);
    expect(log).toEqual(['item 8', 'open']);
  });

  it('routes presses on a registered menu, and a handler’s next() goes on past the menu', async () => {
    const log: string[] = [];
    const { root, sub } = buildMenus(log);
    const rows = await sub.keyboard(contextPressing(undefined));
    expect(callbackData(rows, 'Next')).toMatch(/^sub\/0\/0\/p1\/h/);
    let passedOn = 0;
    await root.middleware()(contextPressing(callbackData(rows, 'Next')), async () => {
      passedOn++;
    });
    expect(log).toEqual(['sub p1']);
    expect(passedOn).toBe(1);
  });

  it('tells an old keyboard apart: a changed label or shape goes to onMenuOutdated, not to the handler', async () => {
    const log: string[] = [];
    const { root } = buildMenus(log);
    const sentWhileOn = await root.keyboard(contextPressing(undefined, { on: true }));
    // The setting changed since that keyboard was sent: its label now reads "off".
    await root.middleware()(
      contextPressing(callbackData(sentWhileOn, 'Toggle: on'), { on: false }),
      async () => undefined,
    );
    expect(log).toEqual(['root: outdated (match undefined)']);
    // The same press while the label still matches acts.
    await root.middleware()(
      contextPressing(callbackData(sentWhileOn, 'Toggle: on'), { on: true }),
      async () => undefined,
    );
    expect(log).toEqual(['root: outdated (match undefined)', 'toggle']);
  });

  it('treats a position out of the keyboard, or a link’s position, as outdated, and never throws', async () => {
    const log: string[] = [];
    const { root } = buildMenus(log);
    const middleware = root.middleware();
    for (const data of ['root/9/0/x/habc', 'root/1/0//habc', 'root/0/5//h1']) {
      await middleware(contextPressing(data), async () => undefined);
    }
    expect(log).toEqual([
      'root: outdated (match x)',
      'root: outdated (match undefined)',
      'root: outdated (match undefined)',
    ]);
  });

  it('passes on callback data that is not a known menu’s, and updates without a callback query', async () => {
    const log: string[] = [];
    const { root } = buildMenus(log);
    const middleware = root.middleware();
    let passedOn = 0;
    const next = async () => {
      passedOn++;
    };
    for (const data of [
      'other/0/0//habc',
      'root/0/0',
      'root/zz/0//habc',
      'root/0/0//xabc',
      'plain',
      '',
      'a/b/c/d/e/f',
    ]) {
      await middleware(contextPressing(data), next);
    }
    await middleware(contextPressing(undefined), next);
    expect(passedOn).toBe(8);
    expect(log).toEqual([]);
  });

  it('refuses, when rendering, a payload with "/" and a menu registered twice', async () => {
    const menu = new ScreenMenu('m', { onMenuOutdated: async () => undefined });
    menu.text({ text: 'Bad', payload: 'a/b' }, async () => undefined);
    await expect(menu.keyboard(contextPressing(undefined))).rejects.toThrow(/cannot contain '\/'/);
    const other = new ScreenMenu('m2', { onMenuOutdated: async () => undefined });
    menu.register(other);
    expect(() => menu.register(new ScreenMenu('m2', { onMenuOutdated: async () => undefined }))).toThrow(
      /already registered/,
    );
  });
});

/** A context whose button in a visible message was pressed; records what is done to that message. */
function pressedContext(edits: unknown[][], fail?: Error) {
  const edit =
    (kind: string) =>
    async (...args: unknown[]) => {
      edits.push([kind, ...args]);
      if (fail) throw fail;
      return true;
    };
  return {
    callbackQuery: { id: '1', data: 'm/0/0//hx', message: { message_id: 7, date: 1, chat: { id: 1 } } },
    update: { update_id: 1 },
    t: (key: string) => `«${key}»`,
    answerCallbackQuery: edit('answer'),
    editMessageText: edit('text'),
    editMessageReplyMarkup: edit('markup'),
  } as unknown as BotContext;
}

describe('refreshWhenOutdated (platform/bot/ui/screen.ts)', () => {
  const menu = new ScreenMenu('m', { onMenuOutdated: async () => undefined });
  menu.text(
    (ctx) => ctx.t('label'),
    async () => undefined,
  );
  const screen: Screen = { text: (ctx) => `${ctx.t('title')} now`, menu };

  it('puts the screen’s current text and keyboard in the pressed message, with the toast', async () => {
    const edits: unknown[][] = [];
    await refreshWhenOutdated(() => screen)(pressedContext(edits));
    const keyboard = await menu.keyboard(pressedContext([]));
    expect(edits).toEqual(
      expect.arrayContaining([
        ['answer', { text: '«menu-outdated»' }],
        ['text', '«title» now', { reply_markup: { inline_keyboard: keyboard } }],
      ]),
    );
    expect(edits).toHaveLength(2);
  });

  it('takes "message is not modified" (the message shows the current screen already) as done', async () => {
    const edits: unknown[][] = [];
    const ctx = pressedContext(edits, new Error('Bad Request: message is not modified'));
    // The toast's answer fails the same way here; answerCallback only forgives an expired query.
    (ctx as unknown as { answerCallbackQuery: () => Promise<boolean> }).answerCallbackQuery = async () => true;
    await expect(refreshWhenOutdated(() => screen)(ctx)).resolves.toBeUndefined();
    expect(edits.map(([kind]) => kind)).toEqual(['text']);
  });
});
