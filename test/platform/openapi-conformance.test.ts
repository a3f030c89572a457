import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clickCode } from '../../src/features/mailings/clicks.js';
import { countWrite, WRITE_LIMITS } from '../../src/features/tasks/tasks.js';
import { User } from '../../src/features/users/user.entity.js';
import { issueAccessToken } from '../../src/platform/auth/access-token.js';
import { ADMIN_SCOPES, type ServiceScope } from '../../src/platform/auth/service-tokens.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { schemaProblems } from '../helpers/openapi-schema.js';
import { servicesLackingOneScope } from '../helpers/service-keys.js';
import { fromAddress } from '../helpers/services.js';

/**
 * The OpenAPI document against what the API answers: every operation of /openapi.json is driven
 * through the real app with a valid request and the usual failures (no or a bad token, a banned
 * user, a service token without the scope, a non-admin on admin routes, unknown ids, bad JSON, a
 * wrong content type, unknown fields, a body over the limit, bad `limit`s) plus what each route
 * documents of its own (409, 429, 202, 304, CSV…). Each answer must be documented for its
 * operation: a listed status (or `default`), a listed content type, and a JSON body that fits the
 * documented schema, as a generated client reads it. An operation the document gains without a
 * case here fails the last test, and so does a documented status no case reaches (unless listed in
 * NOT_EXERCISED with the reason).
 */

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, Json>; security?: unknown[]; parameters?: Json[]; requestBody?: Json };
type Doc = Json & { paths: Record<string, Record<string, Operation>> };

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

const lacking = servicesLackingOneScope();

const env = useTestEnvironment({
  env: {
    SERVICE_KEYS: JSON.stringify(lacking.serviceKeys),
  },
});

const tokenWithout = lacking.tokenWithout;

/** The smallest thing the avatar check takes as a PNG (it reads the signature). */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(56).fill(0)]);
const PASSWORD = 'long enough pw';
const future = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

interface Call {
  /** Concrete path with query; the template's when omitted. */
  path?: string;
  token?: string;
  json?: unknown;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  address?: string;
}
interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are read field by field in scenarios
  body: any;
  headers: Headers;
}

let doc: Doc;
/** Documented statuses each operation answered here (`POST /tasks` → {201, 401, …}). */
const exercised = new Map<string, Set<string>>();
let problems: string[] = [];
let nextAddress = 1;

const media = (type: string | null) => (type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

function resolve(node: Json | undefined): Json | undefined {
  const ref = node?.$ref;
  if (typeof ref !== 'string') return node;
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], doc) as Json | undefined;
}

/**
 * Sends one request of operation `op` ("METHOD /template"), checks the answer against the
 * document and that it is the status the case is about (else the case proves nothing), and
 * returns it. Problems are collected; each test asserts there are none.
 */
