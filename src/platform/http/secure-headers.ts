import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * The API answers JSON only, so its pages may load nothing and be framed by no one.
 * hono's defaults add HSTS, nosniff, no-referrer, CORP/COOP and friends.
 */
export function apiSecureHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    xFrameOptions: 'DENY',
  });
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
