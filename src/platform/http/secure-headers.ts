import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * The API's security headers: hono's secureHeaders defaults (HSTS, nosniff, no-referrer,
 * CORP/COOP and friends) with a CSP that lets an API answer load nothing, and DENY framing —
 * the API answers JSON only, so its pages may load nothing and be framed by no one.
 */
const API_SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'DENY'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/**
 * Headers every answer carries, set before the handler runs, so that whatever the handler (or
 * onError) sets of the same name wins. Served by @hono/node-server, they go straight onto Node's
 * response (`c.env.outgoing`; Node merges them into the handler's headers at writeHead, the
 * handler's taking precedence): going through Hono's `c.header` makes a Fetch `Headers` per
 * request, whose validating `set` and the conversion back to Node's headers were a tenth of
 * GET /health's time (issue 17's profile). hono's own secureHeaders is worse still: it sets them on
 * the finished response, which makes @hono/node-server build a full Fetch Response. Without Node
 * underneath (`app.request` in tests, WebSocket upgrades) they go through `c.header`.
 */
export function presetHeaders(c: Context, headers: ReadonlyArray<readonly [string, string]>): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing && !outgoing.headersSent) for (const [name, value] of headers) outgoing.setHeader(name, value);
  else for (const [name, value] of headers) c.header(name, value);
}

/** The JSON API's security headers, for every path that has no policy of its own. */
export const presetApiSecurityHeaders = (c: Context): void => presetHeaders(c, API_SECURITY_HEADERS);

export interface DocsPolicy {
  /** Origins "Try it out" may call besides the page's own (the public URL of the API). */
  apiOrigins: string[];
}

/**
 * The Swagger UI page's policy: scripts, styles, fonts and images from this origin only (the
 * assets of swagger-ui-dist, served by the product). Styles also need 'unsafe-inline' (Swagger UI
 * sets style attributes) and images data: (its icons are inline SVG data URIs). No inline script.
 */
export function docsSecureHeaders(policy: DocsPolicy): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'", ...policy.apiOrigins],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
    xFrameOptions: 'DENY',
  });
}
