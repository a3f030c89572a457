import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ApiEnv } from '../../../platform/http/context.js';
import { requestEm } from '../../../platform/http/request-scope.js';
import * as blocking from '../blocks.js';
import * as profile from '../profile.js';
import type * as routes from './routes.js';

/** Browsers and proxies may keep an avatar for 5 minutes, privately: it is behind a token. */
const AVATAR_CACHE_CONTROL = 'private, max-age=300';

export const getMe: RouteHandler<typeof routes.getMe, ApiEnv> = (c) =>
  c.json(profile.toUserDto(c.var.principal.user), 200);

export const patchMe: RouteHandler<typeof routes.patchMe, ApiEnv> = async (c) =>
  c.json(await profile.updateProfile(requestEm(c), c.var.principal.user, c.req.valid('json')), 200);

export const putAvatar: RouteHandler<typeof routes.putAvatar, ApiEnv> = async (c) => {
  // The Content-Type header is ignored on purpose: the domain decides the type by content.
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  return c.json(await profile.setAvatar(requestEm(c), c.var.principal.user, bytes), 200);
};

export const deleteAvatar: RouteHandler<typeof routes.deleteAvatar, ApiEnv> = async (c) => {
  await profile.deleteAvatar(requestEm(c), c.var.principal.user);
  return c.body(null, 204);
};

/** The avatar's version as an HTTP entity tag (RFC 9110: a quoted string). */
const etagOf = (version: string) => `"${version}"`;

/** RFC 9110 If-None-Match: `*` or a list of (possibly weak) tags, compared weakly. */
function matchesIfNoneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * The client's If-None-Match as the domain's "does the caller hold this version" check; none
 * without the header, so the domain reads the image in one query then.
 */
function holdsFromIfNoneMatch(c: Context<ApiEnv>): profile.HoldsVersion | undefined {
  const header = c.req.header('if-none-match');
  if (!header) return undefined;
  return (version) => matchesIfNoneMatch(header, etagOf(version));
}

function sendAvatar(c: Context<ApiEnv>, result: profile.AvatarResult) {
  const headers = {
    ETag: etagOf(result.version),
    'Cache-Control': AVATAR_CACHE_CONTROL,
    // Set here too, not only by the global secure headers: an image must never be sniffed as HTML.
    'X-Content-Type-Options': 'nosniff',
  };
  if (result.kind === 'unchanged') return c.body(null, 304, headers);
  return c.body(result.data, 200, {
    ...headers,
    'Content-Type': result.contentType,
    'Last-Modified': result.updatedAt.toUTCString(),
  });
}

export const getMyAvatar: RouteHandler<typeof routes.getMyAvatar, ApiEnv> = async (c) =>
  sendAvatar(c, await profile.getAvatarOf(requestEm(c), c.var.principal.userId, holdsFromIfNoneMatch(c)));

export const getAvatar: RouteHandler<typeof routes.getAvatar, ApiEnv> = async (c) =>
  sendAvatar(c, await profile.getAvatar(requestEm(c), c.req.valid('param').username, holdsFromIfNoneMatch(c)));

export const getProfile: RouteHandler<typeof routes.getProfile, ApiEnv> = async (c) =>
  c.json(await profile.publicProfile(requestEm(c), c.req.valid('param').username), 200);

export const search: RouteHandler<typeof routes.search, ApiEnv> = async (c) => {
  const { search, limit, cursor } = c.req.valid('query');
  return c.json(await profile.searchUsers(requestEm(c), { prefix: search, limit, cursor }), 200);
};

export const listBlocked: RouteHandler<typeof routes.listBlocked, ApiEnv> = async (c) => {
  const { limit, cursor } = c.req.valid('query');
  return c.json(await blocking.blockedPeople(requestEm(c), c.var.principal.userId, { limit, cursor }), 200);
};

export const blockUser: RouteHandler<typeof routes.blockUser, ApiEnv> = async (c) => {
  await blocking.blockByHandle(requestEm(c), c.var.principal.userId, c.req.valid('param').username);
  return c.body(null, 204);
};

export const unblockUser: RouteHandler<typeof routes.unblockUser, ApiEnv> = async (c) => {
  await blocking.unblockByHandle(requestEm(c), c.var.principal.userId, c.req.valid('param').username);
  return c.body(null, 204);
};
