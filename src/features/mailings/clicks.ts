import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { type Em, execute } from '../../platform/db/orm.js';
import type { MailingButton } from './mailing.entities.js';

/**
 * Click counting of a mailing's URL buttons (SPEC §2.5). When PUBLIC_URL can be reached from the
 * internet, each recipient's button opens `PUBLIC_URL/r/<code>` instead of its URL; GET /r/<code>
 * records the tap (once per recipient and button) and redirects to that mailing's own URL.
 *
 * The code is `<delivery id, base 36>.<button index, base 36><tag>`, the tag a truncated
 * HMAC-SHA256 of "<delivery id>.<button index>" under the mailing's own random key
 * (`mailings.click_secret`). So the engine derives every code from the row it is sending
 * (no database round trip per send), and nobody can make up a code: not for another recipient,
 * not for another button, not for another mailing. A code that does not verify is a 404, never
 * a redirect — the target is always one of the mailing's stored button URLs (no open redirect).
 */

/** Base-64url characters of the tag: 72 bits, far beyond guessing over HTTP. */
const TAG_CHARS = 12;
const CODE = /^([0-9a-z]{1,13})\.([0-9a-e])([A-Za-z0-9_-]{12})$/;
export const CLICK_PATH = '/r/';

/** A new mailing's click key. */
export const newClickSecret = (): string => randomBytes(24).toString('base64url');

function reservedAddresses(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['224.0.0.0', 3],
  ] as const)
    list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [
    ['::', 127],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
  ] as const)
    list.addSubnet(net, prefix, 'ipv6');
  return list;
}

/** Names that never resolve on the internet (RFC 6761, 6762, 8375 and common intranet suffixes). */
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|test|invalid)$/;

/**
 * THE rule of when clicks are counted: PUBLIC_URL is an http(s) URL whose host is a globally
 * routable IP address, or a domain name with a dot that is not a local-only one. localhost,
 * loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local, CGNAT and single-label
 * hosts are not public: Telegram users could not open links to them, so the raw URL is used.
 */
export function isPublicUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const version = isIP(host);
  // IPv4 written as IPv6 (::ffff:7f00:1): never how a public service is addressed.
  if (version === 6 && host.startsWith('::ffff:')) return false;
  if (version) return !reservedAddresses().check(host, version === 4 ? 'ipv4' : 'ipv6');
  return host.includes('.') && !LOCAL_NAMES.test(host);
}

const tagOf = (secret: string, deliveryId: string, button: number) =>
  createHmac('sha256', secret).update(`${deliveryId}.${button}`).digest('base64url').slice(0, TAG_CHARS);

/** The code of one recipient's button (`button`: the index among the mailing's buttons, row by row). */
export function clickCode(secret: string, deliveryId: string, button: number): string {
  return `${BigInt(deliveryId).toString(36)}.${button.toString(36)}${tagOf(secret, deliveryId, button)}`;
}

/** A code split into its parts (not verified), or null when it cannot be one. */
export function parseClickCode(code: string): { deliveryId: string; button: number; tag: string } | null {
  const match = CODE.exec(code);
  if (!match) return null;
  const [, id = '', button = '', tag = ''] = match;
  let deliveryId = 0n;
  for (const ch of id) deliveryId = deliveryId * 36n + BigInt(Number.parseInt(ch, 36));
  if (deliveryId <= 0n || deliveryId > 9_223_372_036_854_775_807n) return null;
  return { deliveryId: deliveryId.toString(), button: Number.parseInt(button, 36), tag };
}

/**
 * The engine's link maker for one mailing: the tracked URLs of a recipient's buttons, JSON-safe,
 * in the order of the buttons. Null when clicks are not counted (PUBLIC_URL not public, no
 * buttons, or a mailing made before click keys existed): the raw URLs are sent.
 */
export class ClickLinks {
  private readonly base: string;

  private constructor(
    publicUrl: string,
    private readonly secret: string,
    private readonly count: number,
  ) {
    // The prefix is escaped for JSON once; the codes themselves need no escaping.
    this.base = JSON.stringify(`${publicUrl.replace(/\/+$/, '')}${CLICK_PATH}`).slice(1, -1);
  }

  static for(
    publicUrl: string,
    secret: string | null | undefined,
    buttons: MailingButton[][] | null | undefined,
  ): ClickLinks | null {
    const count = buttons?.flat().length ?? 0;
    if (!secret || count === 0 || !isPublicUrl(publicUrl)) return null;
    return new ClickLinks(publicUrl, secret, count);
  }

  urlsFor(deliveryId: string): string[] {
    const urls: string[] = [];
    for (let b = 0; b < this.count; b++) urls.push(this.base + clickCode(this.secret, deliveryId, b));
    return urls;
  }
}

/**
 * GET /r/<code>: the button URL the code stands for, with the tap recorded (a repeated tap of the
 * same recipient and button is not counted again); null for anything that does not verify — a
 * malformed or made-up code, an index past the mailing's buttons, a deleted mailing.
 */
/**
 * A button's URL as a Location header can carry it: the WHATWG serialization percent-encodes
 * control characters, which Node refuses in a header — a URL saved before urlProblem refused them
 * made every tap a 500. Null for what is no URL at all.
 */
function locationOf(url: string): string | null {
  try {
    return new URL(url).href;
  } catch {
    return null;
  }
}

export async function followClick(em: Em, code: string): Promise<string | null> {
  const parsed = parseClickCode(code);
  if (!parsed) return null;
  const conn = em.getConnection();
  const rows = await conn.execute<{ mailing_id: string; secret: string | null; buttons: unknown }[]>(
    `select d.mailing_id::text as mailing_id, m.click_secret as secret, m.buttons
       from deliveries d join mailings m on m.id = d.mailing_id where d.id = ?`,
    [parsed.deliveryId],
  );
  const row = rows[0];
  if (!row?.secret) return null;
  const expected = Buffer.from(tagOf(row.secret, parsed.deliveryId, parsed.button));
  const given = Buffer.from(parsed.tag);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const buttons = (typeof row.buttons === 'string' ? JSON.parse(row.buttons) : row.buttons) as MailingButton[][] | null;
  const stored = buttons?.flat()[parsed.button]?.url;
  const target = stored === undefined ? null : locationOf(stored);
  if (!target) return null;
  await conn.execute(
    `insert into mailing_clicks (mailing_id, delivery_id, button, created_at) values (?, ?, ?, now())
     on conflict (delivery_id, button) do nothing`,
    [row.mailing_id, parsed.deliveryId, parsed.button],
  );
  return target;
}

/** Clicks per button index of the given mailings (one grouped query). */
export async function clickCounts(em: Em, ids: readonly string[]): Promise<Map<string, Map<number, number>>> {
  const counts = new Map<string, Map<number, number>>(ids.map((id) => [id, new Map()]));
  if (!ids.length) return counts;
  const rows = await execute<{ mailing_id: string; button: number; n: string }[]>(
    em,
    `select mailing_id::text as mailing_id, button, count(*) as n from mailing_clicks
       where mailing_id = any(array(select (jsonb_array_elements_text(?::jsonb))::bigint)) group by mailing_id, button`,
    [JSON.stringify(ids)],
  );
  for (const row of rows) counts.get(String(row.mailing_id))?.set(Number(row.button), Number(row.n));
  return counts;
}