async function hit(op: string, expected: number, call: Call = {}): Promise<Answer> {
  const [method = '', template = ''] = op.split(' ');
  const path = call.path ?? template;
  const where = `${op} (${method} ${path}${call.token ? '' : ', no token'}) → ${expected}`;
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  let body = call.body;
  if (call.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(call.json);
  }
  let address = call.address;
  if (address === undefined && op === 'POST /auth/register') {
    const n = nextAddress++;
    address = `198.19.${(n >> 8) & 255}.${n & 255}`; // RFC 2544: never a real client; one each, below the limit
  }
  const response = await env.app.request(path, { method, headers, body }, address ? fromAddress(address) : undefined);
  const raw = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(raw);
  const type = media(response.headers.get('content-type'));
  let parsed: unknown = text;
  if (type.includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      problems.push(`${where}: ${type} body is not JSON`);
    }
  }
  const status = String(response.status);
  if (response.status !== expected) problems.push(`${where}: answered ${status} ${text.slice(0, 300)}`);
  const operation = doc.paths[template]?.[method.toLowerCase()];
  if (!operation) {
    problems.push(`${where}: no such operation in the document`);
    return { status: response.status, body: parsed, headers: response.headers };
  }
  const listed = operation.responses[status] ?? operation.responses.default;
  if (!listed) {
    problems.push(`${where}: status ${status} is not documented (${text.slice(0, 200)})`);
    return { status: response.status, body: parsed, headers: response.headers };
  }
  if (operation.responses[status]) {
    const seen = exercised.get(op) ?? new Set<string>();
    seen.add(status);
    exercised.set(op, seen);
  }
  const documented = resolve(listed) as { content?: Record<string, { schema?: Json }>; headers?: Json } | undefined;
  const content = documented?.content;
  if (!content) {
    if (raw.length > 0) problems.push(`${where}: documented without a body, answered ${type} "${text.slice(0, 100)}"`);
  } else if (!content[type]) {
    problems.push(`${where}: content type "${type}" is not one of ${Object.keys(content).join(', ')}`);
  } else if (type.includes('json')) {
    const schema = content[type]?.schema;
    if (schema) {
      for (const p of schemaProblems(doc, schema, parsed, '$', { closed: true }))
        problems.push(`${where}: ${p} in ${text.slice(0, 300)}`);
    }
  }
  // SPEC §3: every 429 (and 503) says when to come back.
  if ((status === '429' || status === '503') && !response.headers.get('retry-after')) {
    problems.push(`${where}: no Retry-After`);
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

beforeEach(() => {
  problems = [];
});

function expectNoProblems() {
  const found = problems;
  problems = [];
  expect(found).toEqual([]);
}

// ----- fixtures -------------------------------------------------------------------------------

let nextTelegramId = 7_100_000 + Math.floor(Math.random() * 100_000);
let nextName = 1;
const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}${nextName++}`;

/** A Telegram user who started the bot, with an active HTTP account on the same row and a token. */
async function linkedAccount(prefix: string) {
  const client = env.bot.client({ id: nextTelegramId++, first_name: prefix, language_code: 'en' });
  await client.sendCommand('start');
  const username = uniqueName(prefix);
  const em = env.em();
  await em.nativeUpdate(User, { telegramId: client.user.id }, { username, accountState: 'active' });
  const user = await em.findOneOrFail(User, { telegramId: client.user.id });
  const { token } = await issueAccessToken(env.services.keys, env.services.config.publicUrl, user.id);
  return { user, token, username, client };
}

const f = {} as {
  ann: { id: string; token: string; username: string };
  bob: { id: string; token: string; username: string };
  plain: { id: string; token: string; username: string };
  admin: { id: string; token: string; username: string };
  banned: { id: string; token: string };
  taskId: string;
  commentId: string;
  mailingId: string;
  clickCode: string;
};

beforeAll(async () => {
  const spec = await env.app.request('/openapi.json');
  doc = (await spec.json()) as Doc;
  const ann = await linkedAccount('ann');
  const admin = await linkedAccount('root');
  await env.em().nativeUpdate(User, { id: admin.user.id }, { role: 'admin' });
  const account = async (prefix: string) => {
    const { user, token } = await createAccount(env.services, { username: uniqueName(prefix) });
    return { id: user.id, token, username: user.username as string };
  };
  f.ann = { id: ann.user.id, token: ann.token, username: ann.username };
  f.admin = { id: admin.user.id, token: admin.token, username: admin.username };
  f.bob = await account('bob');
  f.plain = await account('carl');
  const banned = await account('eve');
  await env.em().nativeUpdate(User, { id: banned.id }, { status: 'banned' });
  f.banned = banned;

  const task = await env.app.request('/tasks', {
    method: 'POST',
    headers: { authorization: `Bearer ${f.ann.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Fixture task' }),
  });
  f.taskId = ((await task.json()) as { id: string }).id;
  const comment = await env.app.request(`/tasks/${f.taskId}/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${f.ann.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'Fixture comment' }),
  });
  f.commentId = ((await comment.json()) as { id: string }).id;

  // A scheduled mailing with a button, and one recipient whose message was sent an hour ago:
  // its button link works and it can be recalled.
  const mailing = await env.app.request('/mailings', {
    method: 'POST',
    headers: { authorization: `Bearer ${f.admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      text: 'Fixture <b>sale</b>',
      buttons: [[{ text: 'Shop', url: 'https://example.com/shop' }]],
      startAt: future(24),
      endAt: future(48),
    }),
  });
  f.mailingId = ((await mailing.json()) as { id: string }).id;
  const connection = env.em().getConnection();
  await connection.execute(`update mailings set click_secret = ? where id = ?`, [
    'fixture-secret-fixture-secret-32',
    f.mailingId,
  ]);
  const [delivery] = await connection.execute<{ id: string }[]>(
    `insert into deliveries (mailing_id, user_id, chat_id, timezone, language, status, attempts, sent_at, telegram_message_id, updated_at)
     values (?, ?, ?, 'UTC', 'en', 'sent', 1, now() - interval '1 hour', 1, now()) returning id::text as id`,
    [f.mailingId, ann.user.id, ann.client.user.id],
  );
  f.clickCode = clickCode('fixture-secret-fixture-secret-32', String(delivery?.id), 0);
});

/** The path of an operation with ids that exist and the caller may see. */
function validPath(template: string): string {
  return template
    .replace('{commentId}', f.commentId)
    .replace('/tasks/{id}', `/tasks/${f.taskId}`)
    .replace('/mailings/{id}', `/mailings/${f.mailingId}`)
    .replace('/admin/users/{id}', `/admin/users/${f.bob.id}`)
    .replace('{username}', f.bob.username)
    .replace('{code}', f.clickCode);
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ op: `${method.toUpperCase()} ${template}`, template, method, operation })),
  );
