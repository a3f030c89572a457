import { type Em, execute, executePrepared } from '../../platform/db/orm.js';
import { isRowId } from '../../platform/db/row-id.js';
import { DomainError } from '../../platform/errors.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import { isStorableText } from '../../platform/storable-text.js';
import { characterCount, normalizeFormatted, type TextEntity } from '../../platform/telegram/entities.js';
import { normalizeHandle, User, type UserStatus } from '../users/index.js';
import { Message, type StoredMedia } from './message.entity.js';
import { type MessageView, mediaView, type Page, type PartyFields, party, toMessageView } from './messages.js';

/** Private messages per sender per minute: protects the bot's sending budget (Telegram ~30/s). */
export const PM_LIMIT = { count: 20, windowSeconds: 60 };
/** Short enough that "💬 @sender: text" always fits one Telegram message. */
export const CHAT_TEXT_MAX = 4000;
export const ROOM_HISTORY = 10;
export const INBOX_SIZE = 20;

/** A NUL or an unpaired surrogate (a WebSocket frame or API body can carry them; Telegram cannot). */
const unstorable = (field: 'text' | 'caption') =>
  new DomainError(
    `${field}_invalid`,
    `The ${field === 'text' ? 'message' : 'caption'} contains NUL or unpaired surrogate characters`,
    { field, reason: 'characters' },
  );

/** A message text, as stored: not empty, storable, at most CHAT_TEXT_MAX characters. */
function checkChatText(text: string): string {
  if (!text) throw new DomainError('text_empty', 'The message is empty', { field: 'text' });
  if (!isStorableText(text)) throw unstorable('text');
  const length = characterCount(text);
  if (length > CHAT_TEXT_MAX) {
    throw new DomainError('text_too_long', `The message is longer than ${CHAT_TEXT_MAX} characters`, {
      field: 'text',
      max: CHAT_TEXT_MAX,
      length,
    });
  }
  return text;
}

/** Telegram's limit of a media caption; a longer one is refused, never cut. */
export const CAPTION_MAX = 1024;

/** A media message's caption, as stored: may be empty; storable, at most CAPTION_MAX characters. */
function checkCaption(text: string): string {
  if (!isStorableText(text)) throw unstorable('caption');
  const length = characterCount(text);
  if (length > CAPTION_MAX) {
    throw new DomainError('caption_too_long', `The caption is longer than ${CAPTION_MAX} characters`, {
      field: 'caption',
      max: CAPTION_MAX,
      length,
    });
  }
  return text;
}

/**
 * The text of a message, or its caption when it carries media, as stored: NFC-normalized and
 * trimmed, with its formatting (Telegram's entities, none over HTTP and the WebSocket) moved
 * along (../../platform/telegram/entities.ts, normalizeFormatted). Empty or too long →
 * DomainError text_empty / text_too_long / caption_too_long.
 */
export function parseContent(input: string, entities: readonly TextEntity[] | undefined, media?: StoredMedia) {
  const formatted = normalizeFormatted(input, entities ?? []);
  if (media) checkCaption(formatted.text);
  else checkChatText(formatted.text);
  return formatted;
}

export interface ChatDeps {
  limiter: RateLimiter;
}

/** Whom a PM is for: a typed handle (resolved as findByHandle does) or a known user id (a Reply button). */
export type PmTarget = { handle: string } | { userId: string };

/** What delivering a stored PM needs to know about its recipient (read in the same statement). */
export interface PmRecipient {
  id: string;
  telegramId: number | null;
  botBlocked: boolean;
  status: UserStatus;
}

/** A stored private message: what its parties see, and where it goes next (delivery.ts). */
export interface StoredPm {
  message: MessageView;
  recipient: PmRecipient;
}

export interface SendPmOptions {
  media?: StoredMedia;
  /** The formatting of the text (or caption) as written in Telegram; stored and relayed with it. */
  entities?: readonly TextEntity[];
  /**
   * The sender must hold an active HTTP account (a WebSocket frame: the socket was opened with
   * one). The sender's state is read in the statement that stores the PM, so a ban or a
   * deletion committed before it refuses the PM, without reading the sender for every frame.
   */
  senderNeedsAccount?: boolean;
}

/** The parties' columns the message view shows (messages.ts, party). */
const PARTY_COLUMNS = 'id, username, telegram_username, first_name, telegram_first_name';

