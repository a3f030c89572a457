import { beforeAll, describe, expect, it } from 'vitest';
import { RefreshToken } from '../../src/features/accounts/account.entities.js';
import { hashRefreshToken, revokeAllForUser } from '../../src/features/accounts/refresh-tokens.js';
import { authenticate } from '../../src/features/users/api/authenticate.js';
import { User } from '../../src/features/users/user.entity.js';
import { hashPassword } from '../../src/platform/auth/passwords.js';
import { type TestDatabase, useTestEnvironment } from '../helpers/environment.js';
import { apiRequest, type createTestApi } from '../helpers/services.js';

const PASSWORD = 'refresh me please';

let db: TestDatabase;
let app: ReturnType<typeof createTestApi>;
let passwordHash: string;

const env = useTestEnvironment({
  routes: (s) => [
    // A protected route of the tests' own, so this file does not depend on other features.
    (a) => a.get('/test/whoami', authenticate(s), (c) => c.json({ id: c.var.principal.user.id })),
  ],
});
beforeAll(async () => {
  ({ db, app } = env);
  passwordHash = await hashPassword(PASSWORD);
});

let counter = 0;
/** A fresh active account and one login of it. */
async function loggedIn(): Promise<{ user: User; access: string; refresh: string }> {
  const em = db.orm.em.fork();
  const user = em.create(User, { username: `refresher_${++counter}`, passwordHash, accountState: 'active' });
  await em.flush();
  const response = await apiRequest(app, 'POST', '/auth/login', {
    json: { username: user.username, password: PASSWORD },
  });
  expect(response.status).toBe(200);
  return { user, access: response.body.access_token, refresh: response.body.refresh_token };
}

const refresh = (token: string) => apiRequest(app, 'POST', '/auth/refresh', { json: { refresh_token: token } });
const logout = (token: string) => apiRequest(app, 'POST', '/auth/logout', { json: { refresh_token: token } });

async function setUser(id: string, changes: Partial<Pick<User, 'status'>>): Promise<void> {
  await db.orm.em.fork().nativeUpdate(User, { id }, changes);
}

