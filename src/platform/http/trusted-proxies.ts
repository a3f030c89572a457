import { BlockList, isIP } from 'node:net';

/**
 * TRUSTED_PROXIES (SPEC §1): the reverse proxies whose `X-Forwarded-For` is believed, for the
 * per-IP limits (login, registration) and the logs. Anyone can write that header, so from any
 * other peer it is ignored: otherwise a client would get a fresh limit with every made-up address.
 */

/** Why an entry is not an address or CIDR block, or undefined when it is one. */
function entryProblem(entry: string): string | undefined {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return `"${entry.slice(0, 60)}" is not an IP address or CIDR block`;
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    return `"${entry.slice(0, 60)}" has a prefix length outside 0-${max}`;
  }
  return undefined;
}

/**
 * Parses the comma-separated list (IPv4 and IPv6 addresses and CIDR blocks; blanks ignored).
 * Returns the entries, or the first problem for the configuration error.
 */
export function parseTrustedProxies(value: string): { entries: string[] } | { problem: string } {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem) return { problem: `${problem} (expected e.g. 10.0.0.1, 10.0.0.0/8, fd00::/8)` };
  }
  return { entries };
}

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) is the IPv4 address it carries. */
function unmapped(address: string): string {
  return /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1] ?? address;
}

/** An `X-Forwarded-For` element as an address: bare, `[v6]:port` or `v4:port`; undefined if it is none. */
function hopAddress(hop: string): string | undefined {
  const value = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value)?.[1];
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(value)?.[1];
  const address = bracketed ?? withPort ?? value;
  return isIP(address) ? unmapped(address) : undefined;
}

/** The configured proxies as a matcher (node's BlockList does the CIDR arithmetic). */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly size: number;

  /** `entries` as validated by parseTrustedProxies (config.ts); an empty list trusts no one. */
  constructor(entries: readonly string[] = []) {
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(prefix), type);
    }
    this.size = entries.length;
  }

  trusts(address: string): boolean {
    if (this.size === 0) return false;
    const plain = unmapped(address);
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }

  /**
   * The client an address limit should count. `peer` is the TCP peer; only when it is a trusted
   * proxy is `X-Forwarded-For` read, from the right (each proxy appends the address it got the
   * request from), skipping further trusted proxies: the right-most address that is not one of
   * ours is the client — everything left of it was written by the client and proves nothing. A
   * malformed element stops the walk at the last proxy we trust (a correct proxy never writes one).
   */
  client(peer: string, forwardedFor: string | undefined): string {
    let client = unmapped(peer);
    if (!forwardedFor || !this.trusts(client)) return client;
    const hops = forwardedFor.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hopAddress(hops[i] ?? '');
      if (!hop) break;
      client = hop;
      if (!this.trusts(hop)) break;
    }
    return client;
  }
}
