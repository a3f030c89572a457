import { type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Context } from 'hono';

/** Headers an answer carries unless its handler sets the same name: a constant list, prepared once. */
export class HeaderSet {
  readonly pairs: ReadonlyArray<readonly [string, string]>;
  /** The names lowercased, for the comparison with a handler's own headers. */
  readonly lowerNames: readonly string[];

  constructor(pairs: ReadonlyArray<readonly [string, string]>) {
    this.pairs = pairs;
    this.lowerNames = pairs.map(([name]) => name.toLowerCase());
  }
}

/**
 * Node's response, able to carry headers given before the handler runs (the request id, the
 * security headers) that `writeHead` writes beside the handler's own, the handler's winning on a
 * name both set. Node's `setHeader` validates each header, keeps a lowercased copy in a map and
 * merges it with the handler's headers at writeHead: thirteen headers cost a plain Node server
 * 6.6 µs per answer that way, 3.4 µs handed to `writeHead` as one flat list (issue 17,
 * bench/README.md). `http.createServer`'s `ServerResponse` option is Node's own way to
 * extend the response (see server.ts).
 */
export class PresetHeadersResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  #names: string[] = [];
  #lowerNames: string[] = [];
  #values: string[] = [];
  /** Set once anything went through setHeader: Node then merges into its own header map. */
  #progressive = false;

  /** Adds a header; one added later of the same name replaces it. */
  preset(name: string, value: string, lowerName = name.toLowerCase()): void {
    const at = this.#lowerNames.indexOf(lowerName);
    if (at >= 0) {
      this.#names[at] = name;
      this.#values[at] = value;
    } else {
      this.#names.push(name);
      this.#lowerNames.push(lowerName);
      this.#values.push(value);
    }
  }

  override setHeader(name: string, value: number | string | readonly string[]): this {
    this.#progressive = true;
    return super.setHeader(name, value);
  }

  override appendHeader(name: string, value: string | readonly string[]): this {
    this.#progressive = true;
    return super.appendHeader(name, value);
  }

  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
    maybeHeaders?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this {
    const reason = typeof reasonOrHeaders === 'string' ? reasonOrHeaders : undefined;
    const own = typeof reasonOrHeaders === 'string' ? maybeHeaders : reasonOrHeaders;
    const names = this.#names;
    const values = this.#values;
    if (names.length === 0 || this.headersSent) return super.writeHead(statusCode, reason, own);
    const lowerNames = this.#lowerNames;
    this.#names = [];
    this.#lowerNames = [];
    this.#values = [];

    if (this.#progressive || Array.isArray(own)) {
      // Node merges: headers set already, and the handler's (which writeHead sets after), win.
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        if (!this.hasHeader(name)) super.setHeader(name, values[i] as string);
      }
      return super.writeHead(statusCode, reason, own);
    }

    const ownLower: string[] = [];
    if (own) for (const key in own) ownLower.push(key.toLowerCase());
    const flat: OutgoingHttpHeader[] = [];
    for (let i = 0; i < names.length; i++) {
      if (!ownLower.includes(lowerNames[i] as string)) flat.push(names[i] as string, values[i] as string);
    }
    if (own) {
      for (const key in own) {
        const value = own[key];
        if (value !== undefined) flat.push(key, value as OutgoingHttpHeader);
      }
    }
    return super.writeHead(statusCode, reason, flat);
  }
}

/**
 * Headers every answer carries, given before the handler runs, so that whatever the handler (or
 * onError) sets of the same name wins. Served by Node through PresetHeadersResponse they are
 * written with the handler's at writeHead; going through Hono's `c.header` makes a Fetch `Headers`
 * per request (and hono's secureHeaders, which sets them on the finished response, a full Fetch
 * Response in @hono/node-server). Without that response underneath (`app.request` in tests,
 * WebSocket upgrades) they go through `c.header`.
 */
export function presetHeaders(c: Context, headers: HeaderSet): void {
  const outgoing = presetTarget(c);
  headers.pairs.forEach(([name, value], i) => {
    if (outgoing) outgoing.preset(name, value, headers.lowerNames[i]);
    else c.header(name, value);
  });
}

/** One header, as presetHeaders does it (for a value that differs per request). */
export function presetHeader(c: Context, name: string, value: string): void {
  const outgoing = presetTarget(c);
  if (outgoing) outgoing.preset(name, value);
  else c.header(name, value);
}

function presetTarget(c: Context): PresetHeadersResponse | undefined {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing instanceof PresetHeadersResponse && !outgoing.headersSent ? outgoing : undefined;
}
