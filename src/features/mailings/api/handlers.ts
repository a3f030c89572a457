import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import { requestEm } from '../../../platform/http/request-scope.js';
import { asValidation } from '../../../platform/http/validation.js';
import type { Services } from '../../../platform/services.js';
import { followClick as follow } from '../clicks.js';
import { entitiesToHtml } from '../content.js';
import { testMailing as sendTest } from '../jobs/test-send.js';
import * as mailings from '../mailings.js';
import type * as routes from './routes.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function toDto(v: mailings.MailingView) {
  return {
    id: v.id,
    // Made in the bot, the text is plain with Telegram's entities: the API speaks HTML.
    text: v.entities ? entitiesToHtml(v.text, v.entities) : v.text,
    media: v.media,
    buttons: v.buttons,
    filter: v.filter,
    startAt: new Date(v.startAt).toISOString(),
    endAt: new Date(v.endAt).toISOString(),
    window: v.window,
    status: v.status,
    recipientCount: v.recipientCount,
    counts: v.counts,
    unsubscribes: v.unsubscribes,
    clicks: v.clicks,
    clicksByButton: v.clicksByButton,
    recall: v.recall
      ? {
          requestedAt: new Date(v.recall.requestedAt).toISOString(),
          completedAt: iso(v.recall.completedAt),
          failed: v.recall.failed,
        }
      : null,
    createdAt: new Date(v.createdAt).toISOString(),
    pausedAt: iso(v.pausedAt),
  };
}

const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));

/** The handler type of one route of ./routes.ts (which also exports schemas). */
type H<R extends keyof typeof routes> = (typeof routes)[R] extends RouteConfig
  ? RouteHandler<(typeof routes)[R], ApiEnv>
  : never;

/** Thin handlers over ../mailings.ts: parse, call the use case, shape the answer. */
export const listMailings: H<'listMailings'> = async (c) => {
  const page = await mailings.listMailings(requestEm(c), c.req.valid('query'));
  return c.json({ items: page.items.map(toDto), nextCursor: page.nextCursor }, 200);
};

export const mailingStats: H<'mailingStats'> = async (c) => {
  const s = await mailings.mailingStats(requestEm(c));
  return c.json(
    {
      mailings: s.mailings,
      deliveries: s.deliveries,
      items: s.items.map((i) => ({ ...i, startAt: new Date(i.startAt).toISOString() })),
    },
    200,
  );
};

export const countAudience: H<'countAudience'> = async (c) => {
  const { filter } = c.req.valid('json');
  const count = await asValidation(() => mailings.countAudience(requestEm(c), filter));
  return c.json({ count }, 200);
};

export const createMailing: H<'createMailing'> = async (c) => {
  const body = c.req.valid('json');
  const m = await asValidation(() =>
    mailings.createMailing(requestEm(c), c.var.principal.user, {
      text: body.text ?? '',
      media: body.media ?? null,
      buttons: body.buttons ?? null,
      filter: body.filter,
      startAt: date(body.startAt) ?? null,
      endAt: new Date(body.endAt),
      window: body.window ?? null,
    }),
  );
  return c.json(toDto(await mailings.getMailingView(requestEm(c), m.id)), 201);
};

export const getMailing: H<'getMailing'> = async (c) =>
  c.json(toDto(await mailings.getMailingView(requestEm(c), c.req.valid('param').id)), 200);

export const updateMailing: H<'updateMailing'> = async (c) => {
  const body = c.req.valid('json');
  const m = await asValidation(() =>
    mailings.updateMailing(requestEm(c), c.var.principal.user, c.req.valid('param').id, {
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.media !== undefined ? { media: body.media } : {}),
      ...(body.buttons !== undefined ? { buttons: body.buttons } : {}),
      ...(body.filter !== undefined ? { filter: body.filter } : {}),
      ...(body.startAt !== undefined ? { startAt: new Date(body.startAt) } : {}),
      ...(body.endAt !== undefined ? { endAt: new Date(body.endAt) } : {}),
      ...(body.window !== undefined ? { window: body.window } : {}),
    }),
  );
  return c.json(toDto(await mailings.getMailingView(requestEm(c), m.id)), 200);
};

