import { createRoute, z } from '@hono/zod-openapi';
import { isRowId } from '../../../platform/db/row-id.js';
import { BEARER_AUTH, ErrorSchema, errorResponses, UNEXPECTED_ERROR } from '../../../platform/http/openapi.js';
import { pageLimitQuery } from '../../../platform/http/pagination.js';
import { REQUIRED_SCOPE } from '../../../platform/http/scopes.js';
import { CHAT_TEXT_MAX, INBOX_SIZE, PM_LIMIT } from '../chat.js';
import { PMS_IN_FULL } from '../delivery.js';
import { ECHO_LIMIT, MESSAGE_TEXT_MAX } from '../messages.js';
import { CLOSE_CODES, FRAME_RATE, MAX_FRAME_BYTES, MAX_SOCKETS_PER_USER } from '../ws/limits.js';

const Party = z
  .object({ id: z.string(), username: z.string().nullable(), firstName: z.string().nullable() })
  .openapi('MessageParty');

const Media = z
  .object({
    type: z.enum(['photo', 'document', 'voice', 'video', 'sticker']),
    fileName: z.string().optional(),
    mimeType: z.string().optional(),
  })
  .openapi('MessageMedia', {
    description: 'A photo, document, voice message, video or sticker sent in Telegram (relayed with its caption)',
    example: { type: 'document', fileName: 'plan.pdf', mimeType: 'application/pdf' },
  });

export const MessageSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['echo', 'pm', 'room']),
    from: Party,
    to: Party.optional(),
    text: z.string().openapi({ description: "The text, or a media message's caption ('' when it has none)" }),
    media: Media.optional(),
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

/** A Gramdesk or Telegram username, any case, with or without "@". */
const Handle = z.string().trim().min(1, { message: 'Must not be empty' }).max(64, { message: 'Not a username' });

export const PostMessageBody = z
  .strictObject({
    text: z
      .string()
      .refine((v) => v.trim().length > 0, { message: 'Must not be empty' })
      .refine((v) => v.length <= MESSAGE_TEXT_MAX, { message: `At most ${MESSAGE_TEXT_MAX} characters` })
      .openapi({ example: 'Hello from curl' }),
    to: Handle.optional().openapi({
      description: `Recipient's username (Gramdesk or Telegram, any case, "@" optional): a private message of at most ${CHAT_TEXT_MAX} characters`,
      example: 'bob_smith',
    }),
  })
  .openapi('PostMessageRequest');

export const ListQuery = z.strictObject({
  with: Handle.optional().openapi({
    description: 'A username: the private conversation with that user instead of your own messages',
    example: 'bob_smith',
  }),
  limit: pageLimitQuery,
  // A message id; one past PostgreSQL's bigint would fail the query (a 500) instead of being refused.
  // The pattern is what the OpenAPI document shows; a string it refuses is not checked again.
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, { message: 'Not a cursor returned by this endpoint', abort: true })
    .refine(isRowId, { message: 'Not a cursor returned by this endpoint' })
    .optional(),
});

export const MessagePage = z
  .object({ items: z.array(MessageSchema), nextCursor: z.string().nullable() })
  .openapi('MessagePage');

const TAGS = ['Messages'];
const security = [{ [BEARER_AUTH]: [] }];

const WS_DESCRIPTION = [
  'WebSocket for live private and room messages (same server and port as the API).',
  '',
  '**Auth** before the upgrade: `Authorization: Bearer <access token>` or `?token=<access token>`',
  '(browsers cannot set headers). A missing, invalid or expired token is answered `401` and no socket',
  'is opened; a banned account `403`; a plain GET without `Upgrade: websocket` `426`. The socket is',
  `closed with ${CLOSE_CODES.tokenExpired} when the access token expires (reconnect with a fresh one).`,
  '',
  `**On connect** the server sends the last ${INBOX_SIZE} private messages you received, newest first,`,
  'then live frames. Every frame is a JSON text frame.',
  '',
  '**Client frames** (`ref`, optional, ≤ 64 characters, is echoed in the answer; any `from` is',
  "ignored — the sender is always the token's user):",
  '- `{"type":"pm","to":"<username>","text":"…"}` — a private message (same rules as POST /messages with `to`).',
  '- `{"type":"room","text":"…"}` — a message to the common room; joins the room first if needed.',
  '- `{"type":"join"}` / `{"type":"leave"}` — enter (you get the latest room messages, oldest first,',
  '  then `{"type":"joined"}`) or leave (`{"type":"left"}`) the room. Room membership is per user and',
  "  shared with the bot's room mode; while you have no socket open, room messages reach your Telegram.",
  '',
  '**Server frames**:',
  '- `{"type":"pm","id","from","to","text","sentAt"}` — a private message to you, or one you sent',
  '  (the socket that sent it gets it back with its `ref` as the acknowledgement; your other sockets get it too).',
  '- `{"type":"room","id","from","text","sentAt"}` — a room message.',
  '- `{"type":"error","code","message","details"?,"ref"?}` — a refused frame; the connection stays open.',
  '  Codes: `invalid_json`, `invalid_frame` (details: `[{path, message}]`), `unknown_type`,',
  '  `binary_not_supported`, `text_empty`, `text_too_long`, `text_invalid` (NUL or unpaired surrogates),',
  '  `user_not_found`, `cannot_message_self`, `recipient_unreachable` (details.reason `blocked`: they blocked',
  '  you; `bot_blocked`: they blocked the bot and have no account),',
  `  \`rate_limited\` (details.retryAfter seconds; PMs ${PM_LIMIT.count}/min, room 20/min, frames`,
  `  ${FRAME_RATE.count} per ${FRAME_RATE.windowSeconds} s per user across all sockets — the frame is dropped),`,
  '  `forbidden` (then closed), `service_unavailable` (details.retryAfter seconds: the database or Redis is',
  '  unreachable for a while and nothing was done; send the frame again later), `internal_error`.',
  '',
  `**Limits**: a frame is at most ${MAX_FRAME_BYTES} bytes; a bigger one is not read at all and the socket is`,
  `closed with ${CLOSE_CODES.tooLarge}. At most ${MAX_SOCKETS_PER_USER} sockets per user: opening one more closes`,
  `your oldest with ${CLOSE_CODES.replaced}. When the account is banned or deleted its sockets are closed`,
  `with ${CLOSE_CODES.forbidden}. The server pings every 10 s and drops a socket that does not answer; you count`,
  `as online only while a socket is open. A socket that opens while the database or Redis is unreachable is`,
  `closed with ${CLOSE_CODES.tryAgainLater}: reconnect a few seconds later.`,
].join('\n');

