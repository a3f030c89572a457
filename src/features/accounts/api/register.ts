import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { passwordProblem } from '../../../platform/auth/passwords.js';
import { clientAddress } from '../../../platform/http/client-address.js';
import type { ApiEnv } from '../../../platform/http/context.js';
import { ApiError } from '../../../platform/http/errors.js';
import { errorResponses } from '../../../platform/http/openapi.js';
import type { Services } from '../../../platform/services.js';
import { toUserDto, UserSchema } from '../../users/index.js';
import { Notifications } from '../jobs/notifications.js';
import { addressKey } from '../login-throttle.js';
import { register } from '../registration.js';

/**
 * Registrations per client address (SPEC §3.1): every one costs an Argon2 hash and an account
 * needs no credentials, so without a limit one address could fill the database and the hash
 * queue. Every attempt that passes validation counts (taken usernames too), before any hashing.
 */
export const REGISTRATION_LIMIT = { perAddress: 10, windowSeconds: 10 * 60 } as const;

/** Names of people: 1–128 characters, no control or bidi-override characters. */
const PersonName = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .refine((v) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v), { message: 'Contains control characters' });

export const RegisterBody = z
  .strictObject({
    username: z
      .string()
      .regex(/^[a-zA-Z0-9_]{3,32}$/, { message: '3–32 characters: letters a–z, digits and _' })
      .openapi({ example: 'ann_lee' }),
    password: z
      .string()
      .superRefine((v, ctx) => {
        const problem = passwordProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .openapi({ example: 'correct horse battery staple' }),
    firstName: PersonName.optional().openapi({ example: 'Ann' }),
    lastName: PersonName.optional().openapi({ example: 'Lee' }),
    email: z.email().max(254).optional().openapi({ example: 'ann@example.com' }),
    telegramId: z
      .number()
      .int()
      .positive()
      .max(2 ** 52)
      .optional()
      .openapi({
        description: 'Telegram user id; that user must have started the bot and confirms there',
        example: 123456789,
      }),
  })
  .openapi('RegisterRequest');

const Pending = z
  .object({ status: z.literal('pending_confirmation'), expiresAt: z.iso.datetime() })
  .openapi('RegistrationPending', {
    example: { status: 'pending_confirmation', expiresAt: '2026-11-22T12:15:00.000Z' },
  });

const Active = z.object({ status: z.literal('active'), user: UserSchema }).openapi('RegistrationActive');

export const registerRoute = createRoute({
  method: 'post',
  path: '/auth/register',
  operationId: 'registerAccount',
  tags: ['Auth'],
  security: [],
  summary: 'Create an account',
  description:
    'Without `telegramId` the account is active at once and can be linked to Telegram later (POST /token). ' +
    'With `telegramId`, that Telegram user must have started the bot: they get Confirm / Decline buttons, ' +
    'login answers 403 pending_confirmation until they confirm, and a decline or 15 minutes without an ' +
    'answer removes the account again. 422 telegram_not_started carries the bot link in `details.botLink`. ' +
    `At most ${REGISTRATION_LIMIT.perAddress} registrations per client address in ${REGISTRATION_LIMIT.windowSeconds / 60} minutes, ` +
    'counted whatever their outcome; then 429 `rate_limited` with `Retry-After` (seconds).',
  request: { body: { required: true, content: { 'application/json': { schema: RegisterBody } } } },
  responses: {
    201: { description: 'Account created and active', content: { 'application/json': { schema: Active } } },
    202: { description: 'Waiting for confirmation in Telegram', content: { 'application/json': { schema: Pending } } },
    ...errorResponses(400, 409, 413, 415, 422, 429),
  },
});

/** POST /auth/register (SPEC §3.1). */
export function registerRegistrationRoute(services: Services) {
  const notifications = new Notifications(services);
  return (app: OpenAPIHono<ApiEnv>) => {
    app.openapi(registerRoute, async (c) => {
      const body = c.req.valid('json');
      const limit = await services.limiter.hit(
        `register:ip:${addressKey(clientAddress(c))}`,
        REGISTRATION_LIMIT.perAddress,
        REGISTRATION_LIMIT.windowSeconds,
      );
      if (!limit.allowed) {
        throw new ApiError(
          429,
          'rate_limited',
          `Too many registrations from this address; try again in ${limit.retryAfter} seconds`,
          { retryAfterSeconds: limit.retryAfter },
          { 'Retry-After': String(limit.retryAfter) },
        );
      }
      // The bot's link helps the caller; if Telegram cannot tell us the bot's name right now, leave it out.
      const botLink = async () => ({ botLink: await services.bot.link('').catch(() => undefined) });
      const result = await register(c.var.em, body, botLink);
      if (result.status === 'active') {
        return c.json({ status: 'active' as const, user: toUserDto(result.user) }, 201);
      }
      await notifications.registrationCreated(result.registration.id, result.registration.expiresAt);
      return c.json(
        { status: 'pending_confirmation' as const, expiresAt: result.registration.expiresAt.toISOString() },
        202,
      );
    });
  };
}
