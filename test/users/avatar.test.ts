import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Avatar } from '../../src/features/users/avatar.entity.js';
import { AVATAR_MAX_BYTES } from '../../src/features/users/profile.js';
import { User } from '../../src/features/users/user.entity.js';
import { startHttpServer } from '../../src/platform/http/server.js';
import { createLogger } from '../../src/platform/logger.js';
import { type UsersApi, usersApi } from './fixtures.js';

let t: UsersApi;
beforeAll(async () => {
  t = await usersApi();
});
afterAll(async () => {
  await t?.close();
});

const MiB = 1024 * 1024;

/** Magic bytes followed by filler up to `size` bytes; only the start decides the type. */
function image(kind: 'png' | 'jpeg' | 'webp', size = 64): Uint8Array {
  const head = {
    png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    jpeg: [0xff, 0xd8, 0xff, 0xe0],
    webp: [...Buffer.from('RIFF'), 0x24, 0, 0, 0, ...Buffer.from('WEBPVP8 ')],
  }[kind];
  const bytes = new Uint8Array(size);
  bytes.set(head);
  for (let i = head.length; i < size; i++) bytes[i] = i % 251;
  return bytes;
}

const put = (token: string | undefined, body: Uint8Array, contentType = 'application/octet-stream') =>
  t.request('PUT', '/users/me/avatar', { token, body, headers: { 'content-type': contentType } });

/**
 * PUT over a fresh connection with node:http, which (unlike fetch) reads a response that arrives
 * before the whole body was sent, as the 413 does. Without Content-Length the body goes chunked.
 */
function rawPut(port: number, headers: Record<string, string>, bytes: Uint8Array, chunked: boolean) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/users/me/avatar',
        method: 'PUT',
        agent: false,
        headers: chunked ? headers : { ...headers, 'content-length': String(bytes.length) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    // Writing may fail once the server has answered early and closed; the response decides.
    req.on('error', (err) => setTimeout(() => reject(err), 1000).unref());
    for (let i = 0; i < bytes.length; i += 64 * 1024) req.write(bytes.subarray(i, i + 64 * 1024));
    req.end();
  });
}