const scopeOf = (operation: Operation) => (operation as Json)['x-required-scope'] as ServiceScope | undefined;
const isAdminOp = (operation: Operation) => {
  const scope = scopeOf(operation);
  return scope !== undefined && (ADMIN_SCOPES as readonly string[]).includes(scope);
};
/** A token that passes authentication and the scope of the operation. */
const tokenFor = (operation: Operation) => (isAdminOp(operation) ? f.admin.token : f.ann.token);
/** A body each operation with an id in its path would take, for the 404 of an unknown id. */
const VALID_BODY: Record<string, unknown> = {
  'PATCH /tasks/{id}': { status: 'done' },
  'POST /tasks/{id}/comments': { text: 'Hello' },
  'PATCH /tasks/{id}/comments/{commentId}': { text: 'Hello' },
  'PATCH /mailings/{id}': { text: 'Hello' },
  'PATCH /admin/users/{id}': { tags: ['vip'] },
};
/** Required query parameters of a list, so a request is about its `limit`. */
const LIST_QUERY: Record<string, string> = { 'GET /users': 'search=b&' };
const jsonBodyOf = (operation: Operation) =>
  Boolean((operation.requestBody?.content as Json | undefined)?.['application/json']);

describe('every operation, the failures common to its kind (derived from the document)', () => {
  it('no token, a bad token, a banned user: 401 / 403 as documented', async () => {
    for (const { op, template, operation } of operations()) {
      if (!operation.security?.length) continue;
      const path = validPath(template);
      await hit(op, 401, { path });
      await hit(op, 401, { path, token: 'not.a.token' });
      // GET /ws refuses a plain GET (426) only after authentication: these are about the token.
      await hit(op, 403, { path, token: f.banned.token });
    }
    expectNoProblems();
  });

  it('a service token without the operation’s scope: 403; a non-admin on admin operations: 403; a service on user-only ones: 401', async () => {
    for (const { op, template, operation } of operations()) {
      if (!operation.security?.length) continue;
      const path = validPath(template);
      const scope = scopeOf(operation);
      if (scope) await hit(op, 403, { path, token: await tokenWithout(scope, f.admin.id) });
      else {
        // /token (a link token would attach the account to a chat) and /ws: the user's own token only.
        await hit(op, 401, { path, token: await tokenWithout('tasks:read', f.ann.id) });
      }
      if (isAdminOp(operation)) await hit(op, 403, { path, token: f.plain.token });
    }
    expectNoProblems();
  });

  it('an unknown id in the path: 404', async () => {
    for (const { op, template, operation } of operations()) {
      if (!template.includes('{')) continue;
      const token = operation.security?.length ? tokenFor(operation) : undefined;
      const unknown = template
        .replace('{username}', 'nobody_here_zz')
        .replace('{code}', 'zz.0notacode')
        .replace(/\{[A-Za-z]+\}/g, '987654321');
      // A body that would pass, so the answer is about the id.
      const json = VALID_BODY[op];
      await hit(op, 404, { path: unknown, token, json });
      if (template.includes('{commentId}')) {
        const path = template.replace('{id}', f.taskId).replace('{commentId}', '987654321');
        await hit(op, 404, { path, token, json });
      }
      // Not a number at all, or not even a valid escape: the same 404, no 5xx.
      for (const odd of ['abc', '%E0%A4%A', '%00', '1%2F2']) {
        const path = template.includes('{id}')
          ? validPath(template).replace(/\/\d+/, `/${odd}`)
          : template.replace(/\{[A-Za-z]+\}/, odd);
        await hit(op, 404, { path, token, json });
      }
    }
    expectNoProblems();
  });

  it('a JSON body that is not JSON (400), not JSON at all (415), has unknown fields or the wrong shape (422), or is too large (413)', async () => {
    for (const { op, template, method, operation } of operations()) {
      const token = operation.security?.length ? tokenFor(operation) : undefined;
      const path = validPath(template);
      if (jsonBodyOf(operation)) {
        await hit(op, 400, { path, token, body: '{"title": ', headers: { 'content-type': 'application/json' } });
        await hit(op, 415, { path, token, body: 'title=x', headers: { 'content-type': 'text/plain' } });
        await hit(op, 422, { path, token, json: { unknownField: 1 } });
        await hit(op, 422, { path, token, json: [] });
      }
      if (method !== 'get') {
        await hit(op, 413, {
          path,
          token,
          body: 'x'.repeat(1024 * 1024 + 1),
          headers: { 'content-type': 'application/json' },
        });
      }
    }
    expectNoProblems();
  });

  it('a `limit` that is not a whole decimal number from 1 to 100: 422 naming limit; the bounds and the default work', async () => {
    let lists = 0;
    for (const { op, template, operation } of operations()) {
      const limit = operation.parameters?.find((p) => p.in === 'query' && p.name === 'limit');
      if (!limit) continue;
      lists += 1;
      // What a generator reads: a whole number, 1–100, 20 when absent.
      expect(limit.schema, op).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
      const token = tokenFor(operation);
      const path = validPath(template);
      for (const bad of [
        'abc',
        '0',
        '101',
        '-1',
        '0x10',
        '1e2',
        ' 5',
        '5 ',
        '5.0',
        '5.5',
        '+5',
        '',
        '1_0',
        'Infinity',
      ]) {
        const res = await hit(op, 422, {
          path: `${path}?${LIST_QUERY[op] ?? ''}limit=${encodeURIComponent(bad)}`,
          token,
        });
        expect(res.body?.error?.details, `${op} limit=${JSON.stringify(bad)}`).toEqual([
          { path: 'limit', message: expect.any(String) },
        ]);
      }
      const repeated = await hit(op, 422, { path: `${path}?${LIST_QUERY[op] ?? ''}limit=1&limit=2`, token });
      expect(repeated.body?.error?.details?.[0]?.path, `${op} limit twice`).toBe('limit');
      for (const good of ['1', '5', '100', '007']) {
        const res = await hit(op, 200, { path: `${path}?${LIST_QUERY[op] ?? ''}limit=${good}`, token });
        expect(Array.isArray(res.body?.items), `${op} limit=${good}`).toBe(true);
      }
    }
    expect(lists).toBeGreaterThanOrEqual(7);
    expectNoProblems();
  });
});

