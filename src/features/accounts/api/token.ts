import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import { BEARER_AUTH, errorResponses } from '../../../platform/http/openapi.js';
import type { Services } from '../../../platform/services.js';
import { authenticate, requireUserToken } from '../../users/index.js';
import { createLinkToken, getLinkToken, type LinkTokenView, revokeLinkToken } from '../linking.js';

const LinkTokenSchema = z
  .object({
    token: z.uuid().openapi({ description: 'Send this text to the bot, or open the link' }),
    link: z.url().openapi({ description: 'Opens the bot with the token as the start parameter' }),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().openapi({ description: 'The token works once, until this time (15 minutes)' }),
  })
  .openapi('LinkToken', {
    example: {
      token: '0b4c7f1e-2d7a-4f7e-9d8b-1c2e3f4a5b6c',
      link: 'https://t.me/gramdesk_bot?start=link_0b4c7f1e-2d7a-4f7e-9d8b-1c2e3f4a5b6c',
      createdAt: '2026-11-22T12:00:00.000Z',
      expiresAt: '2026-11-22T12:15:00.000Z',
    },
  });

const TAGS = ['Telegram link'];
const security = [{ [BEARER_AUTH]: [] }];

/** /token (SPEC §3.3, seed 000): link an HTTP account to a Telegram chat. User tokens only. */
export function registerTokenRoutes(services: Services) {
  const guard = [authenticate(services), requireUserToken] as const;
  const view = async (token: LinkTokenView) => ({
    token: token.token,
    link: await services.bot.link(`link_${token.token}`),
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
  });

  return (app: OpenAPIHono<ApiEnv>) => {
    app.openapi(
      createRoute({
        method: 'post',
        path: '/token',
        operationId: 'createLinkToken',
        tags: TAGS,
        security,
        middleware: [...guard],
        summary: 'Create a link token',
        description:
          'Creates the one-time token that links this account to Telegram: send it to the bot or open `link`; ' +
          'the Telegram user then sees who is asking and what the account would get, and only their Confirm ' +
          'attaches it (Decline burns the token). It works once and expires after 15 minutes (`expiresAt`). ' +
          'While a live token exists, another POST answers 409 token_exists.',
        responses: {
          201: { description: 'Created', content: { 'application/json': { schema: LinkTokenSchema } } },
          ...errorResponses(401, 409),
        },
      }),
      async (c) => {
        const created = await createLinkToken(c.var.em, c.var.principal.user);
        return c.json(await view(created), 201);
      },
    );
    app.openapi(
      createRoute({
        method: 'get',
        path: '/token',
        operationId: 'getLinkToken',
        tags: TAGS,
        security,
        middleware: [...guard],
        summary: 'Show the link token',
        responses: {
          200: { description: 'The token', content: { 'application/json': { schema: LinkTokenSchema } } },
          ...errorResponses(401, 404),
        },
      }),
      async (c) => {
        const token = await getLinkToken(c.var.em, c.var.principal.user);
        return c.json(await view(token), 200);
      },
    );
    app.openapi(
      createRoute({
        method: 'delete',
        path: '/token',
        operationId: 'revokeLinkToken',
        tags: TAGS,
        security,
        middleware: [...guard],
        summary: 'Revoke the link token',
        responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 404) },
      }),
      async (c) => {
        await revokeLinkToken(c.var.em, c.var.principal.user);
        return c.body(null, 204);
      },
    );
  };
}
