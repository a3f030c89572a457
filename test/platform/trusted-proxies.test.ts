import { describe, expect, it } from 'vitest';
import { parseTrustedProxies, TrustedProxies } from '../../src/platform/http/trusted-proxies.js';

const proxies = (...entries: string[]) => new TrustedProxies(entries);

describe('TrustedProxies.trusts', () => {
  it('matches single addresses and CIDR blocks of both families', () => {
    const trusted = proxies('192.0.2.10', '10.0.0.0/8', 'fd00::/8', '::1');
    expect(trusted.trusts('192.0.2.10')).toBe(true);
    expect(trusted.trusts('192.0.2.11')).toBe(false);
    expect(trusted.trusts('10.200.3.4')).toBe(true);
    expect(trusted.trusts('11.0.0.1')).toBe(false);
    expect(trusted.trusts('fd12:3456::1')).toBe(true);
    expect(trusted.trusts('2001:db8::1')).toBe(false);
    expect(trusted.trusts('::1')).toBe(true);
    // An IPv4 peer on a dual-stack socket.
    expect(trusted.trusts('::ffff:10.1.2.3')).toBe(true);
    expect(trusted.trusts('unknown')).toBe(false);
  });

  it('trusts no one when empty', () => {
    expect(proxies().trusts('127.0.0.1')).toBe(false);
  });
});

describe('TrustedProxies.client', () => {
  const trusted = proxies('10.0.0.0/8', 'fd00::/8');

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(trusted.client('203.0.113.7', '198.51.100.1')).toBe('203.0.113.7');
    expect(proxies().client('10.0.0.5', '198.51.100.1')).toBe('10.0.0.5');
    expect(trusted.client('unknown', '198.51.100.1')).toBe('unknown');
  });

  it('takes the right-most address that is not a trusted proxy', () => {
    // The client claims to be 1.1.1.1; our proxy appended the address it really saw.
    expect(trusted.client('10.0.0.5', '1.1.1.1, 198.51.100.1')).toBe('198.51.100.1');
    // Two of our proxies in a row.
    expect(trusted.client('10.0.0.5', '1.1.1.1, 198.51.100.1, 10.0.0.9')).toBe('198.51.100.1');
    // Every hop is ours: the left-most is the best we know.
    expect(trusted.client('10.0.0.5', '10.0.0.7, 10.0.0.9')).toBe('10.0.0.7');
  });

  it('reads IPv6, bracketed and port-carrying elements, and unmaps IPv4-mapped addresses', () => {
    expect(trusted.client('fd00::1', '2001:db8::7')).toBe('2001:db8::7');
    expect(trusted.client('::ffff:10.0.0.5', '[2001:db8::7]:443')).toBe('2001:db8::7');
    expect(trusted.client('10.0.0.5', '198.51.100.1:5000')).toBe('198.51.100.1');
    expect(trusted.client('10.0.0.5', '::ffff:198.51.100.1')).toBe('198.51.100.1');
    expect(trusted.client('::ffff:203.0.113.7', undefined)).toBe('203.0.113.7');
  });

  it('stops at a malformed element: the last trusted hop stands for the client', () => {
    expect(trusted.client('10.0.0.5', 'not-an-ip')).toBe('10.0.0.5');
    expect(trusted.client('10.0.0.5', '198.51.100.1, garbage, 10.0.0.9')).toBe('10.0.0.9');
    expect(trusted.client('10.0.0.5', '')).toBe('10.0.0.5');
  });
});

describe('parseTrustedProxies', () => {
  it('accepts addresses and blocks, ignoring blanks', () => {
    expect(parseTrustedProxies(' 127.0.0.1 ,, 10.0.0.0/8, ::1, fd00::/8 ')).toEqual({
      entries: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'],
    });
    expect(parseTrustedProxies('')).toEqual({ entries: [] });
  });

  it.each(['localhost', '10.0.0.256', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/8/8', '::1/129', '10.0.0.0/ 8'])(
    'refuses %s',
    (entry) => {
      const parsed = parseTrustedProxies(`127.0.0.1,${entry}`);
      expect(parsed).toHaveProperty('problem');
    },
  );
});
