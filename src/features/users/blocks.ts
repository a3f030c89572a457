import { type Em, execute, executeStatement } from '../../platform/db/orm.js';
import { isRowId } from '../../platform/db/row-id.js';
import { DomainError } from '../../platform/errors.js';
import { findByHandle } from './handles.js';
import { validationFailed } from './profile.js';
import type { User } from './user.entity.js';
import { UserBlock } from './user-block.entity.js';

/**
 * Blocking a person (safety): a user blocks someone, and that person's private messages to them
 * are refused from then on — in the bot, POST /messages and the WebSocket alike, with 409
 * recipient_unreachable and `details.reason` "blocked" (the check is part of the one statement
 * that stores a PM, features/chat/chat.ts), and the worker drops what was still on its way. The
 * room, a common chat, is not affected.
 *
 * As in Telegram, blocking is one-way: the blocker's own history with the person stays, and the
 * blocker may still write to them (nothing tells the blocked person more than that their messages
 * are not accepted). Other features ask `blocks` before they let one user reach another.
 */

/** Whether `blockerId` blocks `blockedId`: one probe of the primary key. */
export async function blocks(em: Em, blockerId: string, blockedId: string): Promise<boolean> {
  const rows = await executeStatement(em, 'select 1 from user_blocks where blocker_id = ? and blocked_id = ?', [
    blockerId,
    blockedId,
  ]);
  return rows.length > 0;
}

/** Which of `ids` `blockerId` blocks (a notice naming several senders leaves those out). */
export async function blockedAmong(em: Em, blockerId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await execute<Array<{ blocked_id: string | number }>>(
    em,
    `select blocked_id from user_blocks where blocker_id = ? and blocked_id in (${ids.map(() => '?').join(', ')})`,
    [blockerId, ...ids],
  );
  return new Set(rows.map((row) => String(row.blocked_id)));
}

const cannotBlockSelf = () => new DomainError('cannot_block_self', 'You cannot block yourself');
const userNotFound = () => new DomainError('user_not_found', 'No user with this username');

/**
 * `blockerId` blocks `blockedId`; true if that is new, false if they were blocked already (a
 * repeated block changes nothing, not even when it was made). Oneself → cannot_block_self.
 */
export async function blockUser(em: Em, blockerId: string, blockedId: string): Promise<boolean> {
  if (blockerId === blockedId) throw cannotBlockSelf();
  const rows = await execute<unknown[]>(
    em,
    `insert into user_blocks (blocker_id, blocked_id, created_at) values (?, ?, ?)
       on conflict do nothing returning blocked_id`,
    [blockerId, blockedId, new Date()],
  );
  return rows.length > 0;
}

/** Lifts a block; true if there was one. */
export async function unblockUser(em: Em, blockerId: string, blockedId: string): Promise<boolean> {
  const rows = await execute<unknown[]>(
    em,
    'delete from user_blocks where blocker_id = ? and blocked_id = ? returning blocked_id',
    [blockerId, blockedId],
  );
  return rows.length > 0;
}

/**
 * PUT /users/{username}/block: whoever the handle names as a PM's recipient would be found
 * (findByHandle), so anyone who can write to you by a handle can be blocked by it. Unknown (or
 * banned) → user_not_found; oneself → cannot_block_self.
 */
export async function blockByHandle(em: Em, blockerId: string, handle: string): Promise<void> {
  const target = await findByHandle(em, handle);
  if (!target) throw userNotFound();
  await blockUser(em, blockerId, target.id);
}

/**
 * DELETE /users/{username}/block. A banned user is found too: a block made before the ban can
 * always be lifted. Unknown → user_not_found; oneself → cannot_block_self.
 */
export async function unblockByHandle(em: Em, blockerId: string, handle: string): Promise<void> {
  const target = await findByHandle(em, handle, { banned: true });
  if (!target) throw userNotFound();
  if (target.id === blockerId) throw cannotBlockSelf();
  await unblockUser(em, blockerId, target.id);
}