async function bytesOf(path: string, token: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('PUT /users/me/avatar', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
  ] as const)('stores a %s image with the type found in its bytes', async (kind, contentType) => {
    const { user, token } = await t.createUser();
    const body = image(kind, 1000);
    const res = await put(token, body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ contentType, size: 1000, updatedAt: expect.stringMatching(/Z$/) });

    const row = await t.db.orm.em.fork().findOneOrFail(Avatar, { user: user.id }, { populate: ['data'] });
    expect(row).toMatchObject({ contentType, size: 1000 });
    expect(new Uint8Array(row.data)).toEqual(body);
  });

  it('decides the type by content, not by the Content-Type header', async () => {
    const { token } = await t.createUser();
    expect((await put(token, image('jpeg'), 'image/png')).body.contentType).toBe('image/jpeg');
    expect((await put(token, image('png'), 'image/webp')).body.contentType).toBe('image/png');
    // An SVG (scriptable) or HTML file labelled as PNG is refused.
    for (const text of ['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', '<html>']) {
      const res = await put(token, new TextEncoder().encode(text), 'image/png');
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('unsupported_image');
    }
  });

  it.each([
    ['GIF', [...Buffer.from('GIF89a'), 1, 0, 1, 0]],
    ['BMP', [...Buffer.from('BM'), 0, 0, 0, 0]],
    ['RIFF but WAVE', [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WAVE')]],
    ['truncated PNG signature', [0x89, 0x50, 0x4e, 0x47]],
    ['JPEG with two bytes', [0xff, 0xd8]],
    ['text', [...Buffer.from('hello world')]],
    ['base64 of a PNG', [...Buffer.from(Buffer.from(image('png')).toString('base64'))]],
  ])('refuses %s with 422 unsupported_image', async (_name, bytes) => {
    const { user, token } = await t.createUser();
    const res = await put(token, new Uint8Array(bytes), 'image/png');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'unsupported_image', message: expect.any(String) });
    expect(await t.db.orm.em.fork().count(Avatar, { user: user.id })).toBe(0);
  });

  it('refuses an empty body with 422', async () => {
    const { token } = await t.createUser();
    const res = await put(token, new Uint8Array(0), 'image/png');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('empty_image');
    const none = await t.request('PUT', '/users/me/avatar', { token });
    expect(none.status).toBe(422);
  });

  it('accepts exactly 1 MiB and refuses 1 MiB + 1 byte with 413 (streamed body)', async () => {
    const { token } = await t.createUser();
    const ok = await put(token, image('png', MiB));
    expect(ok.status).toBe(200);
    expect(ok.body.size).toBe(AVATAR_MAX_BYTES);
    const big = await put(token, image('png', MiB + 1));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
  });

  it('accepts exactly 1 MiB and refuses 1 MiB + 1 over a real HTTP server (Content-Length and chunked)', async () => {
    const { token } = await t.createUser();
    const http = await startHttpServer(t.app, { port: 0, host: '127.0.0.1', log: createLogger('silent') });
    try {
      const upload = (bytes: Uint8Array, chunked: boolean) =>
        rawPut(http.port, { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, bytes, chunked);
      for (const chunked of [false, true]) {
        const exact = await upload(image('png', MiB), chunked);
        expect(exact.status, `chunked=${chunked}`).toBe(200);
        expect(JSON.parse(exact.body).size).toBe(MiB);
        const over = await upload(image('png', MiB + 1), chunked);
        expect(over.status, `chunked=${chunked}`).toBe(413);
        expect(JSON.parse(over.body)).toMatchObject({ error: { code: 'payload_too_large' } });
      }
    } finally {
      await http.close();
    }
  });

  it('stays limited to 1 MiB when the app allows larger bodies elsewhere', async () => {
    const { token } = await t.createUser();
    const app = t.customApp({ bodyLimitBytes: 16 * MiB });
    const send = (size: number) =>
      app.request('/users/me/avatar', {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
        body: image('png', size),
      });
    expect((await send(MiB)).status).toBe(200);
    const over = await send(MiB + 1);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('replaces the previous avatar', async () => {
    const { user, token } = await t.createUser();
    await put(token, image('png', 100));
    const res = await put(token, image('jpeg', 200));
    expect(res.body).toMatchObject({ contentType: 'image/jpeg', size: 200 });
    const rows = await t.db.orm.em.fork().find(Avatar, { user: user.id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ contentType: 'image/jpeg', size: 200 });
  });

  it('needs a token', async () => {
    const res = await put(undefined, image('png'));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});

describe('GET /users/{username}/avatar and GET /users/me/avatar', () => {
  it('serves the bytes with the stored type, private caching, an ETag and nosniff', async () => {
    const owner = await t.createUser({ username: 'PicOwner' });
    const viewer = await t.createUser();
    const body = image('webp', 5000);
    await put(owner.token, body, 'image/png');

    for (const path of ['/users/PicOwner/avatar', '/users/picowner/avatar', '/users/PICOWNER/avatar']) {
      const { res, bytes } = await bytesOf(path, viewer.token);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      expect(res.headers.get('cache-control')).toBe('private, max-age=300');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('etag')).toMatch(/^"[^"]+"$/);
      expect(new Date(res.headers.get('last-modified') ?? '').getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(bytes).toEqual(body);
    }
    const mine = await bytesOf('/users/me/avatar', owner.token);
    expect(mine.res.status).toBe(200);
    expect(mine.bytes).toEqual(body);
  });

  it('answers 304 for a matching If-None-Match and 200 again once the avatar changed', async () => {
    const owner = await t.createUser({ username: 'EtagOwner' });
    const viewer = await t.createUser();
    await put(owner.token, image('png', 300));
    const first = await bytesOf('/users/etagowner/avatar', viewer.token);
    const etag = first.res.headers.get('etag') ?? '';

    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      t.db.queries.length = 0;
      const { res, bytes } = await bytesOf('/users/etagowner/avatar', viewer.token, { 'if-none-match': ifNoneMatch });
      expect(res.status, ifNoneMatch).toBe(304);
      expect(bytes.length).toBe(0);
      expect(res.headers.get('etag')).toBe(etag);
      expect(res.headers.get('cache-control')).toBe('private, max-age=300');
      // The image itself is not read for a 304.
      expect(t.db.queries.filter((q) => q.includes('"data"'))).toEqual([]);
    }
    const stale = await bytesOf('/users/etagowner/avatar', viewer.token, { 'if-none-match': '"stale"' });
    expect(stale.res.status).toBe(200);
    expect(stale.bytes).toEqual(image('png', 300));

    await put(owner.token, image('jpeg', 300));
    const changed = await bytesOf('/users/etagowner/avatar', viewer.token, { 'if-none-match': etag });
    expect(changed.res.status).toBe(200);
    expect(changed.res.headers.get('content-type')).toBe('image/jpeg');
    expect(changed.res.headers.get('etag')).not.toBe(etag);
  });

  it('404 for unknown users, users without an avatar, pending, Telegram-only and banned users', async () => {
    const viewer = await t.createUser();
    await t.createUser({ username: 'NoPicture' });
    const pending = await t.createUser({ username: 'PendingPic', accountState: 'pending' });
    const banned = await t.createUser({ username: 'BannedPic' });
    const em = t.db.orm.em.fork();
    for (const { user } of [pending, banned]) {
      em.create(Avatar, { user: user.id, contentType: 'image/png', data: Buffer.from(image('png')), size: 64 });
    }
    await em.flush();
    await t.db.orm.em.fork().nativeUpdate(User, { id: banned.user.id }, { status: 'banned' });

    for (const name of ['nobody_here', 'NoPicture', 'PendingPic', 'BannedPic', 'x'.repeat(5000), '%00', 'a%2Fb', 'ü']) {
      const res = await t.request('GET', `/users/${name}/avatar`, { token: viewer.token });
      expect(res.status, name.slice(0, 20)).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await t.request('GET', '/users/me/avatar', { token: viewer.token })).status).toBe(404);
  });

  it('needs a token', async () => {
    const res = await t.request('GET', '/users/someone/avatar');
    expect(res.status).toBe(401);
  });
});

describe('DELETE /users/me/avatar', () => {
  it('removes the avatar (204), and again 204 when there is none', async () => {
    const { user, token } = await t.createUser({ username: 'Deleter' });
    const viewer = await t.createUser();
    await put(token, image('png'));
    expect((await t.request('GET', '/users/deleter', { token: viewer.token })).body.hasAvatar).toBe(true);

    const res = await t.request('DELETE', '/users/me/avatar', { token });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(await t.db.orm.em.fork().count(Avatar, { user: user.id })).toBe(0);
    expect((await t.request('GET', '/users/deleter/avatar', { token: viewer.token })).status).toBe(404);
    expect((await t.request('GET', '/users/deleter', { token: viewer.token })).body.hasAvatar).toBe(false);

    expect((await t.request('DELETE', '/users/me/avatar', { token })).status).toBe(204);
  });

  it("never touches another user's avatar", async () => {
    const other = await t.createUser({ username: 'KeepsPic' });
    const me = await t.createUser();
    await put(other.token, image('png'));
    await t.request('DELETE', '/users/me/avatar', { token: me.token });
    expect(await t.db.orm.em.fork().count(Avatar, { user: other.user.id })).toBe(1);
  });

  it('needs a token', async () => {
    expect((await t.request('DELETE', '/users/me/avatar')).status).toBe(401);
  });
});
