import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ApiEnv } from '../http/context.js';
import { isLoopbackAddress, isLoopbackHost } from '../http/loopback.js';
import { type Sandbox, SandboxError } from './sandbox.js';

/**
 * GET /sandbox: the web chat of sandbox mode (plain HTML, CSS and JS in ./web, served as they
 * are), and its small JSON API under /sandbox/api. Mounted only in sandbox mode — with a
 * BOT_TOKEN none of it exists (404) — and answering loopback clients only unless SANDBOX_PUBLIC.
 */

export const SANDBOX_PATH = '/sandbox';

const LONG_POLL_MS = 25_000;
const MAX_TEXT = 4096;
const MAX_PHOTO_BYTES = 700 * 1024;
/** Chats one poll answers with (the sandbox has at most 50 users). */
const MAX_POLLED_CHATS = 50;

/** The web folder next to this module (tsx), or the source's when running the build (dist/). */
function webDir(): string {
  const here = fileURLToPath(new URL('./web/', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../../../src/platform/sandbox/web/', import.meta.url));
}

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** Headers only a proxy writes: a request that carries one was relayed, whatever socket it came in on. */
const RELAYED = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/** The host of an Origin header, or null for one that is no URL (a browser never sends that). */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

const notFound = (c: Context) =>
  c.json({ error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}` } }, 404);

/** The page's policy: its own scripts and styles only, images from itself; nothing else, no framing. */
function pageHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
    xFrameOptions: 'DENY',
  });
}

export function registerSandbox(app: OpenAPIHono<ApiEnv>, sandbox: Sandbox, options: { public: boolean }): void {
  const dir = webDir();
  const page = readFileSync(`${dir}index.html`, 'utf8');
  const assets = new Map(
    Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(`${dir}${name}`) }]),
  );

  const guard: MiddlewareHandler<ApiEnv> = async (c, next) => {
    if (!options.public) {
      let peer: string | undefined;
      try {
        peer = getConnInfo(c).remote.address;
      } catch {
        peer = undefined;
      }
      if (!isLoopbackAddress(peer)) return notFound(c);
      // Loopback socket, but not a loopback client: a relayed request, or a page that rebound its
      // own name to 127.0.0.1 (it could read every chat and act as any simulated user, the admin too).
      if (RELAYED.some((name) => c.req.header(name) !== undefined) || !isLoopbackHost(c.req.header('host'))) {
        return c.json(
          {
            error: {
              code: 'forbidden',
              message:
                'The sandbox answers at localhost or 127.0.0.1 only, not through a proxy (SANDBOX_PUBLIC=true opens it)',
            },
          },
          403,
        );
      }
    }
    if (c.req.method === 'POST') {
      // A page of another site must not drive the sandbox: JSON only (a cross-site JSON POST needs a
      // preflight nobody answers), and a browser's Origin must be this very host.
      if (!(c.req.header('content-type') ?? '').startsWith('application/json')) {
        return c.json({ error: { code: 'unsupported_media_type', message: 'Send JSON' } }, 415);
      }
      const origin = c.req.header('origin');
      if (origin && origin !== 'null' && originHost(origin) !== c.req.header('host')) {
        return c.json({ error: { code: 'forbidden', message: 'Cross-site request' } }, 403);
      }
    }
    await next();
  };
  app.use(SANDBOX_PATH, guard);
  app.use(`${SANDBOX_PATH}/*`, guard);

  app.get(SANDBOX_PATH, pageHeaders(), (c) => c.html(page));
  app.get(`${SANDBOX_PATH}/assets/:name`, (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return notFound(c);
    return c.body(new Uint8Array(asset.body), 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  });

  const userId = (c: Context) => Number(c.req.param('userId'));
  const attempt = (c: Context, action: () => unknown) => {
    try {
      action();
      return c.json({ ok: true });
    } catch (err) {
      if (err instanceof SandboxError) return c.json({ error: { code: 'sandbox', message: err.message } }, 400);
      throw err;
    }
  };
  const body = async (c: Context): Promise<Record<string, unknown>> => {
    const value: unknown = await c.req.json().catch(() => ({}));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  };
  const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

  /**
   * `?since=<version>&epoch=<epoch>` long-polls: answered once something changed after that version
   * of that run of the program (another run answers at once: its versions count from 0 again).
   */
  const waitForChange = async (c: Context) => {
    const since = Number(c.req.query('since') ?? Number.NaN);
    const sameRun = (c.req.query('epoch') ?? sandbox.epoch) === sandbox.epoch;
    if (Number.isFinite(since) && sameRun) await sandbox.changes(since, LONG_POLL_MS, c.req.raw.signal);
  };

  const pageState = () => ({
    epoch: sandbox.epoch,
    version: sandbox.currentVersion,
    bot: { firstName: sandbox.botInfo.first_name, username: sandbox.botInfo.username },
    users: sandbox.listUsers(),
    recentBotMessageIds: sandbox.recentBotMessageIds(),
  });

  app.get(`${SANDBOX_PATH}/api/state`, (c) => c.json(pageState(), 200, { 'cache-control': 'no-store' }));

  /**
   * The page's one long poll (a browser holds six connections per host: a poll per chat pane would
   * leave none for sending once five panes are open): the user list and the chats of `users`.
   */
  app.get(`${SANDBOX_PATH}/api/poll`, async (c) => {
    await waitForChange(c);
    const ids = (c.req.query('users') ?? '')
      .split(',')
      .map(Number)
      .filter((id) => sandbox.user(id) !== undefined)
      .slice(0, MAX_POLLED_CHATS);
    const chats = Object.fromEntries(ids.map((id) => [id, sandbox.view(id)]));
    return c.json({ ...pageState(), chats }, 200, { 'cache-control': 'no-store' });
  });

  app.post(`${SANDBOX_PATH}/api/users`, async (c) => {
    const b = await body(c);
    const firstName = str(b.firstName, 64).trim();
    const username = str(b.username, 32).trim().replace(/^@/, '');
    if (!firstName) return c.json({ error: { code: 'sandbox', message: 'A first name is needed' } }, 400);
    if (username && !/^[A-Za-z][A-Za-z0-9_]{4,31}$/.test(username)) {
      return c.json({ error: { code: 'sandbox', message: 'A username is 5-32 letters, digits or _' } }, 400);
    }
    if (username && sandbox.listUsers().some((u) => u.username?.toLowerCase() === username.toLowerCase())) {
      return c.json({ error: { code: 'sandbox', message: 'That username is taken' } }, 400);
    }
    try {
      const user = sandbox.addUser({
        firstName,
        ...(username ? { username } : {}),
        languageCode: b.languageCode === 'ru' ? 'ru' : 'en',
      });
      return c.json(user, 201);
    } catch (err) {
      if (err instanceof SandboxError) return c.json({ error: { code: 'sandbox', message: err.message } }, 400);
      throw err;
    }
  });

  app.get(`${SANDBOX_PATH}/api/chats/:userId`, async (c) => {
    const id = userId(c);
    if (!sandbox.user(id)) return notFound(c);
    await waitForChange(c);
    return c.json(sandbox.view(id), 200, { 'cache-control': 'no-store' });
  });

  app.post(`${SANDBOX_PATH}/api/chats/:userId/messages`, async (c) => {
    const b = await body(c);
    const text = str(b.text, MAX_TEXT);
    if (!text.trim()) return c.json({ error: { code: 'sandbox', message: 'Type something' } }, 400);
    const replyTo = typeof b.replyTo === 'number' ? b.replyTo : undefined;
    return attempt(c, () => sandbox.sendText(userId(c), text, replyTo));
  });

  app.post(`${SANDBOX_PATH}/api/chats/:userId/callback`, async (c) => {
    const b = await body(c);
    return attempt(c, () => sandbox.tap(userId(c), Number(b.messageId), str(b.data, 64)));
  });

  app.post(`${SANDBOX_PATH}/api/chats/:userId/contact`, (c) => attempt(c, () => sandbox.shareContact(userId(c))));

  app.post(`${SANDBOX_PATH}/api/chats/:userId/location`, async (c) => {
    const b = await body(c);
    const latitude = Number(b.latitude);
    const longitude = Number(b.longitude);
    if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) {
      return c.json({ error: { code: 'sandbox', message: 'latitude -90..90, longitude -180..180' } }, 400);
    }
    return attempt(c, () => sandbox.shareLocation(userId(c), latitude, longitude));
  });

  app.post(`${SANDBOX_PATH}/api/chats/:userId/photo`, async (c) => {
    const b = await body(c);
    const match = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=]+)$/.exec(str(b.dataUrl, 1_000_000));
    if (!match) return c.json({ error: { code: 'sandbox', message: 'A PNG, JPEG, GIF or WebP image' } }, 400);
    const bytes = Buffer.from(match[2] ?? '', 'base64');
    if (bytes.length > MAX_PHOTO_BYTES) return c.json({ error: { code: 'sandbox', message: 'At most 700 KB' } }, 400);
    return attempt(c, () => sandbox.sendPhoto(userId(c), bytes, match[1] ?? 'image/png', str(b.caption, 1024)));
  });

  app.get(`${SANDBOX_PATH}/api/files/:fileId`, (c) => {
    const file = sandbox.standIn.file(c.req.param('fileId'));
    if (!file) return notFound(c);
    return c.body(new Uint8Array(file.bytes), 200, {
      'content-type': file.mimeType,
      'cache-control': 'private, max-age=3600',
    });
  });
}
