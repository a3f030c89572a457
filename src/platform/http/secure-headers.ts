import type { MiddlewareHandler } from 'hono';
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
 * Sets API_SECURITY_HEADERS before the handler runs, so they are part of the response the handler
 * (or onError) builds. hono's secureHeaders sets them on the finished response instead, and
 * touching a finished response's headers makes @hono/node-server build a full Fetch Response
 * for every request: a third of GET /health's time (issue 17's profile).
 */
export function apiSecureHeaders(): MiddlewareHandler {
  return async (c, next) => {
    for (const [name, value] of API_SECURITY_HEADERS) c.header(name, value);
    await next();
  };
}

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
