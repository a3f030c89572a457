import { z } from '@hono/zod-openapi';

/** SPEC §3: lists are paginated with `?limit=`, 20 by default, at most 100. */
export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

const LIMIT_HINT = `Must be a whole number from 1 to ${PAGE_LIMIT_MAX}`;

/** Digits only: what `Number` would also read (`0x10`, `1e2`, ` 5`, `5.0`, `+5`) is refused. */
const DECIMAL = /^[0-9]+$/;

/**
 * The `limit` query parameter of every list route. A query value is a string; only plain decimal
 * digits become a number (`z.coerce` would take whatever `Number` reads), so anything else — a
 * repeated parameter too — fails the number check: 422 validation_failed naming `limit`. The
 * document still shows an integer 1–100, default 20.
 */
export const pageLimitQuery = z
  .preprocess(
    (value) => (typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value),
    z.number({ error: LIMIT_HINT }).int({ error: LIMIT_HINT }).min(1, { error: LIMIT_HINT }).max(PAGE_LIMIT_MAX, {
      error: LIMIT_HINT,
    }),
  )
  .default(PAGE_LIMIT_DEFAULT)
  .openapi({
    type: 'integer',
    minimum: 1,
    maximum: PAGE_LIMIT_MAX,
    default: PAGE_LIMIT_DEFAULT,
    description: `Page size, 1–${PAGE_LIMIT_MAX} (default ${PAGE_LIMIT_DEFAULT})`,
    example: PAGE_LIMIT_DEFAULT,
  });
