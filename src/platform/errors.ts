/**
 * A failure the user caused or can fix, with a stable snake_case code (and, for some codes,
 * `details` such as `{field, reason}` or `{retryAfter}`). It says what went wrong, not how a
 * transport reports it: the bot turns the code into a localized message, the WebSocket into an
 * error frame, and the API into the SPEC §3 error body with the status its one code → status
 * table gives (src/platform/http/errors.ts, DOMAIN_ERROR_STATUS).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