export const deleteMailing: H<'deleteMailing'> = async (c) => {
  await mailings.deleteMailing(requestEm(c), c.var.principal.user, c.req.valid('param').id);
  return c.body(null, 204);
};

export const cancelMailing: H<'cancelMailing'> = async (c) =>
  c.json(toDto(await mailings.cancelMailing(requestEm(c), c.var.principal.user, c.req.valid('param').id)), 200);

export const pauseMailing: H<'pauseMailing'> = async (c) =>
  c.json(toDto(await mailings.pauseMailing(requestEm(c), c.var.principal.user, c.req.valid('param').id)), 200);

export const recallMailing: H<'recallMailing'> = async (c) =>
  c.json(toDto(await mailings.recallMailing(requestEm(c), c.var.principal.user, c.req.valid('param').id)), 202);

/** A page for a link that is not one (a browser shows it; no redirect). */
const NOT_A_LINK = `<!doctype html><html><head><meta charset="utf-8"><title>Link not found</title></head>
<body><h1>Link not found</h1><p>This link does not lead anywhere. It may have been mistyped.</p></body></html>`;

export const followClick: H<'followClick'> = async (c) => {
  const target = await follow(requestEm(c), c.req.valid('param').code);
  // The code never travels on to the target as a Referer; every tap asks again (counted once).
  c.header('cache-control', 'no-store');
  c.header('referrer-policy', 'no-referrer');
  if (!target) return c.html(NOT_A_LINK, 404);
  return c.redirect(target, 302);
};

export const resumeMailing: H<'resumeMailing'> = async (c) =>
  c.json(toDto(await mailings.resumeMailing(requestEm(c), c.var.principal.user, c.req.valid('param').id)), 200);

/** POST /mailings/{id}/test: built per router, it needs the bot's Api and the translator. */
export const testMailing =
  (services: Pick<Services, 'telegram' | 'translator'>): H<'testMailing'> =>
  async (c) =>
    c.json(
      await sendTest(
        { api: services.telegram, translator: services.translator },
        requestEm(c),
        c.var.principal.user,
        c.req.valid('param').id,
      ),
      200,
    );

const CSV_COLUMNS = [
  'id',
  'userId',
  'chatId',
  'status',
  'attempts',
  'error',
  'sentAt',
  'telegramMessageId',
  'recallError',
] as const;
const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  // Quoted when needed; a leading =, +, - or @ is defused so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const listDeliveries: H<'listDeliveries'> = async (c) => {
  const query = c.req.valid('query');
  if (/\btext\/csv\b/i.test(c.req.header('accept') ?? '')) {
    const id = c.req.valid('param').id;
    const lines = [CSV_COLUMNS.join(',')];
    let cursor: string | undefined = query.cursor;
    do {
      const page = await mailings.listDeliveries(requestEm(c), id, {
        status: query.status,
        recall: query.recall,
        limit: 1000,
        cursor,
      });
      for (const d of page.items) lines.push(CSV_COLUMNS.map((k) => csvCell(d[k])).join(','));
      cursor = page.nextCursor ?? undefined;
      requestEm(c).clear();
    } while (cursor);
    return c.body(`${lines.join('\n')}\n`, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="mailing-${id}-deliveries.csv"`,
    }) as never;
  }
  const page = await mailings.listDeliveries(requestEm(c), c.req.valid('param').id, query);
  return c.json(
    {
      items: page.items.map((d) => ({
        ...d,
        sentAt: iso(d.sentAt),
        recalledAt: iso(d.recalledAt),
        updatedAt: new Date(d.updatedAt).toISOString(),
      })),
      nextCursor: page.nextCursor,
    },
    200,
  );
};