describe('POST /auth/refresh', () => {
  it('trades a refresh token for a new pair in the same login, once', async () => {
    const { user, refresh: first } = await loggedIn();
    const response = await refresh(first);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: 'bearer',
      expires_in: 900,
    });
    expect(response.body.refresh_token).not.toBe(first);
    expect(response.headers.get('cache-control')).toBe('no-store');

    const rows = await db.orm.em.fork().find(RefreshToken, { user: user.id }, { orderBy: { createdAt: 'asc' } });
    expect(rows).toHaveLength(2);
    expect(rows[0]?.familyId).toBe(rows[1]?.familyId);
    expect(rows[0]?.usedAt).toBeInstanceOf(Date);
    expect(rows[1]?.usedAt).toBeNull();

    // The successor works in turn.
    expect((await refresh(response.body.refresh_token)).status).toBe(200);
  });

  it('stores only the SHA-256 of a refresh token, never the token', async () => {
    const { user, refresh: token } = await loggedIn();
    const [row] = await db.orm.em.fork().find(RefreshToken, { user: user.id });
    expect(row?.tokenHash).toBe(hashRefreshToken(token));
    const dump = JSON.stringify(await db.orm.em.fork().getConnection().execute('select * from refresh_tokens'));
    expect(dump).not.toContain(token);
  });

  it('revokes the whole login when a used token comes back (reuse detection)', async () => {
    const { refresh: first } = await loggedIn();
    const second = (await refresh(first)).body.refresh_token as string;

    const replay = await refresh(first);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('invalid_refresh_token');
    // The fresh token of the same login is revoked too.
    const afterReplay = await refresh(second);
    expect(afterReplay.status).toBe(401);
    expect(afterReplay.body.error.code).toBe('invalid_refresh_token');
  });

  it('does not touch other logins of the same user on reuse', async () => {
    const { user, refresh: first } = await loggedIn();
    const other = await apiRequest(app, 'POST', '/auth/login', {
      json: { username: user.username, password: PASSWORD },
    });
    await refresh(first);
    expect((await refresh(first)).status).toBe(401);
    expect((await refresh(other.body.refresh_token)).status).toBe(200);
  });

  it('lets exactly one of two concurrent refreshes with one token succeed', async () => {
    const { refresh: token } = await loggedIn();
    const results = await Promise.all([refresh(token), refresh(token)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
    expect(results.find((r) => r.status === 401)?.body.error.code).toBe('invalid_refresh_token');
    // The loser presented a used token: reuse detection revoked the login, the pair the winner got too
    // (as the route's description tells clients).
    const winner = results.find((r) => r.status === 200);
    expect((await refresh(winner?.body.refresh_token)).status).toBe(401);
  });

  it('refuses an expired refresh token', async () => {
    const { user, refresh: token } = await loggedIn();
    await db.orm.em.fork().nativeUpdate(RefreshToken, { user: user.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await refresh(token)).status).toBe(401);
  });

  it('tells a banned user why (403 user_banned) and ends that login; a deleted one gets 401', async () => {
    const banned = await loggedIn();
    await setUser(banned.user.id, { status: 'banned' });
    const bannedResponse = await refresh(banned.refresh);
    expect(bannedResponse.status).toBe(403);
    expect(bannedResponse.body.error.code).toBe('user_banned');
    expect(bannedResponse.body).not.toHaveProperty('access_token');
    // Unbanning does not bring that login back: its family was revoked.
    await setUser(banned.user.id, { status: 'active' });
    expect((await refresh(banned.refresh)).status).toBe(401);

    // A ban revokes every login at once (revokeAllForUser): the newest token still hears why, and
    // a token revoked by a logout of an active user is a plain 401.
    const other = await loggedIn();
    await revokeAllForUser(db.orm.em.fork(), other.user.id);
    await setUser(other.user.id, { status: 'banned' });
    const revoked = await refresh(other.refresh);
    expect([revoked.status, revoked.body.error.code]).toEqual([403, 'user_banned']);
    const loggedOut = await loggedIn();
    expect((await apiRequest(app, 'POST', '/auth/logout', { json: { refresh_token: loggedOut.refresh } })).status).toBe(
      204,
    );
    const afterLogout = await refresh(loggedOut.refresh);
    expect([afterLogout.status, afterLogout.body.error.code]).toEqual([401, 'invalid_refresh_token']);

    const deleted = await loggedIn();
    await db.orm.em.fork().nativeDelete(User, { id: deleted.user.id });
    expect((await refresh(deleted.refresh)).status).toBe(401);
  });

  it('refuses garbage and answers malformed bodies with 4xx', async () => {
    expect((await refresh('not-a-token')).status).toBe(401);
    expect((await refresh('A'.repeat(43))).status).toBe(401);
    const missing = await apiRequest(app, 'POST', '/auth/refresh', { json: {} });
    expect(missing.status).toBe(422);
    const extra = await apiRequest(app, 'POST', '/auth/refresh', { json: { refresh_token: 'x', more: 1 } });
    expect(extra.status).toBe(422);
    const broken = await apiRequest(app, 'POST', '/auth/refresh', {
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
  });

  it('is not a bearer token: an API route refuses a refresh token', async () => {
    const { access, refresh: token } = await loggedIn();
    expect((await apiRequest(app, 'GET', '/test/whoami', { token: access })).status).toBe(200);
    const response = await apiRequest(app, 'GET', '/test/whoami', { token });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });
});

describe('POST /auth/logout', () => {
  it('answers 204 and stops every refresh token of that login', async () => {
    const { refresh: first } = await loggedIn();
    const second = (await refresh(first)).body.refresh_token as string;
    const response = await logout(second);
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect((await refresh(second)).status).toBe(401);
  });

  it('logging out with an older token of the login also ends it', async () => {
    const { refresh: first } = await loggedIn();
    const second = (await refresh(first)).body.refresh_token as string;
    expect((await logout(first)).status).toBe(204);
    expect((await refresh(second)).status).toBe(401);
  });

  it('leaves the user’s other logins alone', async () => {
    const { user, refresh: token } = await loggedIn();
    const other = await apiRequest(app, 'POST', '/auth/login', {
      json: { username: user.username, password: PASSWORD },
    });
    await logout(token);
    expect((await refresh(other.body.refresh_token)).status).toBe(200);
  });

  it('answers 204 for an unknown token too, revealing nothing', async () => {
    expect((await logout('A'.repeat(43))).status).toBe(204);
    expect((await logout('whatever')).status).toBe(204);
  });
});
