import { ADMIN_SCOPES, type ServiceScope } from '../auth/service-tokens.js';

export const isAdminScope = (scope: ServiceScope) => (ADMIN_SCOPES as readonly string[]).includes(scope);

/** OpenAPI extension naming the scope of an operation; `documentScopes` turns it into prose. */
export const REQUIRED_SCOPE = 'x-required-scope';

interface DocumentOperation {
  description?: string;
  responses?: Record<string, { description?: string }>;
  [REQUIRED_SCOPE]?: ServiceScope;
}

/**
 * Writes each scoped operation's scope into its description and its 403 response, so the
 * document says it in the words a reader sees (Swagger UI does not show extensions).
 */
export function documentScopes(document: { paths?: object }): void {
  for (const item of Object.values(document.paths ?? {}) as Array<Record<string, unknown>>) {
    for (const operation of Object.values(item) as DocumentOperation[]) {
      const scope = operation?.[REQUIRED_SCOPE];
      if (!scope) continue;
      const admin = isAdminScope(scope);
      const note = admin
        ? `Scope \`${scope}\` for service tokens (listed by name; \`*\` does not include it), ` +
          'and the user the token acts for must be an admin.'
        : `Scope \`${scope}\` for service tokens.`;
      operation.description = [operation.description, note].filter(Boolean).join('\n\n');
      const forbidden = operation.responses?.['403'];
      if (forbidden) {
        forbidden.description = admin
          ? 'Not allowed: insufficient_scope (a service token without the scope), forbidden (the user is not an admin), user_banned'
          : 'Not allowed: insufficient_scope (a service token without the scope), user_banned';
      }
    }
  }
}
