export type DomainStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429;

/**
 * A failure the user caused or can fix, with a stable snake_case code. The bot turns it
 * into a localized message, the API into the SPEC §3 error body with `status`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: DomainStatus = 422,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
