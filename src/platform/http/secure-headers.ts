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
  /** Where the Swagger UI bundle and stylesheet come from, e.g. https://cdn.jsdelivr.net. */
  assetOrigin: string;
  /** `'sha256-…'` of the page's one inline bootstrap script; no 'unsafe-inline' for scripts. */
  inlineScriptHash: string;
  /** Origins "Try it out" may call besides the page's own (the public URL of the API). */
  apiOrigins: string[];
}

/**
 * The relaxed policy of the Swagger UI page only. Styles need 'unsafe-inline' (Swagger UI sets
 * style attributes) and images data: (its icons are inline SVG data URIs).
 */
export function docsSecureHeaders(policy: DocsPolicy): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: [policy.inlineScriptHash, policy.assetOrigin],
      styleSrc: ["'unsafe-inline'", policy.assetOrigin],
      imgSrc: ["'self'", 'data:', policy.assetOrigin],
      fontSrc: [policy.assetOrigin],
      connectSrc: ["'self'", ...policy.apiOrigins],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
    xFrameOptions: 'DENY',
  });
}