/**
 * Whether the recipient `r` can ever read a PM: in Telegram (they have not blocked the bot), or
 * over HTTP (an account: the WebSocket, GET /messages). Someone who blocked the bot and has no
 * account would never see it, so it is refused (recipient_unreachable), not stored to be lost.
 */
const CAN_READ_IT = `(r.telegram_id is null or not r.bot_blocked or r.account_state = 'active')`;

/**
 * Whether the recipient (the `users` row being read as `r`) blocked the sender $1
 * (features/users/blocks.ts): then the PM is refused (recipient_unreachable, reason "blocked") and
 * nothing is stored. A probe of user_blocks' primary key, inside the statement that stores the PM.
 */
const BLOCKS_SENDER = 'exists (select 1 from user_blocks b where b.blocker_id = users.id and b.blocked_id = $1)';

/** The recipient's columns the statement reads (`r`), whichever way it is named. */
const RECIPIENT_COLUMNS = `${PARTY_COLUMNS}, telegram_id, bot_blocked, status, account_state, ${BLOCKS_SENDER} as blocks_sender`;

/**
 * A PM in one statement: the sender's state (a ban, or a deleted account, refuses it at once), the
 * recipient (by handle, as findByHandle resolves it, or by id) and the insert. $1 sender id, $2
 * whether the sender needs an active account, $3 the recipient's handle or id, $4 text, $5 media,
 * $6 entities (JSON). Every refusal leaves `message_id` null (see sendPrivateMessage).
 */
function pmStatement(recipientRow: string): string {
  return `with s as (
       select ${PARTY_COLUMNS} from users
        where id = $1 and status <> 'banned' and (account_state = 'active' or not $2::boolean)
     ), r as (${recipientRow}),
     m as (
       insert into messages (kind, from_id, to_id, text, media, entities, delivery, sent_at)
       select 'pm', s.id, r.id, $4, $5::jsonb, $6::jsonb,
              -- Owed to the recipient's Telegram until delivered (or handed to their WebSocket).
              case when r.telegram_id is not null and not r.bot_blocked and r.status = 'active' then 'owed' end,
              now()
         from s, r where r.status <> 'banned' and r.id <> s.id and not r.blocks_sender and ${CAN_READ_IT}
       returning id, sent_at
     )
     select m.id as message_id, m.sent_at,
            s.id as s_id, s.username as s_username, s.telegram_username as s_telegram_username,
            s.first_name as s_first_name, s.telegram_first_name as s_telegram_first_name,
            r.id as r_id, r.username as r_username, r.telegram_username as r_telegram_username,
            r.first_name as r_first_name, r.telegram_first_name as r_telegram_first_name,
            r.telegram_id as r_telegram_id, r.bot_blocked as r_bot_blocked, r.status as r_status,
            r.blocks_sender as r_blocks_sender, ${CAN_READ_IT} as r_can_read
       from (select 1) one left join s on true left join r on true left join m on true`;
}

const PM_TO_HANDLE = pmStatement(
  `select ${RECIPIENT_COLUMNS} from users
    where (lower(username) = $3 and account_state = 'active') or lower(telegram_username) = $3
    order by case when lower(username) = $3 and account_state = 'active' then 0 else 1 end,
             last_seen_at desc nulls last, id
    limit 1`,
);
const PM_TO_USER = pmStatement(`select ${RECIPIENT_COLUMNS} from users where id = $3::bigint`);

/**
 * Checks and stores a PM in one SQL statement: the sender may send (not banned; with
 * `senderNeedsAccount`, an active account), the recipient exists and is not banned (a handle
 * resolves as findByHandle does, and a banned holder does not let it fall through to anyone
 * else) and is not the sender; only then the row is inserted. The per-sender limit (Redis) is
 * counted first, so a refused PM is never stored and probing handles is limited too.
 * Unknown recipient → 404 user_not_found; oneself → 422; one who blocked the sender
 * (BLOCKS_SENDER) → 409 recipient_unreachable with `details.reason` "blocked"; one who could never
 * read it (CAN_READ_IT) → 409 recipient_unreachable, reason "bot_blocked"; over the limit → 429 rate_limited with
 * `retryAfter`; a sender who may no longer send → 403 forbidden. The sender is always the
 * authenticated user, never taken from the request.
 */
