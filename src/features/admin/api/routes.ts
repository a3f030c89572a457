import { createRoute, z } from '@hono/zod-openapi';
import { BEARER_AUTH, errorResponses } from '../../../platform/http/openapi.js';
import { LANGUAGES } from '../../../platform/i18n/languages.js';
import { TASK_TAG_MAX, TASK_TAGS_MAX } from '../../tasks/index.js';
import { ROLES, USER_STATUSES } from '../../users/index.js';

/**
 * SPEC §3.6, the admin part: the user list with admin-visible fields and the one change route
 * (tags, role, ban). Admins only: anyone else gets 403 `forbidden`. Types and shapes only;
 * authentication and the admin check are attached in index.ts.
 */

const tags = ['Admin'];
const security = [{ [BEARER_AUTH]: [] }];

export const ADMIN_PAGE_DEFAULT = 20;
export const ADMIN_PAGE_MAX = 100;

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const datetime = z.iso.datetime().openapi({ description: 'ISO 8601, UTC', example: '2026-03-01T09:30:00.000Z' });

export const AdminUserSchema = z
  .object({
    id: z.string().openapi({ example: '42' }),
    telegramId: z.number().int().nullable().openapi({ example: 123456789 }),
    telegramUsername: z.string().nullable().openapi({ example: 'ann_tg' }),
    username: z.string().nullable().openapi({ example: 'ann_lee' }),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    telegramFirstName: z.string().nullable(),
    telegramLastName: z.string().nullable(),
    displayName: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable().openapi({ example: '+79161234567' }),
    operatorCode: z.string().nullable().openapi({ example: '916' }),
    language: z.enum(LANGUAGES),
    timezone: z.string().openapi({ example: 'Europe/Moscow' }),
    tags: z.array(z.string()).openapi({ example: ['vip'] }),
    role: z.enum(ROLES),
    status: z.enum(USER_STATUSES),
    botBlocked: z.boolean().openapi({ description: 'Telegram reported that the user blocked the bot' }),
    lastSeenAt: datetime.nullable(),
    createdAt: datetime,
  })
  .openapi('AdminUser');

const AdminUserPageSchema = z
  .object({
    items: z.array(AdminUserSchema),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null at the end' }),
  })
  .openapi('AdminUserPage');

const ListQuery = z.object({
  tag: z.string().min(1).max(TASK_TAG_MAX).optional().openapi({ description: 'Users having this tag', example: 'vip' }),
  operatorCode: z
    .string()
    .regex(/^\d{1,8}$/, 'Must be 1–8 digits')
    .optional()
    .openapi({ description: 'Users whose phone has this operator code', example: '916' }),
  language: z.enum(LANGUAGES).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(ADMIN_PAGE_MAX)
    .default(ADMIN_PAGE_DEFAULT)
    .openapi({ description: `Page size, 1–${ADMIN_PAGE_MAX}`, example: ADMIN_PAGE_DEFAULT }),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'Not a cursor returned by this list')
    .optional()
    .openapi({ description: '`nextCursor` of the previous page' }),
});

export const AdminUserPatchSchema = z
  .strictObject({
    tags: z
      .array(z.string())
      .max(TASK_TAGS_MAX)
      .openapi({
        description: `The full tag list (replaces it); letters, digits, _ and -, up to ${TASK_TAG_MAX} each`,
      }),
    role: z.enum(ROLES),
    banned: z.boolean().openapi({ description: 'true bans (and ends every login), false unbans' }),
  })
  .partial()
  .openapi('AdminUserPatch', { example: { tags: ['vip', 'beta'], banned: false } });

const IdParams = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'User id', example: '42' }),
});

export const listUsers = createRoute({
  method: 'get',
  path: '/admin/users',
  operationId: 'listUsersAsAdmin',
  tags,
  security,
  summary: 'List users (admin)',
  description: 'Admins only. Filters combine with AND; ordered by id.',
  request: { query: ListQuery },
  responses: { 200: json(AdminUserPageSchema, 'A page of users'), ...errorResponses(401, 403, 422) },
});

export const patchUser = createRoute({
  method: 'patch',
  path: '/admin/users/{id}',
  operationId: 'updateUserAsAdmin',
  tags,
  security,
  summary: 'Change a user’s tags, role or ban (admin)',
  description:
    'Admins only. Every change is written to the audit log. Banning revokes the user’s refresh tokens; ' +
    'the user then gets 403 from the API and one "blocked" answer from the bot. ' +
    'An admin cannot change their own role or ban themselves (409).',
  request: {
    params: IdParams,
    body: { required: true, content: { 'application/json': { schema: AdminUserPatchSchema } } },
  },
  responses: {
    200: json(AdminUserSchema, 'The user as changed'),
    ...errorResponses(400, 401, 403, 404, 409, 415, 422),
  },
});
