import { createRoute, z } from '@hono/zod-openapi';
import { BEARER_AUTH, errorResponses } from '../../../platform/http/openapi.js';
import { pageLimitQuery } from '../../../platform/http/pagination.js';
import {
  BUTTON_ROWS_MAX,
  BUTTON_TEXT_MAX,
  BUTTON_URL_MAX,
  BUTTONS_PER_ROW_MAX,
  MAILING_CAPTION_MAX,
  MAILING_TEXT_MAX,
  MEDIA_URL_MAX,
} from '../content.js';
import { DELIVERY_STATUSES, MAILING_STATUSES, MEDIA_TYPES } from '../mailing.entities.js';

/** SPEC §3.6. Admin only: every route answers 401 without a token and 403 `forbidden` for non-admins. */

const tags = ['Mailings'];
const security = [{ [BEARER_AUTH]: [] }];
const time = (description: string) =>
  z.iso.datetime({ offset: true }).openapi({ description: `${description}; ISO 8601` });
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

const FilterSchema = z
  .strictObject({
    tags: z.array(z.string().max(64)).max(50).optional(),
    operatorCodes: z.array(z.string().max(16)).max(50).optional(),
    languages: z.array(z.string().max(8)).max(50).optional(),
  })
  .openapi('MailingFilter', {
    description:
      'Each list is "any of"; lists combine with AND; empty or missing = everyone (started the bot, not blocked, not banned)',
    example: { tags: ['vip'], languages: ['ru'] },
  });
const WindowSchema = z.strictObject({ from: z.string().max(5), to: z.string().max(5) }).openapi('MailingWindow', {
  description: 'Local sending window HH:MM–HH:MM in each recipient’s time zone (may wrap midnight)',
  example: { from: '09:00', to: '21:00' },
});
const CountsSchema = z
  .object(
    Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, z.number().int()])) as Record<
      (typeof DELIVERY_STATUSES)[number],
      z.ZodNumber
    >,
  )
  .openapi('DeliveryCounts');

const MediaSchema = z
  .strictObject({
    type: z.enum(MEDIA_TYPES),
    url: z
      .string()
      .max(MEDIA_URL_MAX * 2)
      .optional()
      .openapi({ description: `http(s), ≤ ${MEDIA_URL_MAX} characters` }),
    fileId: z.string().max(256).optional().openapi({ description: 'A Telegram file id' }),
  })
  .openapi('MailingMedia', {
    description: 'A photo, video, animation (GIF) or document: exactly one of url and fileId',
    example: { type: 'photo', url: 'https://example.com/sale.jpg' },
  });
const ButtonSchema = z
  .strictObject({
    text: z
      .string()
      .max(BUTTON_TEXT_MAX * 4)
      .openapi({ description: `1–${BUTTON_TEXT_MAX} characters` }),
    url: z
      .string()
      .max(BUTTON_URL_MAX * 4)
      .openapi({ description: `http(s), ≤ ${BUTTON_URL_MAX} characters` }),
  })
  .openapi('MailingButton');
const ButtonsSchema = z
  .array(z.array(ButtonSchema).max(BUTTONS_PER_ROW_MAX * 4))
  .max(BUTTON_ROWS_MAX * 4)
  .openapi({
    description: `URL buttons: up to ${BUTTON_ROWS_MAX} rows of up to ${BUTTONS_PER_ROW_MAX}; a 🔕 Unsubscribe row is always added`,
    example: [[{ text: 'Open the shop', url: 'https://example.com/shop' }]],
  });

const RecallSchema = z
  .object({
    requestedAt: z.string(),
    completedAt: z.string().nullable().openapi({ description: 'When every sent message was deleted or failed' }),
    failed: z.number().int().openapi({
      description: 'Messages Telegram would not delete; each delivery says why (`recallError`, `?recall=failed`)',
    }),
  })
  .openapi('MailingRecall', { description: 'Set once the mailing was recalled (POST /mailings/{id}/recall)' });

export const MailingSchema = z
  .object({
    id: z.string(),
    text: z.string().openapi({ description: 'Telegram HTML (the caption when there is media)' }),
    media: MediaSchema.nullable(),
    buttons: ButtonsSchema.nullable(),
    filter: FilterSchema,
    startAt: z.string(),
    endAt: z.string(),
    window: WindowSchema.nullable(),
    status: z.enum(MAILING_STATUSES),
    recipientCount: z.number().int(),
    counts: CountsSchema,
    unsubscribes: z.number().int().openapi({ description: 'Recipients who pressed 🔕 Unsubscribe under it' }),
    clicks: z.number().int().openapi({
      description:
        'Taps on its URL buttons, counted once per recipient and button (only while PUBLIC_URL is public: the buttons then open PUBLIC_URL/r/<code>)',
    }),
    clicksByButton: z
      .array(z.array(z.number().int()))
      .nullable()
      .openapi({ description: 'The clicks of each button, in the shape of `buttons`', example: [[12, 3]] }),
    recall: RecallSchema.nullable(),
    createdAt: z.string(),
    pausedAt: z.string().nullable(),
  })
  .openapi('Mailing');

