import type { RouteHandler } from '@hono/zod-openapi';
import type { TypedResponse } from 'hono';
import { DomainError } from '../../../platform/errors.js';
import type { ApiEnv } from '../../../platform/http/context.js';
import { ApiError } from '../../../platform/http/errors.js';
import { requestEm, requestLog } from '../../../platform/http/request-scope.js';
import type { Services } from '../../../platform/services.js';
import { isoString } from '../../../platform/time/iso-string.js';
import { findByHandle } from '../../users/index.js';
import { conversationWith, sendPrivateMessage } from '../chat.js';
import { ChatJobs } from '../jobs/delivery.js';
import { createEcho, listOwnMessages, type MessageView, toMessageView } from '../messages.js';
import type { ChatGateway } from '../ws/gateway.js';
import type * as routes from './routes.js';

export const toMessageDto = (m: MessageView) => ({ ...m, sentAt: isoString(m.sentAt) });

/**
 * POST /messages. A 429 rate_limited of the domain carries `retryAfter`; onError sends it as
 * Retry-After.
 */
export function createSendMessageHandler(services: Services): RouteHandler<typeof routes.sendMessage, ApiEnv> {
  const chatJobs = new ChatJobs(services);
  return async (c) => {
    const { text, to } = c.req.valid('json');
    if (to !== undefined) {
      const pm = await sendPrivateMessage(requestEm(c), services, c.var.principal.userId, { handle: to }, text);
      // Stored is what the client is told; delivery problems are ours to log, not a failed send.
      await services.chat.deliverPrivate(pm).catch((err: unknown) => {
        // Redis away: the outage is told once (outages.ts); the delivery sweep sends it later.
        if (!services.outages.noticed(err, { messageId: pm.message.id }))
          requestLog(c).error({ err, messageId: pm.message.id }, 'pm delivery failed');
      });
      return c.json(toMessageDto(pm.message), 201);
    }
    const message = await createEcho(requestEm(c), services, c.var.principal.user, text);
    // Stored is what the client is told: the echo is owed in PostgreSQL, so if Redis cannot take
    // the job now the delivery sweep queues it. A 503 here would make the client send it again.
    await chatJobs.echo(message.id).catch((err: unknown) => {
      if (!services.outages.noticed(err, { messageId: message.id }))
        requestLog(c).error({ err, messageId: message.id }, 'echo not queued; the sweep will');
    });
    return c.json(toMessageDto(toMessageView(message)), 201);
  };
}

export const listMessages: RouteHandler<typeof routes.listMessages, ApiEnv> = async (c) => {
  const { limit, cursor, with: handle } = c.req.valid('query');
  const me = c.var.principal.user;
  let page: Awaited<ReturnType<typeof listOwnMessages>>;
  if (handle !== undefined) {
    const other = await findByHandle(requestEm(c), handle);
    if (!other) throw new DomainError('user_not_found', 'No user with this username');
    page = await conversationWith(requestEm(c), me, other, limit, cursor);
  } else {
    page = await listOwnMessages(requestEm(c), me, limit, cursor);
  }
  return c.json({ items: page.items.map(toMessageDto), nextCursor: page.nextCursor }, 200);
};

/**
 * GET /ws, after the route's authentication: a plain GET is told to upgrade (426), a WebSocket
 * upgrade is handed to this process's gateway. Without a gateway (a process or test that builds
 * the API without sockets) the path answers like an unknown route, as it did before it was one.
 */
export function createOpenSocketHandler(
  gateway: ChatGateway | undefined,
): RouteHandler<typeof routes.openChatSocket, ApiEnv> {
  return async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError(
        426,
        'upgrade_required',
        'GET /ws is a WebSocket endpoint; connect with a WebSocket client',
        undefined,
        { Upgrade: 'websocket' },
      );
    }
    if (!gateway) return c.json({ error: { code: 'not_found', message: `No route for GET ${c.req.path}` } }, 404);
    const { userId, exp } = c.var.principal;
    // The route's authenticate refuses service tokens, so the caller's own token (and its expiry) is here.
    if (exp === undefined) throw new Error('GET /ws was authenticated without an access token expiry');
    const upgraded = await gateway.accept(c, { userId, exp });
    // The 101 Switching Protocols of the upgrade; its body and status are the socket library's.
    return upgraded as TypedResponse<Record<string, never>, 101, string> & Response;
  };
}
