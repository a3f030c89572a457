/**
 * The console's client of the public HTTP API (the same routes any script calls).
 *
 * Tokens: the access token (15 minutes) lives in this module's memory only. The refresh token
 * lives in sessionStorage, so a reload of this tab keeps the admin signed in, while it never
 * reaches localStorage, other tabs or a restarted browser, and no cookie carries it (no CSRF
 * surface: the API takes bearer tokens only). Sign-out revokes it (POST /auth/logout) and forgets
 * both. The page's CSP (script-src 'self', Trusted Types) is what keeps other scripts away.
 */

const REFRESH_KEY = 'gramdesk.console.refresh';

let accessToken = null;
let refreshing = null;
let onSignedOut = () => {};
/** Why the last refresh was refused: 'banned' (403 user_banned) or 'expired'. */
let refusedBecause = 'expired';

export class ApiError extends Error {
  constructor(status, body, headers) {
    const error = body?.error ?? {};
    super(error.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error.code ?? 'http_error';
    this.details = error.details;
    this.retryAfter = Number(headers?.get('retry-after') ?? Number.NaN);
  }
}

function storedRefresh() {
  try {
    return sessionStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

function keep(tokens) {
  accessToken = tokens.access_token;
  try {
    sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
  } catch {
    // Without sessionStorage the refresh token is simply not kept: a reload asks to sign in again.
  }
}

function forget() {
  accessToken = null;
  try {
    sessionStorage.removeItem(REFRESH_KEY);
  } catch {
    // Nothing kept.
  }
}

/**
 * Called when the session ends on its own, with the reason: 'banned' (the account was blocked: every
 * route and /auth/refresh answer 403 user_banned) or 'expired' (refresh refused). The app shows the
 * sign-in page saying which.
 */
export function whenSignedOut(callback) {
  onSignedOut = callback;
}

export const hasSession = () => accessToken !== null || storedRefresh() !== null;

/** Why the last refresh failed: 'banned' or 'expired'. */
export const refusal = () => refusedBecause;

async function readBody(response) {
  const type = response.headers.get('content-type') ?? '';
  if (response.status === 204) return null;
  if (type.includes('application/json')) return response.json().catch(() => null);
  return response.text();
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
  });
  const data = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, data, response.headers);
  return data;
}

export async function signIn(username, password) {
  keep(await post('/auth/login', { username, password }));
}

/** A new token pair from the kept refresh token (one request at a time); false if there is none or it is refused. */
export function refresh() {
  refreshing ??= (async () => {
    const token = storedRefresh();
    if (!token) return false;
    try {
      keep(await post('/auth/refresh', { refresh_token: token }));
      refusedBecause = 'expired';
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) forget();
      refusedBecause = err instanceof ApiError && err.code === 'user_banned' ? 'banned' : 'expired';
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Revokes the login's refresh tokens and forgets both tokens. */
export async function signOut() {
  const token = storedRefresh();
  forget();
  if (token) await post('/auth/logout', { refresh_token: token }).catch(() => undefined);
}

/**
 * A call to the API with the access token; on 401 the token pair is refreshed once and the call
 * repeated. Resolves with the parsed body (JSON or text); throws ApiError otherwise. `signal` (an
 * AbortController's) abandons the call: it then rejects with an AbortError.
 */
export async function request(method, path, { body, accept = 'application/json', raw = false, signal } = {}) {
  const send = () =>
    fetch(path, {
      method,
      headers: {
        accept,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      signal,
    });
  if (!accessToken) await refresh();
  let response = await send();
  if (response.status === 401 && (await refresh())) response = await send();
  if (response.status === 401) {
    forget();
    onSignedOut(refusedBecause);
  }
  if (!response.ok) {
    const error = new ApiError(response.status, await readBody(response), response.headers);
    // A blocked account's access token is refused with 403 user_banned on every route: the
    // session is over, and the admin must be told why (not "something went wrong").
    if (error.code === 'user_banned') {
      forget();
      onSignedOut('banned');
    }
    throw error;
  }
  return raw ? response : readBody(response);
}

export const get = (path) => request('GET', path);

/** `?a=1&b=2` of the defined, non-empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

let operations;
/** The operations the API documents (`METHOD /path`), read once from /openapi.json, to offer only what exists. */
export async function apiOperations() {
  operations ??= fetch('/openapi.json', { credentials: 'omit' })
    .then((r) => r.json())
    .then((doc) => {
      const found = new Map();
      for (const [path, item] of Object.entries(doc.paths ?? {})) {
        for (const [method, op] of Object.entries(item)) found.set(`${method.toUpperCase()} ${path}`, op);
      }
      return found;
    })
    .catch(() => new Map());
  return operations;
}