// ---------------------------------------------------------------------------------------------
// The list of people one has blocked, the most recently blocked first.

/** One blocked person as the API shows them: the shape of its other user summaries, and when. */
export interface BlockedUserDto {
  id: string;
  /** Their Gramdesk username, else their Telegram one (the handle that names them in /pm). */
  username: string | null;
  firstName: string | null;
  blockedAt: string;
}

export interface BlockedPage {
  items: BlockedUserDto[];
  nextCursor: string | null;
}

const ORDER = { createdAt: 'desc', blocked: 'desc' } as const;

/** A page's cursor: the last entry's block time (milliseconds, the column's precision) and id. */
const encodeCursor = (block: UserBlock) => `${block.createdAt.getTime()}_${block.blocked.id}`;

/** A cursor this list made, or null. */
export function decodeBlockedCursor(cursor: string): { at: Date; id: string } | null {
  const match = /^(\d{1,15})_(\d{1,19})$/.exec(cursor);
  if (!match || !isRowId(match[2] as string)) return null;
  const at = new Date(Number(match[1]));
  return Number.isNaN(at.getTime()) ? null : { at, id: match[2] as string };
}

/** The people `blockerId` blocked, keyset-paginated (GET /users/me/blocked). */
export async function blockedPeople(
  em: Em,
  blockerId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<BlockedPage> {
  const after = page.cursor === undefined ? undefined : decodeBlockedCursor(page.cursor);
  if (after === null) {
    throw validationFailed([{ path: 'cursor', message: 'Not a cursor returned by this list' }]);
  }
  const where = after
    ? {
        blocker: blockerId,
        $or: [{ createdAt: { $lt: after.at } }, { createdAt: after.at, blocked: { $lt: after.id } }],
      }
    : { blocker: blockerId };
  // One row more than asked tells whether there is a next page.
  const rows = await em.find(UserBlock, where, { populate: ['blocked'], orderBy: ORDER, limit: page.limit + 1 });
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(toBlockedUserDto),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null,
  };
}

function toBlockedUserDto(block: UserBlock): BlockedUserDto {
  const user = block.blocked;
  return {
    id: user.id,
    username: user.username ?? user.telegramUsername ?? null,
    firstName: user.firstName ?? user.telegramFirstName ?? null,
    blockedAt: block.createdAt.toISOString(),
  };
}

/** One numbered page of the list, for the bot's Settings → 🚫 Blocked people (pages count from 1). */
export async function blockedPeoplePage(
  em: Em,
  blockerId: string,
  page: number,
  size: number,
): Promise<{ people: User[]; page: number; pages: number; total: number }> {
  const total = await em.count(UserBlock, { blocker: blockerId });
  const pages = Math.max(1, Math.ceil(total / size));
  // A page past the end (people were unblocked meanwhile) shows the last one.
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const rows = total
    ? await em.find(
        UserBlock,
        { blocker: blockerId },
        { populate: ['blocked'], orderBy: ORDER, limit: size, offset: (current - 1) * size },
      )
    : [];
  return { people: rows.map((row) => row.blocked), page: current, pages, total };
}

/**
 * Before two users are merged into one (features/accounts/linking.ts re-points every row of
 * `from` at `to`), drops the blocks the merge would turn into a duplicate of one `to` already has,
 * or into a block of oneself (the two blocking each other). What either side blocked stays blocked.
 */
export async function dropBlocksBeforeMerge(em: Em, from: string, to: string): Promise<void> {
  await execute(
    em,
    `delete from user_blocks b
      where (b.blocker_id = ? and b.blocked_id = ?) or (b.blocker_id = ? and b.blocked_id = ?)
         or (b.blocker_id = ? and exists (select 1 from user_blocks o where o.blocker_id = ? and o.blocked_id = b.blocked_id))
         or (b.blocked_id = ? and exists (select 1 from user_blocks o where o.blocked_id = ? and o.blocker_id = b.blocker_id))`,
    [from, to, to, from, from, to, from, to],
    'run',
  );
}
