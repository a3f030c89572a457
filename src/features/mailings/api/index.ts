import type { OpenAPIHono, RouteHandler } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import { asValidation } from '../../../platform/http/validation.js';
import type { Services } from '../../../platform/services.js';
import { authenticate, scoped } from '../../users/index.js';
import * as mailings from '../mailings.js';
import * as routes from './routes.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function toDto(v: mailings.MailingView) {
  return {
    id: v.id,
    text: v.text,
    filter: v.filter,
    startAt: new Date(v.startAt).toISOString(),
    endAt: new Date(v.endAt).toISOString(),
    window: v.window,
    status: v.status,
    recipientCount: v.recipientCount,
    counts: v.counts,
    createdAt: new Date(v.createdAt).toISOString(),
  };
}

const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));

/**
 * SPEC §3.6: mailings over the same domain use cases as the bot's admin screens. Admin only: a
 * service token needs the scope mailings:admin (by name, not through "*") and an admin `sub`.
 */
export function registerMailingsRoutes(services: Services): (app: OpenAPIHono<ApiEnv>) => void {
  return (app) => {
    const auth = authenticate(services);
    const guarded = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'mailings:admin');
    type H<R extends keyof typeof routes> = (typeof routes)[R] extends Parameters<typeof app.openapi>[0]
      ? RouteHandler<(typeof routes)[R], ApiEnv>
      : never;

    const list: H<'listMailings'> = async (c) => {
      const page = await mailings.listMailings(c.var.em, c.req.valid('query'));
      return c.json({ items: page.items.map(toDto), nextCursor: page.nextCursor }, 200);
    };
    const stats: H<'mailingStats'> = async (c) => {
      const s = await mailings.mailingStats(c.var.em);
      return c.json(
        {
          mailings: s.mailings,
          deliveries: s.deliveries,
          items: s.items.map((i) => ({ ...i, startAt: new Date(i.startAt).toISOString() })),
        },
        200,
      );
    };
    const create: H<'createMailing'> = async (c) => {
      const body = c.req.valid('json');
      const m = await asValidation(() =>
        mailings.createMailing(c.var.em, c.var.principal.user, {
          text: body.text,
          filter: body.filter,
          startAt: date(body.startAt) ?? null,
          endAt: new Date(body.endAt),
          window: body.window ?? null,
        }),
      );
      return c.json(toDto(await mailings.getMailingView(c.var.em, m.id)), 201);
    };
    const get: H<'getMailing'> = async (c) =>
      c.json(toDto(await mailings.getMailingView(c.var.em, c.req.valid('param').id)), 200);
    const update: H<'updateMailing'> = async (c) => {
      const body = c.req.valid('json');
      const m = await asValidation(() =>
        mailings.updateMailing(c.var.em, c.var.principal.user, c.req.valid('param').id, {
          ...(body.text !== undefined ? { text: body.text } : {}),
          ...(body.filter !== undefined ? { filter: body.filter } : {}),
          ...(body.startAt !== undefined ? { startAt: new Date(body.startAt) } : {}),
          ...(body.endAt !== undefined ? { endAt: new Date(body.endAt) } : {}),
          ...(body.window !== undefined ? { window: body.window } : {}),
        }),
      );
      return c.json(toDto(await mailings.getMailingView(c.var.em, m.id)), 200);
    };
    const remove: H<'deleteMailing'> = async (c) => {
      await mailings.deleteMailing(c.var.em, c.var.principal.user, c.req.valid('param').id);
      return c.body(null, 204);
    };
    const cancel: H<'cancelMailing'> = async (c) =>
      c.json(toDto(await mailings.cancelMailing(c.var.em, c.var.principal.user, c.req.valid('param').id)), 200);
    const deliveries: H<'listDeliveries'> = async (c) => {
      const page = await mailings.listDeliveries(c.var.em, c.req.valid('param').id, c.req.valid('query'));
      return c.json(
        {
          items: page.items.map((d) => ({
            ...d,
            sentAt: iso(d.sentAt),
            updatedAt: new Date(d.updatedAt).toISOString(),
          })),
          nextCursor: page.nextCursor,
        },
        200,
      );
    };

    // /mailings/stats before /mailings/{id}.
    app.openapi(guarded(routes.mailingStats), stats);
    app.openapi(guarded(routes.listMailings), list);
    app.openapi(guarded(routes.createMailing), create);
    app.openapi(guarded(routes.getMailing), get);
    app.openapi(guarded(routes.updateMailing), update);
    app.openapi(guarded(routes.deleteMailing), remove);
    app.openapi(guarded(routes.cancelMailing), cancel);
    app.openapi(guarded(routes.listDeliveries), deliveries);
  };
}
