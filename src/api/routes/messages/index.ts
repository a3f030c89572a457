import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  createEcho,
  listOwnMessages,
  MESSAGE_TEXT_MAX,
  type MessageView,
  toMessageView,
} from '../../../domain/messages.js';
import { Notifications } from '../../../jobs/notifications.js';
import type { Services } from '../../../services.js';
import type { ApiEnv } from '../../context.js';
import { authenticate, requireScope } from '../../middlewares/auth.js';
import { BEARER_AUTH, errorResponses } from '../../openapi.js';

const Party = z
  .object({ id: z.string(), username: z.string().nullable(), firstName: z.string().nullable() })
  .openapi('MessageParty');

export const MessageSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['echo', 'pm', 'room']),
    from: Party,
    to: Party.optional(),
    text: z.string(),
    sentAt: z.iso.datetime(),
  })
  .openapi('Message', {
    example: {
      id: '42',
      kind: 'echo',
      from: { id: '7', username: 'ann_lee', firstName: 'Ann' },
      text: 'Hello from curl',
      sentAt: '2026-11-22T12:00:00.000Z',
    },
  });

const PostMessageBody = z
  .strictObject({
    text: z
      .string()
      .refine((v) => v.trim().length > 0, { message: 'Must not be empty' })
      .refine((v) => v.length <= MESSAGE_TEXT_MAX, { message: `At most ${MESSAGE_TEXT_MAX} characters` })
      .openapi({ example: 'Hello from curl' }),
  })
  .openapi('PostMessageRequest');

const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, { message: 'Not a cursor returned by this endpoint' })
    .optional(),
});

const MessagePage = z
  .object({ items: z.array(MessageSchema), nextCursor: z.string().nullable() })
  .openapi('MessagePage');

export const toMessageDto = (m: MessageView) => ({ ...m, sentAt: m.sentAt.toISOString() });

const TAGS = ['Messages'];
const security = [{ [BEARER_AUTH]: [] }];

/** /messages (SPEC §3.5): the echo of seed 000 and the author's own history. */
export function registerMessagesRoutes(services: Services) {
  const notifications = new Notifications(services);
  return (app: OpenAPIHono<ApiEnv>) => {
    app.openapi(
      createRoute({
        method: 'post',
        path: '/messages',
        tags: TAGS,
        security,
        middleware: [authenticate(services), requireScope('messages:write')] as const,
        summary: 'Send a message',
        description:
          'Without `to`: the echo. The message is stored and comes back to your own Telegram as ' +
          '"{firstName}, I got a message from you:\\n{text}" (in your language), split into several ' +
          'messages beyond 4096 characters. Needs a linked Telegram (409 telegram_not_linked otherwise; ' +
          'nothing is stored then).',
        request: { body: { required: true, content: { 'application/json': { schema: PostMessageBody } } } },
        responses: {
          201: {
            description: 'Stored; the echo is on its way',
            content: { 'application/json': { schema: MessageSchema } },
          },
          ...errorResponses(400, 401, 403, 409, 413, 415, 422),
        },
      }),
      async (c) => {
        const { text } = c.req.valid('json');
        const message = await createEcho(c.var.em, c.var.principal.user, text);
        await notifications.echo(message.id);
        return c.json(toMessageDto(toMessageView(message)), 201);
      },
    );
    app.openapi(
      createRoute({
        method: 'get',
        path: '/messages',
        tags: TAGS,
        security,
        middleware: [authenticate(services), requireScope('messages:read')] as const,
        summary: 'Your messages, newest first',
        request: { query: ListQuery },
        responses: {
          200: { description: 'A page of messages', content: { 'application/json': { schema: MessagePage } } },
          ...errorResponses(401, 403, 422),
        },
      }),
      async (c) => {
        const { limit, cursor } = c.req.valid('query');
        const page = await listOwnMessages(c.var.em, c.var.principal.user, limit, cursor);
        return c.json({ items: page.items.map(toMessageDto), nextCursor: page.nextCursor }, 200);
      },
    );
  };
}