const CreateMailingSchema = z
  .strictObject({
    text: z
      .string()
      .max(MAILING_TEXT_MAX * 2)
      .optional()
      .openapi({
        description: `Telegram HTML, tags balanced: ≤ ${MAILING_TEXT_MAX} characters, or the caption (≤ ${MAILING_CAPTION_MAX} visible characters, may be empty) when there is media`,
      }),
    media: MediaSchema.nullable().optional(),
    buttons: ButtonsSchema.nullable().optional(),
    filter: FilterSchema.optional(),
    startAt: time('Start (default: now)').optional(),
    endAt: time('End: nothing is sent after it'),
    window: WindowSchema.nullable().optional(),
  })
  .openapi('CreateMailing');
const UpdateMailingSchema = CreateMailingSchema.partial().openapi('UpdateMailing');

const DeliverySchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    chatId: z.number().int(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    error: z.string().nullable(),
    sentAt: z.string().nullable(),
    telegramMessageId: z.number().int().nullable(),
    recalledAt: z
      .string()
      .nullable()
      .openapi({ description: 'When the recall deleted the message (status `recalled`)' }),
    recallError: z
      .string()
      .nullable()
      .openapi({ description: 'Why the recall could not delete the message (the status stays `sent`)' }),
    updatedAt: z.string(),
  })
  .openapi('Delivery');

const StatsSchema = z
  .object({
    mailings: z.record(z.string(), z.number().int()),
    deliveries: CountsSchema,
    items: z.array(
      z.object({
        id: z.string(),
        status: z.enum(MAILING_STATUSES),
        startAt: z.string(),
        recipientCount: z.number().int(),
        counts: CountsSchema,
      }),
    ),
  })
  .openapi('MailingStats');

const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '3' }) });
const limit = pageLimitQuery;
const cursor = z
  .string()
  .regex(/^\d{1,18}$/, 'Not a cursor returned by this endpoint')
  .optional();

