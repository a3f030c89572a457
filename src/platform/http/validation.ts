import { DomainError } from '../errors.js';
import { ApiError, domainErrorStatus, type FieldProblem } from './errors.js';

/**
 * The domain reports a field it refused as `<field>_invalid` (`{field, reason, ...}` details),
 * which the bot turns into a localized hint. API clients get the one validation shape of the
 * zod checks instead: 422 validation_failed with `[{path, message, reason}]` — the reason is the
 * domain's word for the rule (`past`, `too_long`, `blocked`…), so a client can say it in its own
 * language without parsing the English message.
 */
export async function asValidation<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError && err.code.endsWith('_invalid') && domainErrorStatus(err.code).status === 422) {
      const { field, reason } = (err.details ?? {}) as { field?: unknown; reason?: unknown };
      const problem: FieldProblem = {
        path: typeof field === 'string' ? field : err.code.slice(0, -'_invalid'.length),
        message: err.message,
        ...(typeof reason === 'string' ? { reason } : {}),
      };
      throw new ApiError(422, 'validation_failed', 'The request is invalid', [problem]);
    }
    throw err;
  }
}
