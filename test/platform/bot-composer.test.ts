import { Api, Composer, Context } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { BotComposer } from '../../src/platform/bot/composer.js';
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