export const listMailings = createRoute({
  method: 'get',
  path: '/mailings',
  operationId: 'listMailings',
  tags,
  security,
  summary: 'Mailings, newest first',
  request: { query: z.strictObject({ status: z.enum(MAILING_STATUSES).optional(), limit, cursor }) },
  responses: {
    200: json(z.object({ items: z.array(MailingSchema), nextCursor: z.string().nullable() }), 'A page'),
    ...errorResponses(401, 403, 422),
  },
});
export const mailingStats = createRoute({
  method: 'get',
  path: '/mailings/stats',
  operationId: 'getMailingStats',
  tags,
  security,
  summary: 'Every mailing with its counts per status, and totals',
  responses: { 200: json(StatsSchema, 'Statistics'), ...errorResponses(401, 403) },
});
export const countAudience = createRoute({
  method: 'post',
  path: '/mailings/audience',
  operationId: 'countMailingAudience',
  tags,
  security,
  summary: 'How many users an audience filter reaches now',
  description:
    'The recipients a mailing with this filter would have if it started now (the admin console and the ' +
    'bot’s audience builder show it while the filter is put together). Reads only; changes nothing.',
  request: { body: jsonBody(z.strictObject({ filter: FilterSchema })) },
  responses: {
    200: json(
      z.object({ count: z.number().int().min(0) }).openapi('AudienceCount', { example: { count: 42 } }),
      'Recipients now',
    ),
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});
export const createMailing = createRoute({
  method: 'post',
  path: '/mailings',
  operationId: 'createMailing',
  tags,
  security,
  summary: 'Create a mailing',
  request: { body: jsonBody(CreateMailingSchema) },
  responses: { 201: json(MailingSchema, 'Created'), ...errorResponses(400, 401, 403, 413, 415, 422) },
});
export const getMailing = createRoute({
  method: 'get',
  path: '/mailings/{id}',
  operationId: 'getMailing',
  tags,
  security,
  summary: 'One mailing with counts per status',
  request: { params: idParam },
  responses: { 200: json(MailingSchema, 'The mailing'), ...errorResponses(401, 403, 404) },
});
export const updateMailing = createRoute({
  method: 'patch',
  path: '/mailings/{id}',
  operationId: 'updateMailing',
  tags,
  security,
  summary: 'Change a mailing before it starts (409 after)',
  request: { params: idParam, body: jsonBody(UpdateMailingSchema) },
  responses: { 200: json(MailingSchema, 'Changed'), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
});
export const deleteMailing = createRoute({
  method: 'delete',
  path: '/mailings/{id}',
  operationId: 'deleteMailing',
  tags,
  security,
  summary: 'Delete a mailing before it starts (409 after)',
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409) },
});
export const cancelMailing = createRoute({
  method: 'post',
  path: '/mailings/{id}/cancel',
  operationId: 'cancelMailing',
  tags,
  security,
  summary: 'Cancel: stops sending within a second; the rest expires as cancelled',
  request: { params: idParam },
  responses: { 200: json(MailingSchema, 'Cancelled'), ...errorResponses(401, 403, 404, 409) },
});
export const listDeliveries = createRoute({
  method: 'get',
  path: '/mailings/{id}/deliveries',
  operationId: 'listMailingDeliveries',
  tags,
  security,
  summary: 'Per-recipient detail of a mailing (Accept: text/csv gives every row as CSV)',
  request: {
    params: idParam,
    query: z.strictObject({
      status: z.enum(DELIVERY_STATUSES).optional(),
      recall: z
        .enum(['failed'])
        .optional()
        .openapi({ description: '`failed`: only the recipients whose message the recall could not delete' }),
      limit,
      cursor,
    }),
  },
  responses: {
    200: {
      description: 'A page (JSON), or every matching row (CSV)',
      content: {
        'application/json': { schema: z.object({ items: z.array(DeliverySchema), nextCursor: z.string().nullable() }) },
        'text/csv': { schema: z.string().openapi({ example: 'id,userId,chatId,status,attempts,error,sentAt\n' }) },
      },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

const transition = (name: 'pause' | 'resume', operationId: string, summary: string) =>
  createRoute({
    method: 'post',
    path: `/mailings/{id}/${name}`,
    operationId,
    tags,
    security,
    summary,
    request: { params: idParam },
    responses: { 200: json(MailingSchema, 'The mailing now'), ...errorResponses(401, 403, 404, 409) },
  });
export const pauseMailing = transition(
  'pause',
  'pauseMailing',
  'Pause a running mailing: every worker stops within a second (409 unless running)',
);
export const resumeMailing = transition(
  'resume',
  'resumeMailing',
  'Resume a paused mailing where it stopped, no duplicates (409 unless paused, or after its end)',
);
export const testMailing = createRoute({
  method: 'post',
  path: '/mailings/{id}/test',
  operationId: 'testMailing',
  tags,
  security,
  summary: "Send the mailing to the calling admin's own Telegram, exactly as recipients get it",
  description:
    'The same message a recipient gets, except that its 🔕 Unsubscribe button only says what it does: ' +
    'pressing it unsubscribes nobody and is not counted on the mailing. Needs a linked Telegram ' +
    '(409 telegram_not_linked); a message Telegram refuses is 422 test_send_failed with its reason.',
  request: { params: idParam },
  responses: {
    200: json(z.object({ messageId: z.number().int() }), 'Sent'),
    ...errorResponses(401, 403, 404, 409, 422),
  },
});
export const recallMailing = createRoute({
  method: 'post',
  path: '/mailings/{id}/recall',
  operationId: 'recallMailing',
  tags,
  security,
  summary: 'Recall: delete the sent messages (within 48 h of the last send), at the mailing rate',
  description: [
    'The workers delete every sent message of the mailing through the same rate limit as sending; a 429',
    'pauses them like sending. Each delivery ends `recalled`, or stays `sent` with `recallError` (e.g.',
    "`400: Bad Request: message can't be deleted`, `403: Forbidden: bot was blocked by the user`); messages",
    'sent 48 hours ago or more are not tried (Telegram no longer allows it). Progress: `counts.recalled` and',
    '`recall` of the mailing. A scheduled, running or paused mailing is cancelled first (nothing more is',
    'sent). 409 `nothing_to_recall` when nothing has been sent, `recall_too_late` when the last message is',
    '48 hours old or more, `mailing_recalled` the second time; nothing is changed then.',
  ].join('\n'),
  request: { params: idParam },
  responses: {
    202: json(MailingSchema, 'Recall started: the mailing now'),
    ...errorResponses(401, 403, 404, 409),
  },
});

export const followClick = createRoute({
  method: 'get',
  path: '/r/{code}',
  operationId: 'followMailingClick',
  tags,
  security: [],
  summary: "A mailing button's tracked link: counts the tap and redirects to the button's URL",
  description: [
    'Public (a recipient opens it from Telegram). The code names the recipient and the button and is',
    "signed with the mailing's own key: the first tap per recipient and button is counted, later ones",
    "only redirect. The target is always that mailing's own button URL; a malformed, unknown or made-up",
    'code answers 404 and redirects nowhere.',
  ].join('\n'),
  request: {
    params: z.object({
      code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '2n9c.0Xq3vB1mK9aZp' }),
    }),
  },
  responses: {
    302: {
      description: "Redirect to the button's URL",
      headers: { Location: { description: 'The button URL', schema: { type: 'string', format: 'uri' } } },
    },
    404: {
      description: 'Not a link of any mailing',
      content: { 'text/html': { schema: z.string() } },
    },
  },
});
