import { isIP } from 'node:net';

/**
 * Who is "this machine" for the servers that answer loopback clients only: the sandbox's web chat
 * (platform/sandbox) and the Bot API stand-in's HTTP door (platform/telegram/stand-in).
 */

/** A loopback peer address: 127/8, ::1, or 127/8 on a dual-stack socket (::ffff:127.x.x.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * Whether a Host header names this machine's loopback: localhost (or a name under it, which
 * browsers resolve to loopback themselves), a 127/8 address or [::1], with or without a port.
 * Any other name arriving on a loopback socket is DNS rebinding — a web page of `evil.example`
 * whose name now resolves to 127.0.0.1, and which is then same-origin with everything it fetches
 * there — or a proxy relaying someone else.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  const name = /^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$/.exec(host ?? '')?.[1]?.toLowerCase();
  if (!name) return false;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '[::1]') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}
