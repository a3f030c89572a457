import { createRoute, z } from '@hono/zod-openapi';
import { BEARER_AUTH, errorResponses } from '../../../platform/http/openapi.js';
import { pageLimitQuery } from '../../../platform/http/pagination.js';
import { LANGUAGES } from '../../../platform/i18n/languages.js';
import { TASK_TAG_MAX, TASK_TAGS_MAX } from '../../tasks/index.js';
import { ROLES, USER_STATUSES } from '../../users/index.js';
import { ADMIN_SEARCH_TEXT_MAX } from '../admin.js';

/**
 * SPEC §3.6, the admin part: the user list with admin-visible fields, the one change route (tags,
 * role, ban, phone, operator code, time zone), the audit log and the stats of §2.4. Admins only: anyone else gets 403 `forbidden`. Types and shapes only;
 * authentication and the admin check are attached in index.ts.
 */

const tags = ['Admin'];
const security = [{ [BEARER_AUTH]: [] }];

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
  search: z
    .string()
    .max(ADMIN_SEARCH_TEXT_MAX)
    .optional()
    .openapi({
      description:
        'A prefix of the username, Telegram username or a name (case-insensitive, `@` optional), ' +
        'an exact id or Telegram id, or digits of the phone',
      example: 'ann',
    }),
  limit: pageLimitQuery,
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
    phone: z
      .string()
      .max(64)
      .nullable()
      .openapi({
        description:
          'International format (spaces, dashes and brackets allowed; a Russian 8 prefix is read as +7), stored ' +
          'in E.164; the operator code is derived from it unless `operatorCode` is given. null clears both.',
        example: '+7 916 123-45-67',
      }),
    operatorCode: z.string().max(16).nullable().openapi({
      description: 'Mobile operator code, 1–8 digits (mailing filters match on it); null clears it',
      example: '916',
    }),
    timezone: z.string().max(64).openapi({
      description: 'IANA time zone (any case) or a UTC offset such as UTC+3; stored as the canonical IANA name',
      example: 'Europe/Moscow',
    }),
  })
  .partial()
  .openapi('AdminUserPatch', {
    example: { tags: ['vip', 'beta'], timezone: 'Asia/Yekaterinburg', operatorCode: '916' },
  });

const AuditEntrySchema = z
  .object({
    id: z.string().openapi({ example: '311' }),
    actor: z
      .object({
        id: z.string().openapi({ example: '1' }),
        username: z.string().nullable().openapi({ example: 'root' }),
        firstName: z.string().nullable().openapi({ example: 'Ann' }),
      })
      .nullable()
      .openapi({ description: 'Who did it; null for the system or a removed user' }),
    action: z.string().openapi({
      description:
        'What was done: user.ban, user.unban, user.role, user.tags, user.phone, user.operator_code, ' +
        'user.timezone, account.link, mailing.create, mailing.update, mailing.delete, mailing.cancel, …',
      example: 'user.timezone',
    }),
    target: z.object({
      type: z.string().openapi({ example: 'user' }),
      id: z.string().openapi({ example: '42' }),
    }),
    details: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({
        description: 'What changed, e.g. {before, after}',
        example: { before: 'UTC', after: 'Europe/Moscow' },
      }),
    createdAt: datetime,
  })
  .openapi('AuditEntry');

const AuditPageSchema = z
  .object({
    items: z.array(AuditEntrySchema),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null at the end' }),
  })
  .openapi('AuditPage');

const AuditQuery = z.strictObject({
  limit: pageLimitQuery,
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'Not a cursor returned by this list')
    .optional()
    .openapi({ description: '`nextCursor` of the previous page' }),
});

const count = z.number().int().min(0);
const AdminStatsSchema = z
  .object({
    users: z.object({
      total: count.openapi({ example: 1200 }),
      active7d: count.openapi({ description: 'Seen in the last 7 days', example: 340 }),
      blockedBot: count.openapi({ description: 'Telegram reported that they blocked the bot', example: 12 }),
      banned: count.openapi({ example: 2 }),
    }),
    tasks: z.record(z.string(), count).openapi({ description: 'Tasks by status', example: { open: 10, done: 4 } }),
    messages24h: count.openapi({ description: 'Messages sent in the last 24 hours', example: 87 }),
    mailings: z
      .record(z.string(), count)
      .openapi({ description: 'Mailings by status', example: { running: 1, completed: 9 } }),
  })
  .openapi('AdminStats');

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

export const getUser = createRoute({
  method: 'get',
  path: '/admin/users/{id}',
  operationId: 'getUserAsAdmin',
  tags,
  security,
  summary: 'One user with the admin-visible fields (admin)',
  description: 'Admins only. 404 for an unknown id.',
  request: { params: IdParams },
  responses: { 200: json(AdminUserSchema, 'The user'), ...errorResponses(401, 403, 404) },
});

export const patchUser = createRoute({
  method: 'patch',
  path: '/admin/users/{id}',
  operationId: 'updateUserAsAdmin',
  tags,
  security,
  summary: 'Change a user’s tags, role, ban, phone, operator code or time zone (admin)',
  description:
    'Admins only. Every change is written to the audit log. All fields are checked before anything ' +
    'changes (422 validation_failed names each bad field: phone, operatorCode, timezone). Banning revokes the user’s refresh tokens; ' +
    'the user then gets 403 from the API and one "blocked" answer from the bot. ' +
    'An admin cannot change their own role or ban themselves (409 cannot_change_own_role, cannot_ban_self); ' +
    'a banned user is not made an admin unless the same request unbans them (409 target_banned).',
  request: {
    params: IdParams,
    body: { required: true, content: { 'application/json': { schema: AdminUserPatchSchema } } },
  },
  responses: {
    200: json(AdminUserSchema, 'The user as changed'),
    ...errorResponses(400, 401, 403, 404, 409, 415, 422),
  },
});

export const listAudit = createRoute({
  method: 'get',
  path: '/admin/audit',
  operationId: 'listAuditLog',
  tags,
  security,
  summary: 'The audit log, newest first (admin)',
  description: 'Admins only. Every admin change: who, what, on which object, the details and when.',
  request: { query: AuditQuery },
  responses: { 200: json(AuditPageSchema, 'A page of audit entries'), ...errorResponses(401, 403, 422) },
});

export const getStats = createRoute({
  method: 'get',
  path: '/admin/stats',
  operationId: 'getAdminStats',
  tags,
  security,
  summary: 'Users, tasks, messages and mailings in numbers (admin)',
  description: 'Admins only. The stats of the bot’s admin menu (SPEC §2.4).',
  responses: { 200: json(AdminStatsSchema, 'The numbers now'), ...errorResponses(401, 403) },
});
