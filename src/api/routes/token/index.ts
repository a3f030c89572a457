import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createLinkToken, getLinkToken, revokeLinkToken } from '../../../domain/accounts/linking.js';
import type { Services } from '../../../services.js';
import type { ApiEnv } from '../../context.js';
import { authenticate, requireUserToken } from '../../middlewares/auth.js';
import { BEARER_AUTH, errorResponses } from '../../openapi.js';

const LinkTokenSchema = z
  .object({
    token: z.uuid().openapi({ description: 'Send this text to the bot, or open the link' }),
    link: z.url().openapi({ description: 'Opens the bot with the token as the start parameter' }),
    createdAt: z.iso.datetime(),
  })
  .openapi('LinkToken', {
    example: {
      token: '0b4c7f1e-2d7a-4f7e-9d8b-1c2e3f4a5b6c',
      link: 'https://t.me/gramdesk_bot?start=link_0b4c7f1e-2d7a-4f7e-9d8b-1c2e3f4a5b6c',
      createdAt: '2026-11-22T12:00:00.000Z',
    },
  });

const TAGS = ['Telegram link'];
const security = [{ [BEARER_AUTH]: [] }];

/** /token (SPEC §3.3, seed 000): link an HTTP account to a Telegram chat. User tokens only. */
export function registerTokenRoutes(services: Services) {
  const guard = [authenticate(services), requireUserToken] as const;
  const view = async (token: string, createdAt: Date) => ({
    token,
    link: await services.bot.link(`link_${token}`),
    createdAt: createdAt.toISOString(),
  });

  return (app: OpenAPIHono<ApiEnv>) => {
    app.openapi(
      createRoute({
        method: 'post',
        path: '/token',
        tags: TAGS,
        security,
        middleware: [...guard],
        summary: 'Create a link token',
        description:
          'Creates the one-time token that links this account to Telegram: send it to the bot or open `link`. ' +
          'While a token exists, another POST answers 409 token_exists.',
        responses: {
          201: { description: 'Created', content: { 'application/json': { schema: LinkTokenSchema } } },
          ...errorResponses(401, 409),
        },
      }),
      async (c) => {
        const created = await createLinkToken(c.var.em, c.var.principal.user);
        return c.json(await view(created.token, created.createdAt), 201);
      },
    );
    app.openapi(
      createRoute({
        method: 'get',
        path: '/token',
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
        return c.json(await view(token.token, token.createdAt), 200);
      },
    );
    app.openapi(
      createRoute({
        method: 'delete',
        path: '/token',
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
