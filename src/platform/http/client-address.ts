import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { ApiEnv } from './context.js';
import { TrustedProxies } from './trusted-proxies.js';

/** Without a socket (in-process `app.request()` tests) every request counts as this one address. */
export const UNKNOWN_ADDRESS = 'unknown';

/** Used by a router mounted without requestContext (a test's standalone app): it trusts no proxy. */
const NO_PROXIES = new TrustedProxies();

function peerAddress(c: Context<ApiEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? UNKNOWN_ADDRESS;
  } catch {
    return UNKNOWN_ADDRESS;
  }
}

/**
 * The client address of a request, for every per-IP limit (login, registration) and the logs:
 * the TCP peer, or — only when that peer is one of TRUSTED_PROXIES — the client named in its
 * X-Forwarded-For (TrustedProxies.client). requestContext puts the proxies on `c.var`; the
 * answer is worked out once per request.
 */
export function clientAddress(c: Context<ApiEnv>): string {
  const known = c.get('clientAddress') as string | undefined;
  if (known) return known;
  const proxies = (c.get('trustedProxies') as TrustedProxies | undefined) ?? NO_PROXIES;
  const address = proxies.client(peerAddress(c), c.req.header('x-forwarded-for'));
  c.set('clientAddress', address);
  return address;
}