describe('each operation: a valid request and what it documents of its own', () => {
  it('operations and accounts', async () => {
    await hit('GET /health', 200);
    await hit('GET /ready', 200);
    await hit('GET /metrics', 200);
    await hit('GET /.well-known/jwks.json', 200);

    const name = uniqueName('reg');
    await hit('POST /auth/register', 201, { json: { username: name, password: PASSWORD, firstName: 'Reg' } });
    await hit('POST /auth/register', 409, { json: { username: name, password: PASSWORD } });
    await hit('POST /auth/register', 422, { json: { username: 'x', password: PASSWORD } });
    await hit('POST /auth/register', 422, {
      json: { username: uniqueName('ghost'), password: PASSWORD, telegramId: 1 },
    });
    const waiting = env.bot.client({ id: nextTelegramId++, first_name: 'Wait', language_code: 'en' });
    await waiting.sendCommand('start');
    const pending = uniqueName('pend');
    await hit('POST /auth/register', 202, {
      json: { username: pending, password: PASSWORD, telegramId: waiting.user.id },
    });
    const linkedId = (await env.em().findOneOrFail(User, { id: f.ann.id })).telegramId;
    await hit('POST /auth/register', 409, {
      json: { username: uniqueName('taken'), password: PASSWORD, telegramId: linkedId },
    });
    // Ten registrations from one address in ten minutes, then 429 whatever the outcome.
    for (let i = 0; i < 10; i++) {
      await hit('POST /auth/register', 409, { json: { username: name, password: PASSWORD }, address: '198.51.100.77' });
    }
    await hit('POST /auth/register', 429, { json: { username: name, password: PASSWORD }, address: '198.51.100.77' });

    const pair = await hit('POST /auth/login', 200, { json: { username: name, password: PASSWORD } });
    await hit('POST /auth/login', 200, {
      body: new URLSearchParams({ grant_type: 'password', username: name, password: PASSWORD }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await hit('POST /auth/login', 401, { json: { username: name, password: 'wrong password' } });
    await hit('POST /auth/login', 403, { json: { username: pending, password: PASSWORD } });
    await hit('POST /auth/login', 422, { json: { username: name } });
    await hit('POST /auth/login', 415, { body: `username=${name}&password=x` });
    const bannedName = uniqueName('banned');
    await hit('POST /auth/register', 201, { json: { username: bannedName, password: PASSWORD } });
    await env.em().nativeUpdate(User, { username: bannedName }, { status: 'banned' });
    await hit('POST /auth/login', 403, { json: { username: bannedName, password: PASSWORD } });
    const throttled = uniqueName('slow');
    await hit('POST /auth/register', 201, { json: { username: throttled, password: PASSWORD } });
    for (let i = 0; i < 5; i++) {
      await hit('POST /auth/login', 401, { json: { username: throttled, password: `wrong ${i}` } });
    }
    await hit('POST /auth/login', 429, { json: { username: throttled, password: PASSWORD } });

    const refreshed = await hit('POST /auth/refresh', 200, { json: { refresh_token: pair.body.refresh_token } });
    await hit('POST /auth/refresh', 401, { json: { refresh_token: pair.body.refresh_token } });
    await hit('POST /auth/refresh', 422, { json: { refresh_token: '' } });
    const toBan = uniqueName('banlater');
    await hit('POST /auth/register', 201, { json: { username: toBan, password: PASSWORD } });
    const before = await hit('POST /auth/login', 200, { json: { username: toBan, password: PASSWORD } });
    await env.em().nativeUpdate(User, { username: toBan }, { status: 'banned' });
    await hit('POST /auth/refresh', 403, { json: { refresh_token: before.body.refresh_token } });
    await hit('POST /auth/logout', 204, { json: { refresh_token: refreshed.body.refresh_token } });
    await hit('POST /auth/logout', 204, { json: { refresh_token: 'unknown-token' } });

    const { token } = f.plain;
    await hit('POST /token', 201, { token });
    await hit('POST /token', 409, { token });
    await hit('GET /token', 200, { token });
    await hit('DELETE /token', 204, { token });
    await hit('GET /token', 404, { token });
    await hit('DELETE /token', 404, { token });
    expectNoProblems();
  });

  it('users', async () => {
    const { token } = f.ann;
    await hit('GET /users/me', 200, { token });
    await hit('PATCH /users/me', 200, { token, json: { firstName: 'Ann', timezone: 'Europe/Moscow', mailings: true } });
    await hit('PATCH /users/me', 422, { token, json: { timezone: 'Mars/Olympus' } });
    await hit('PATCH /users/me', 422, { token, json: { language: 'xx' } });
    await hit('PATCH /users/me', 422, { token, json: { firstName: 'a\u0000b' } });
    await hit('GET /users/me/avatar', 404, { token });
    const headers = { 'content-type': 'image/png' };
    await hit('PUT /users/me/avatar', 200, { token, body: PNG, headers });
    await hit('PUT /users/me/avatar', 422, { token, body: 'hello', headers });
    await hit('PUT /users/me/avatar', 422, { token, body: new Uint8Array(), headers });
    const mine = await hit('GET /users/me/avatar', 200, { token });
    const etag = mine.headers.get('etag') ?? '';
    await hit('GET /users/me/avatar', 304, { token, headers: { 'if-none-match': etag } });
    await hit('GET /users/{username}/avatar', 200, { path: `/users/${f.ann.username}/avatar`, token });
    await hit('GET /users/{username}/avatar', 304, {
      path: `/users/${f.ann.username}/avatar`,
      token,
      headers: { 'if-none-match': etag },
    });
    await hit('GET /users/{username}/avatar', 404, { path: `/users/${f.bob.username}/avatar`, token });
    await hit('DELETE /users/me/avatar', 204, { token });
    await hit('GET /users/{username}', 200, { path: `/users/${f.bob.username}`, token });
    await hit('GET /users', 200, { path: `/users?search=${f.bob.username.slice(0, 3)}`, token });
    await hit('GET /users', 422, { path: '/users', token });
    await hit('GET /users', 422, { path: '/users?search=no%20spaces', token });
    await hit('GET /users', 422, { path: '/users?search=ann&colour=red', token });
    // Blocking (undone at the end: the messages below go between Ann and Bob).
    const bobBlock = `/users/${f.bob.username}/block`;
    const ownBlock = `/users/${f.ann.username}/block`;
    await hit('PUT /users/{username}/block', 204, { path: bobBlock, token });
    await hit('PUT /users/{username}/block', 422, { path: ownBlock, token });
    await hit('GET /users/me/blocked', 200, { token });
    await hit('GET /users/me/blocked', 422, { path: '/users/me/blocked?cursor=not-a-cursor', token });
    await hit('DELETE /users/{username}/block', 204, { path: bobBlock, token });
    await hit('DELETE /users/{username}/block', 422, { path: ownBlock, token });
    expectNoProblems();
  });

  it('tasks and comments', async () => {
    const { token } = f.ann;
    const created = await hit('POST /tasks', 201, {
      token,
      json: { title: 'Renew the passport', dueAt: future(30), remindBefore: 'PT1H', tags: ['docs'] },
    });
    await hit('POST /tasks', 201, { token, json: { title: 'For Bob', assignee: f.bob.username } });
    await hit('POST /tasks', 422, { token, json: { title: '' } });
    await hit('POST /tasks', 422, { token, json: { title: 'Late', dueAt: '2001-01-01T00:00:00Z' } });
    await hit('POST /tasks', 422, { token, json: { title: 7 } });
    await hit('POST /tasks', 422, { token, json: { title: 'x', assignee: 'nobody_here_zz' } });
    await hit('GET /tasks', 200, { token });
    await hit('GET /tasks', 200, { path: '/tasks?status=open&scope=mine&q=passport', token });
    await hit('GET /tasks', 422, { path: '/tasks?status=blocked', token });
    await hit('GET /tasks', 422, { path: '/tasks?cursor=nope', token });
    await hit('GET /tasks', 422, { path: '/tasks?q=', token });
    const id = created.body.id as string;
    await hit('GET /tasks/{id}', 200, { path: `/tasks/${id}`, token });
    await hit('GET /tasks/{id}', 404, { path: `/tasks/${id}`, token: f.bob.token });
    await hit('PATCH /tasks/{id}', 200, { path: `/tasks/${id}`, token, json: { status: 'in_progress', dueAt: null } });
    await hit('PATCH /tasks/{id}', 200, { path: `/tasks/${id}`, token, json: { assignee: f.bob.username } });
    await hit('PATCH /tasks/{id}', 200, { path: `/tasks/${id}`, token: f.bob.token, json: { status: 'done' } });
    await hit('PATCH /tasks/{id}', 404, { path: `/tasks/${id}`, token: f.bob.token, json: { title: 'Mine now' } });
    await hit('PATCH /tasks/{id}', 422, { path: `/tasks/${id}`, token, json: { status: 'blocked' } });
    await hit('PATCH /tasks/{id}', 422, { path: `/tasks/${id}`, token, json: { remindBefore: 'PT2H' } });
    const comments = `/tasks/${id}/comments`;
    const comment = await hit('POST /tasks/{id}/comments', 201, { path: comments, token, json: { text: 'Booked' } });
    await hit('POST /tasks/{id}/comments', 201, { path: comments, token: f.bob.token, json: { text: 'Thanks' } });
    await hit('POST /tasks/{id}/comments', 422, { path: comments, token, json: { text: '' } });
    await hit('POST /tasks/{id}/comments', 422, { path: comments, token, json: { text: 'x'.repeat(2001) } });
    await hit('POST /tasks/{id}/comments', 404, { path: comments, token: f.plain.token, json: { text: 'Hi' } });
    const page = await hit('GET /tasks/{id}/comments', 200, { path: `${comments}?limit=1`, token });
    await hit('GET /tasks/{id}/comments', 200, { path: `${comments}?cursor=${page.body.nextCursor}`, token });
    await hit('GET /tasks/{id}/comments', 422, { path: `${comments}?cursor=zz`, token });
    const one = `${comments}/${comment.body.id}`;
    await hit('PATCH /tasks/{id}/comments/{commentId}', 200, { path: one, token, json: { text: 'Booked, Monday' } });
    await hit('PATCH /tasks/{id}/comments/{commentId}', 404, { path: one, token: f.bob.token, json: { text: 'No' } });
    await hit('PATCH /tasks/{id}/comments/{commentId}', 422, { path: one, token, json: { text: '   ' } });
    await hit('DELETE /tasks/{id}/comments/{commentId}', 404, { path: one, token: f.bob.token });
    await hit('DELETE /tasks/{id}/comments/{commentId}', 204, { path: one, token });
    await hit('DELETE /tasks/{id}', 404, { path: `/tasks/${id}`, token: f.bob.token });
    await hit('DELETE /tasks/{id}', 204, { path: `/tasks/${id}`, token });
    // The limits of new tasks and comments per user (WRITE_LIMITS), used up as a script would.
    const own = await hit('POST /tasks', 201, { token: f.plain.token, json: { title: 'Carl’s' } });
    const useUp = async (what: keyof typeof WRITE_LIMITS) => {
      for (let i = 0; i <= WRITE_LIMITS[what].count; i++) await countWrite(env.services.limiter, what, f.plain.id);
    };
    await expect(useUp('task')).rejects.toThrow('At most');
    await expect(useUp('comment')).rejects.toThrow('At most');
    await hit('POST /tasks', 429, { token: f.plain.token, json: { title: 'One too many' } });
    const carls = `/tasks/${own.body.id}/comments`;
    await hit('POST /tasks/{id}/comments', 429, { path: carls, token: f.plain.token, json: { text: 'One too many' } });
    expectNoProblems();
  });

  it('messages and the WebSocket route', async () => {
    const { token } = f.ann;
    await hit('POST /messages', 201, { token, json: { text: 'Hello me' } });
    await hit('POST /messages', 409, { token: f.bob.token, json: { text: 'No Telegram' } });
    await hit('POST /messages', 201, { token, json: { to: f.bob.username, text: 'Hi Bob' } });
    await hit('POST /messages', 404, { token, json: { to: 'nobody_here_zz', text: 'Hi' } });
    await hit('POST /messages', 422, { token, json: { to: f.ann.username, text: 'Me' } });
    await hit('POST /messages', 422, { token, json: { to: f.bob.username, text: '' } });
    await hit('POST /messages', 422, { token, json: { to: f.bob.username, text: 'x'.repeat(5000) } });
    await hit('POST /messages', 422, { token, json: { text: 5 } });
    for (let i = 0; i < 20; i++) {
      await hit('POST /messages', 201, { token: f.plain.token, json: { to: f.bob.username, text: `PM ${i}` } });
    }
    await hit('POST /messages', 429, { token: f.plain.token, json: { to: f.bob.username, text: 'One too many' } });
    await hit('GET /messages', 200, { token });
    await hit('GET /messages', 200, { path: `/messages?with=${f.bob.username}&limit=2`, token });
    await hit('GET /messages', 404, { path: '/messages?with=nobody_here_zz', token });
    await hit('GET /messages', 422, { path: '/messages?with=%20', token });
    await hit('GET /messages', 422, { path: '/messages?cursor=abc', token });
    await hit('GET /ws', 426, { token });
    await hit('GET /ws', 426, { path: `/ws?token=${token}` });
    expectNoProblems();
  });

  it('mailings', async () => {
    const { token } = f.admin;
    const body = { text: 'Big <b>sale</b>', filter: { languages: ['en'] }, startAt: future(24), endAt: future(48) };
    const created = await hit('POST /mailings', 201, { token, json: body });
    await hit('POST /mailings', 201, {
      token,
      json: {
        text: 'With a photo',
        media: { type: 'photo', url: 'https://example.com/a.jpg' },
        window: { from: '09:00', to: '21:00' },
        endAt: future(48),
      },
    });
    await hit('POST /mailings', 422, { token, json: { ...body, text: '<b>unclosed' } });
    await hit('POST /mailings', 422, { token, json: { text: 'No end' } });
    await hit('POST /mailings', 422, { token, json: { ...body, endAt: '2001-01-01T00:00:00Z' } });
    await hit('POST /mailings', 422, { token, json: { ...body, window: { from: '25:00', to: '21:00' } } });
    await hit('GET /mailings', 200, { token });
    await hit('GET /mailings', 200, { path: '/mailings?status=scheduled&limit=1', token });
    await hit('GET /mailings', 422, { path: '/mailings?status=nope', token });
    await hit('GET /mailings', 422, { path: '/mailings?cursor=abc', token });
    await hit('GET /mailings/stats', 200, { token });
    await hit('POST /mailings/audience', 200, { token, json: { filter: { tags: ['vip'] } } });
    await hit('POST /mailings/audience', 422, { token, json: { filter: { tags: 'vip' } } });
    await hit('POST /mailings/audience', 422, { token, json: { filter: { operatorCodes: ['abc'] } } });
    const id = created.body.id as string;
    const at = (suffix = '') => `/mailings/${id}${suffix}`;
    await hit('GET /mailings/{id}', 200, { path: at(), token });
    await hit('PATCH /mailings/{id}', 200, { path: at(), token, json: { text: 'Bigger <i>sale</i>' } });
    await hit('PATCH /mailings/{id}', 422, { path: at(), token, json: { text: '<script>x</script>' } });
    await hit('POST /mailings/{id}/test', 200, { path: at('/test'), token });
    await hit('POST /mailings/{id}/test', 409, { path: at('/test'), token: (await adminWithoutTelegram()).token });
    // Telegram refuses the send (here: the admin's chat is gone).
    const chat = Number((await env.em().findOneOrFail(User, { id: f.admin.id })).telegramId);
    env.telegram.badChats.add(chat);
    try {
      await hit('POST /mailings/{id}/test', 422, { path: at('/test'), token });
    } finally {
      env.telegram.badChats.delete(chat);
    }
    await hit('POST /mailings/{id}/pause', 409, { path: at('/pause'), token });
    await hit('POST /mailings/{id}/resume', 409, { path: at('/resume'), token });
    await hit('POST /mailings/{id}/recall', 409, { path: at('/recall'), token });
    await env.em().getConnection().execute(`update mailings set status = 'running' where id = ?`, [id]);
    await hit('POST /mailings/{id}/pause', 200, { path: at('/pause'), token });
    await hit('POST /mailings/{id}/resume', 200, { path: at('/resume'), token });
    await hit('PATCH /mailings/{id}', 409, { path: at(), token, json: { text: 'Too late' } });
    await hit('DELETE /mailings/{id}', 409, { path: at(), token });
    await hit('POST /mailings/{id}/cancel', 200, { path: at('/cancel'), token });
    await hit('POST /mailings/{id}/cancel', 409, { path: at('/cancel'), token });
    await hit('GET /mailings/{id}/deliveries', 200, { path: at('/deliveries'), token });

    const scheduled = await hit('POST /mailings', 201, { token, json: body });
    await hit('DELETE /mailings/{id}', 204, { path: `/mailings/${scheduled.body.id}`, token });

    const withSent = `/mailings/${f.mailingId}`;
    await hit('GET /r/{code}', 302, { path: `/r/${f.clickCode}` });
    await hit('GET /mailings/{id}/deliveries', 200, { path: `${withSent}/deliveries?status=sent&limit=1`, token });
    await hit('GET /mailings/{id}/deliveries', 200, {
      path: `${withSent}/deliveries`,
      token,
      headers: { accept: 'text/csv' },
    });
    await hit('GET /mailings/{id}/deliveries', 422, { path: `${withSent}/deliveries?status=nope`, token });
    await hit('GET /mailings/{id}/deliveries', 422, { path: `${withSent}/deliveries?recall=all`, token });
    await hit('POST /mailings/{id}/recall', 202, { path: `${withSent}/recall`, token });
    await hit('POST /mailings/{id}/recall', 409, { path: `${withSent}/recall`, token });
    expectNoProblems();
  });

  it('a service acting for a Telegram-only user (no HTTP account: no username of its own)', async () => {
    const handle = uniqueName('tg');
    const client = env.bot.client({ id: nextTelegramId++, first_name: 'Tg', username: handle, language_code: 'ru' });
    await client.sendCommand('start');
    const tg = await env.em().findOneOrFail(User, { telegramId: client.user.id });
    const token = await tokenWithout('users:admin', tg.id);
    await hit('GET /users/me', 200, { token });
    await hit('PATCH /users/me', 200, { token, json: { timezone: 'UTC+3', notifications: false } });
    await hit('GET /users', 200, { path: `/users?search=${handle}`, token: f.ann.token });
    const task = await hit('POST /tasks', 201, { token, json: { title: 'From Telegram', assignee: f.ann.username } });
    await hit('GET /tasks', 200, { path: '/tasks?scope=assigned', token: f.ann.token });
    await hit('POST /tasks/{id}/comments', 201, {
      path: `/tasks/${task.body.id}/comments`,
      token,
      json: { text: 'Hi' },
    });
    await hit('GET /tasks/{id}/comments', 200, { path: `/tasks/${task.body.id}/comments`, token: f.ann.token });
    await hit('POST /messages', 201, { token, json: { text: 'Echo from a service' } });
    await hit('POST /messages', 201, { token, json: { to: f.ann.username, text: 'Hi Ann' } });
    await hit('GET /messages', 200, { path: `/messages?with=${handle}`, token: f.ann.token });
    await hit('GET /messages', 200, { token });
    await hit('GET /admin/users/{id}', 200, { path: `/admin/users/${tg.id}`, token: f.admin.token });
    expectNoProblems();
  });

  it('admin', async () => {
    const { token } = f.admin;
    await hit('GET /admin/users', 200, { token });
    await hit('GET /admin/users', 200, { path: '/admin/users?language=en&search=bob&limit=5', token });
    await hit('GET /admin/users', 422, { path: '/admin/users?operatorCode=abc', token });
    await hit('GET /admin/users', 422, { path: '/admin/users?language=xx', token });
    await hit('GET /admin/users', 422, { path: '/admin/users?cursor=abc', token });
    const bob = `/admin/users/${f.bob.id}`;
    await hit('GET /admin/users/{id}', 200, { path: bob, token });
    await hit('PATCH /admin/users/{id}', 200, { path: bob, token, json: { tags: ['vip'], timezone: 'Asia/Tokyo' } });
    await hit('PATCH /admin/users/{id}', 422, { path: bob, token, json: { timezone: 'Mars/Olympus' } });
    await hit('PATCH /admin/users/{id}', 422, { path: bob, token, json: { role: 'king' } });
    await hit('PATCH /admin/users/{id}', 409, { path: `/admin/users/${f.admin.id}`, token, json: { banned: true } });
    await hit('PATCH /admin/users/{id}', 409, { path: `/admin/users/${f.admin.id}`, token, json: { role: 'user' } });
    await hit('GET /admin/audit', 200, { token });
    await hit('GET /admin/audit', 422, { path: '/admin/audit?cursor=abc', token });
    await hit('GET /admin/stats', 200, { token });
    expectNoProblems();
  });
});

async function adminWithoutTelegram() {
  const account = await createAccount(env.services, { username: uniqueName('admin_http') });
  await env.em().nativeUpdate(User, { id: account.user.id }, { role: 'admin' });
  return account;
}

/**
 * Documented statuses no case above reaches, and why. Anything else the document lists must be
 * answered by some case, so a status documented by mistake shows up here.
 */
const NOT_EXERCISED: Record<string, string> = {
  '503': 'service_unavailable while PostgreSQL or Redis is away: test/platform/outages.test.ts and friends',
  'GET /ws 101': 'the upgrade needs a real server: test/chat/ws.test.ts',
  'GET /ws default': 'a default response, not a status',
};

describe('coverage', () => {
  it('every operation of the document was exercised, and every status it documents was answered', () => {
    const missing: string[] = [];
    for (const { op, operation } of operations()) {
      const seen = exercised.get(op);
      if (!seen) {
        missing.push(`${op}: never exercised`);
        continue;
      }
      for (const status of Object.keys(operation.responses)) {
        if (seen.has(status) || NOT_EXERCISED[status] || NOT_EXERCISED[`${op} ${status}`]) continue;
        missing.push(`${op}: documented ${status} never answered`);
      }
    }
    expect(missing).toEqual([]);
    for (const op of exercised.keys()) expect(operations().map((o) => o.op)).toContain(op);
  });
});