/** The WebSocket's path: a route of this router, served by the gateway of ../ws. */
export const WS_PATH = '/ws';

/** POST /messages (SPEC §3.5): the echo of seed 000, or a private message. */
export const sendMessage = createRoute({
  method: 'post',
  path: '/messages',
  operationId: 'sendMessage',
  tags: TAGS,
  security,
  [REQUIRED_SCOPE]: 'messages:write' as const,
  summary: 'Send a message (echo or private message)',
  description:
    'Without `to`: the echo. The message is stored and comes back to your own Telegram as ' +
    '"{firstName}, I got a message from you:\\n{text}" (in your language), split into several ' +
    'messages beyond 4096 characters. Needs a linked Telegram (409 telegram_not_linked otherwise; ' +
    `nothing is stored then). 429 rate_limited with Retry-After over ${ECHO_LIMIT.count} echoes per ` +
    'minute (nothing is stored then).\n\n' +
    "With `to`: a private message from you (always the token's user) to that user, stored and " +
    'delivered over the WebSocket if the recipient has one open (GET /ws), otherwise in their ' +
    `Telegram with a Reply button (beyond ${PMS_IN_FULL} PMs to one recipient within a minute, the rest ` +
    'become one "N new messages" notice per recipient per minute). 404 user_not_found; ' +
    '409 recipient_unreachable, nothing stored, with `details.reason` "blocked" (they blocked you: ' +
    'PUT /users/{username}/block) or "bot_blocked" (they blocked the bot and have no account to read it ' +
    'over HTTP); ' +
    `422 cannot_message_self, text_empty, text_too_long (over ${CHAT_TEXT_MAX} ` +
    `characters); 429 rate_limited (over ${PM_LIMIT.count} per minute) with Retry-After.`,
  request: { body: { required: true, content: { 'application/json': { schema: PostMessageBody } } } },
  responses: {
    201: {
      description: 'Stored; the echo is on its way',
      content: { 'application/json': { schema: MessageSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});

/** GET /messages: the author's own history, or a private conversation. */
export const listMessages = createRoute({
  method: 'get',
  path: '/messages',
  operationId: 'listMessages',
  tags: TAGS,
  security,
  [REQUIRED_SCOPE]: 'messages:read' as const,
  summary: 'Your messages, or a conversation, newest first',
  description:
    'Without `with`: the messages you sent (echoes, private and room messages). With `with`: the ' +
    'private messages between you and that user, both directions, newest first ' +
    '(404 user_not_found for an unknown username). Pages follow `nextCursor`.',
  request: { query: ListQuery },
  responses: {
    200: { description: 'A page of messages', content: { 'application/json': { schema: MessagePage } } },
    ...errorResponses(401, 403, 404, 422),
  },
});

/**
 * GET /ws: the upgrade to a WebSocket. The route authenticates (the API's shared `authenticate`,
 * which takes `?token=` here only) and checks the Upgrade header; ../ws/gateway.ts owns the socket.
 */
export const openChatSocket = createRoute({
  method: 'get',
  path: WS_PATH,
  operationId: 'openChatSocket',
  tags: TAGS,
  security,
  summary: 'WebSocket: live private and room messages',
  description: WS_DESCRIPTION,
  request: {
    query: z.object({
      token: z.string().optional().openapi({ description: 'Access token, for clients that cannot set headers' }),
    }),
  },
  responses: {
    101: { description: 'Switching protocols: the socket is open' },
    ...errorResponses(426),
    // A refused upgrade is answered by the WebSocket server of @hono/node-server, which writes the
    // status and headers (WWW-Authenticate) but no body; a plain GET gets the error body.
    401: {
      description:
        'Missing or invalid token (WWW-Authenticate says why). A refused WebSocket handshake carries no body; ' +
        'the same request without Upgrade gets the error body',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    403: {
      description:
        'Not allowed (e.g. a banned user). A refused WebSocket handshake carries no body; the same ' +
        'request without Upgrade gets the error body',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    ...UNEXPECTED_ERROR,
  },
});
