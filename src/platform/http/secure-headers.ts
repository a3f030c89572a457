import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { HeaderSet, presetHeaders } from './preset-headers.js';

/**
 * The JSON API's security headers: those that act on a JSON answer — the set OWASP's REST
 * Security Cheat Sheet recommends and Mozilla's HTTP Observatory checks. No copy of an answer
 * kept by a browser or a proxy (most are someone's private data; an answer that may be cached —
 * JWKS, avatars — says so itself), a CSP that lets an answer opened in a tab load nothing and be
 * framed by no one (with X-Frame-Options for browsers that predate frame-ancestors), nosniff, no
 * referrer, same-origin reads only, HSTS. hono's
 * secureHeaders (helmet's list) adds six more that act on HTML documents or on software long gone —
 * Cross-Origin-Opener-Policy, Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options
 * (IE8), X-Permitted-Cross-Domain-Policies (Flash, Acrobat), X-XSS-Protection (the retired XSS
 * auditor) — which the API left out when each header of every answer was measured (issue 17).
 * The HTML pages (/docs, /console, /sandbox) keep policies of their own.
 */
export const API_SECURITY_HEADERS = new HeaderSet([
  ['Cache-Control', 'no-store'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
]);

/**
 * The JSON API's security headers, for every path that has no policy of its own; set before the
 * handler runs (preset-headers.ts), so a handler's own header of the same name wins. hono's
 * secureHeaders sets them on the finished response instead, which makes @hono/node-server build a
 * full Fetch Response per request.
 */
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