export async function sendPrivateMessage(
  em: Em,
  deps: ChatDeps,
  senderId: string,
  to: PmTarget,
  input: string,
  options: SendPmOptions = {},
): Promise<StoredPm> {
  const { text, entities } = parseContent(input, options.entities, options.media);
  const handle = 'handle' in to ? normalizeHandle(to.handle) : null;
  if ('handle' in to && !handle) throw new DomainError('user_not_found', 'No user with this username');
  const rate = await deps.limiter.hit(`pm:${senderId}`, PM_LIMIT.count, PM_LIMIT.windowSeconds);
  if (!rate.allowed) {
    throw new DomainError('rate_limited', `At most ${PM_LIMIT.count} private messages per minute`, {
      retryAfter: rate.retryAfter,
    });
  }
  // A named prepared statement per recipient form: planned once per connection (orm.ts).
  const rows = await executePrepared<PmRow>(
    em,
    handle ? 'chat_pm_to_handle' : 'chat_pm_to_user',
    handle ? PM_TO_HANDLE : PM_TO_USER,
    [
      senderId,
      options.senderNeedsAccount === true,
      handle ?? (to as { userId: string }).userId,
      text,
      options.media ? JSON.stringify(options.media) : null,
      entities.length ? JSON.stringify(entities) : null,
    ],
  );
  const row = rows[0];
  if (!row?.s_id) throw new DomainError('forbidden', 'This account can no longer send messages');
  if (!row.r_id || row.r_status === 'banned') throw new DomainError('user_not_found', 'No user with this username');
  if (String(row.r_id) === String(row.s_id)) {
    throw new DomainError('cannot_message_self', 'You cannot send a message to yourself');
  }
  // Checked before CAN_READ_IT: whether they could read it is none of a blocked sender's business.
  if (row.r_blocks_sender === true) {
    throw new DomainError('recipient_unreachable', 'This user does not accept messages from you: nothing was sent', {
      reason: 'blocked',
    });
  }
  if (row.r_can_read !== true) {
    throw new DomainError(
      'recipient_unreachable',
      'This user has blocked the bot and has no account to read messages elsewhere: nothing was sent',
      { reason: 'bot_blocked' },
    );
  }
  if (!row.message_id) throw new Error('the PM was not stored'); // unreachable: every refusal is above
  return {
    message: {
      id: String(row.message_id),
      kind: 'pm',
      from: party(partyRow(row, 's_')),
      to: party(partyRow(row, 'r_')),
      text,
      ...(options.media ? { media: mediaView(options.media) } : {}),
      sentAt: new Date(row.sent_at as string | Date),
    },
    recipient: {
      id: String(row.r_id),
      telegramId: row.r_telegram_id == null ? null : Number(row.r_telegram_id),
      botBlocked: row.r_bot_blocked === true,
      status: row.r_status as UserStatus,
    },
  };
}

/** A stored PM read back by id (a delivery made later than the send); null if there is none. */
export async function loadStoredPm(em: Em, messageId: string): Promise<StoredPm | null> {
  const message = await em.findOne(Message, { id: messageId, kind: 'pm' }, { populate: ['from', 'to'] });
  if (!message?.to) return null;
  const { id, telegramId, botBlocked, status } = message.to;
  return { message: toMessageView(message), recipient: { id, telegramId: telegramId ?? null, botBlocked, status } };
}

type PmRow = Record<string, unknown>;

function partyRow(row: PmRow, prefix: 's_' | 'r_'): PartyFields {
  const text = (column: string) => (row[prefix + column] == null ? null : String(row[prefix + column]));
  return {
    id: String(row[`${prefix}id`]),
    username: text('username'),
    telegramUsername: text('telegram_username'),
    firstName: text('first_name'),
    telegramFirstName: text('telegram_first_name'),
  };
}

/**
 * Stores a room message, nothing more. Posting to the room (limit, membership, delivery) is
 * postToRoom in room-post.ts, which the bot and the WebSocket call; this is its storing step.
 */
