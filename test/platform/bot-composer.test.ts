import { Api, Composer, Context, type Middleware } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { BotComposer, sequence } from '../../src/platform/bot/composer.js';
import type { BotContext } from '../../src/platform/bot/context.js';
import { TEST_BOT_INFO } from '../helpers/fake-bot-api.js';

const api = new Api(`${TEST_BOT_INFO.id}:TEST`);
const chat = { id: 7, type: 'private' as const, first_name: 'A' };
const from = { id: 7, is_bot: false as const, first_name: 'A' };

const command = (text: string): Update => ({
  update_id: 1,
  message: {
    message_id: 1,
    date: 0,
    chat,
    from,
    text,
    entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]?.length ?? 0 }],
  },
});
const text = (body: string): Update => ({ update_id: 2, message: { message_id: 2, date: 0, chat, from, text: body } });
const press = (data: string): Update => ({
  update_id: 3,
  callback_query: { id: 'q', chat_instance: '7', from, data },
});

/** The same tree of handlers on either class; what ran, with ctx.match, in order. */
function tree(composer: Composer<BotContext>, log: string[]) {
  composer.command(['start', 'menu'], async (ctx, next) => {
    log.push(`command ${ctx.message?.text} match=${String(ctx.match)}`);
    if (ctx.match === 'more') await next();
  });
  composer.callbackQuery(/^task:(\d+)$/, async (ctx) => {
    log.push(`task ${ctx.match?.[1]}`);
  });
  composer.drop(
    async (ctx) => ctx.message?.text === 'skip',
    async (_ctx, next) => {
      log.push('not skipped');
      await next();
    },
  );
  composer
    .on('message:text')
    .filter((ctx) => ctx.message.text.startsWith('hi'))
    .use(async (ctx) => {
      log.push(`hi ${ctx.message.text}`);
    });
  composer.use(async () => {
    log.push('fallback');
  });
}

async function run(make: () => Composer<BotContext>, updates: Update[]): Promise<string[]> {
  const log: string[] = [];
  const composer = make();
  tree(composer, log);
  for (const update of updates) {
    log.push('—');
    const ctx = new Context(update, api, TEST_BOT_INFO) as unknown as BotContext;
    await composer.middleware()(ctx, async () => {
      log.push('passed on');
    });
  }
  return log;
}

describe('BotComposer (platform/bot/composer.ts)', () => {
  it('routes every update exactly as grammY’s Composer does, ctx.match included', async () => {
    const updates = [
      command('/start'),
      command('/menu more'),
      command(`/start@${TEST_BOT_INFO.username} x`),
      command('/start@other_bot'),
      command('/unknown'),
      text('hi there'),
      text('hello'),
      text('skip'),
      press('task:42'),
      press('task:x'),
    ];
    const grammy = await run(() => new Composer<BotContext>(), updates);
    const ours = await run(() => new BotComposer(), updates);
    expect(ours).toEqual(grammy);
    // And the tree did route (not everything to the fallback).
    expect(ours).toContain('command /menu more match=more');
    expect(ours).toContain('task 42');
    expect(ours).toContain('hi hi there');
  });
});

/** Steps of a pipeline: plain functions and a composer, some ending the chain for some updates. */
function steps(log: string[]): Array<Middleware<BotContext>> {
  const commands = new BotComposer();
  commands.command('start', async (ctx) => {
    log.push(`start ${String(ctx.match)}`);
  });
  return [
    async (_ctx, next) => {
      log.push('first before');
      await next();
      log.push('first after');
    },
    (ctx, next) => {
      log.push('sync step');
      return ctx.callbackQuery?.data === 'stop' ? undefined : next();
    },
    commands,
    async (ctx, next) => {
      log.push(`last ${ctx.message?.text ?? ctx.callbackQuery?.data}`);
      await next();
    },
  ];
}

async function runSteps(
  handle: (ctx: BotContext, next: () => Promise<void>) => Promise<unknown> | unknown,
  log: string[],
  updates: Update[],
) {
  for (const update of updates) {
    log.push('—');
    const ctx = new Context(update, api, TEST_BOT_INFO) as unknown as BotContext;
    await handle(ctx, async () => {
      log.push('passed on');
    });
  }
  return log;
}

describe('sequence (platform/bot/composer.ts)', () => {
  const updates = [command('/start x'), text('hello'), press('stop'), press('go')];

  it('runs its steps as Composer runs the same steps given to use() one by one', async () => {
    const grammyLog: string[] = [];
    const composer = new Composer<BotContext>();
    for (const step of steps(grammyLog)) composer.use(step);
    await runSteps(composer.middleware(), grammyLog, updates);

    const ownLog: string[] = [];
    await runSteps(sequence(steps(ownLog)), ownLog, updates);
    expect(ownLog).toEqual(grammyLog);
    // The chain did branch: a command handled, a stop, and updates passed on to the caller's next.
    expect(ownLog).toContain('start x');
    expect(ownLog.filter((line) => line === 'passed on')).toHaveLength(2);
  });

  it('a composer among the steps runs what is added to it after the sequence was built', async () => {
    const log: string[] = [];
    const late = new BotComposer();
    const run = sequence([late]);
    late.command('start', async () => {
      log.push('added later');
    });
    await runSteps(run, log, [command('/start')]);
    expect(log).toEqual(['—', 'added later']);
  });

  it('a step that throws rejects the sequence with its error; calling next twice is refused', async () => {
    const failing = sequence([
      async (_ctx, next) => next(),
      () => {
        throw new Error('step failed');
      },
    ]);
    const ctx = new Context(text('x'), api, TEST_BOT_INFO) as unknown as BotContext;
    await expect(failing(ctx, async () => undefined)).rejects.toThrow('step failed');

    const callsNextTwice: Middleware<BotContext> = async (_ctx, next) => {
      await next();
      await next();
    };
    const passes: Middleware<BotContext> = (_ctx, next) => next();
    await expect(sequence([callsNextTwice, passes])(ctx, async () => undefined)).rejects.toThrow(
      '`next` already called before!',
    );
    const grammyTwice = new Composer<BotContext>(callsNextTwice, passes);
    await expect(grammyTwice.middleware()(ctx, async () => undefined)).rejects.toThrow('`next` already called before!');
  });
});