export async function sendRoomMessage(
  em: Em,
  from: User,
  input: string,
  media?: StoredMedia,
  formatting?: readonly TextEntity[],
): Promise<Message> {
  const { text, entities } = parseContent(input, formatting, media);
  const message = em.create(Message, {
    kind: 'room',
    from,
    text,
    media: media ?? null,
    entities: entities.length ? entities : null,
    // Its fan-out to Telegram members is owed until the worker plans it (jobs/delivery.ts).
    delivery: 'owed',
  });
  await em.flush();
  return message;
}

/** The conversation of two users, newest first, keyset-paginated by id. */
export async function conversationWith(
  em: Em,
  me: User,
  other: User,
  limit: number,
  cursor?: string,
): Promise<Page<MessageView>> {
  const where = {
    kind: 'pm' as const,
    $or: [
      { from: me, to: other },
      { from: other, to: me },
    ],
    ...(cursor ? { id: { $lt: cursor } } : {}),
  };
  const rows = await em.find(Message, where, { orderBy: { id: 'desc' }, limit: limit + 1, populate: ['from', 'to'] });
  const page = rows.slice(0, limit);
  return {
    items: page.map(toMessageView),
    nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** The PM whose Telegram copy (either part of it) is `telegramMessageId` in the recipient's chat (a swipe-reply to it). */
export async function pmByTelegramCopy(em: Em, recipient: User, telegramMessageId: number): Promise<Message | null> {
  return em.findOne(
    Message,
    { kind: 'pm', to: recipient, $or: [{ telegramMessageId }, { telegramOtherPartId: telegramMessageId }] },
    { populate: ['from'] },
  );
}

/**
 * The people `me` exchanged PMs with most recently, newest first (the Chat screen's contacts).
 * Banned users are left out.
 */
export async function recentContacts(em: Em, me: User, limit: number): Promise<User[]> {
  const rows = await execute<{ other: string }[]>(
    em,
    `select other from (
       select case when from_id = ? then to_id else from_id end as other, max(id) as last
         from messages
        where kind = 'pm' and (from_id = ? or to_id = ?)
        group by 1) c
      order by last desc limit ?`,
    [me.id, me.id, me.id, limit * 2],
  );
  const ids = rows.map((r) => String(r.other)).filter((id) => id !== me.id);
  if (ids.length === 0) return [];
  const users = await em.find(User, { id: { $in: ids }, status: 'active' });
  const byId = new Map(users.map((u) => [u.id, u]));
  return ids.flatMap((id) => byId.get(id) ?? []).slice(0, limit);
}

/**
 * The user an id from a button names, if `meId` may reach them by it, whatever their status; else
 * null. Ids are sequential and a client can send any callback data, so an id reaches no one a typed
 * handle could not: someone with a handle, someone `meId` has exchanged PMs with, or `meId`
 * themselves. Otherwise forged ids would name every user, and message or hand tasks to the ones
 * who have no handle (found by nobody else).
 */
export async function userReachableById(em: Em, meId: string, id: string): Promise<User | null> {
  // A forged button's id past PostgreSQL's bigint would fail the query: nobody, without one.
  if (!isRowId(id)) return null;
  const user = await em.findOne(User, { id });
  if (!user) return null;
  if (user.username || user.telegramUsername || user.id === meId) return user;
  return (await haveCorresponded(em, meId, user.id)) ? user : null;
}

/** Whether the two have exchanged a private message, in either direction (one indexed probe). */
export async function haveCorresponded(em: Em, a: string, b: string): Promise<boolean> {
  const rows = await execute<unknown[]>(
    em,
    `select 1 from messages
      where kind = 'pm' and ((from_id = ? and to_id = ?) or (from_id = ? and to_id = ?)) limit 1`,
    [a, b, b, a],
  );
  return rows.length > 0;
}

/** The last private messages a user received, newest first. */
export async function inbox(em: Em, me: User, limit = INBOX_SIZE): Promise<MessageView[]> {
  const rows = await em.find(
    Message,
    { kind: 'pm', to: me },
    { orderBy: { id: 'desc' }, limit, populate: ['from', 'to'] },
  );
  return rows.map(toMessageView);
}

/** The latest room messages, oldest first (what someone joining the room sees). */
export async function recentRoomMessages(em: Em, limit = ROOM_HISTORY): Promise<MessageView[]> {
  const rows = await em.find(Message, { kind: 'room' }, { orderBy: { id: 'desc' }, limit, populate: ['from'] });
  return rows.reverse().map(toMessageView);
}
