import { randomUUID } from 'node:crypto';
import { upgradeWebSocket, type WebSocketLike } from '@hono/node-server';
import type { Context } from 'hono';
import type { WSContext, WSEvents } from 'hono/ws';
import { type WebSocket as RawSocket, WebSocketServer } from 'ws';
import { DomainError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import { type Outages, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../../platform/outages.js';
import type { Services } from '../../../platform/services.js';
import { User } from '../../users/index.js';
import { INBOX_SIZE, inbox, recentRoomMessages, sendPrivateMessage } from '../chat.js';
import { toMessageView } from '../messages.js';
import { PRESENCE_HEARTBEAT_MS, PRESENCE_TTL_MS, Presence } from '../presence.js';
import { ChatSubscriber, closeUserSocket, type Envelope, isCloseOrder } from '../pubsub.js';
import { joinRoom, leaveRoom, membersAmong } from '../room.js';
import { postToRoom } from '../room-post.js';
import {
  type ClientFrame,
  errorFrame,
  FrameError,
  messageFrame,
  parseClientFrame,
  refOf,
  type ServerFrame,
} from './frames.js';
import { CLOSE_CODES, FRAME_RATE, MAX_FRAME_BYTES, MAX_SOCKETS_PER_USER } from './limits.js';

export { CLOSE_CODES } from './limits.js';

export interface ChatGatewayOptions {
  /** Ping and presence refresh period (10 s); a socket that missed a pong by the next tick is dropped. */
  heartbeatMs?: number;
  /** Presence TTL (30 s): how long a connection stays "online" after its process stops refreshing it. */
  presenceTtlMs?: number;
  /** Largest frame (64 KiB): the socket library's maxPayload; a bigger one closes the socket with 1009. */
  maxFrameBytes?: number;
  /** Sockets one user may have open across all processes; one more closes their oldest with 4000. */
  maxSocketsPerUser?: number;
  /** Frames one user may send per window, all their sockets together, before getting rate_limited. */
  frameRate?: { count: number; windowSeconds: number };
  /** Frames waiting to be handled on one connection before more are refused. */
  maxPending?: number;
  /** A client that lets this much outgoing data pile up is disconnected (1013). */
  maxBufferedBytes?: number;
}

const DEFAULTS: Required<ChatGatewayOptions> = {
  heartbeatMs: PRESENCE_HEARTBEAT_MS,
  presenceTtlMs: PRESENCE_TTL_MS,
  maxFrameBytes: MAX_FRAME_BYTES,
  maxSocketsPerUser: MAX_SOCKETS_PER_USER,
  frameRate: FRAME_RATE,
  maxPending: 32,
  maxBufferedBytes: 4 * 1024 * 1024,
};

/** Live frames kept for a connection while its inbox is still being sent. */
const BACKLOG_MAX = 1000;
/** How many recent message ids a connection remembers to drop duplicates. */
const SEEN_MAX = 500;
const SHUTDOWN_CLOSE_WAIT_MS = 1_000;

interface Connection {
  id: string;
  userId: string;
  ws: WSContext<WebSocketLike>;
  raw: RawSocket;
  /** Answered the last ping (or sent something) since the previous heartbeat. */
  alive: boolean;
  /** The inbox has been sent; live frames go out directly from now on. */
  ready: boolean;
  closed: boolean;
  subscribed: boolean;
  backlog: ServerFrame[];
  /**
   * Ids of the messages this connection has been sent (the newest few hundred). A message can
   * reach a new connection twice, in the inbox it gets on connect and through pub/sub when it
   * was stored at that moment; the second copy is dropped.
   */
  seen: Set<string>;
  /** Frames of this connection are handled one at a time, in order. */
  queue: Promise<void>;
  pending: number;
  started: Promise<void>;
  expiryTimer: NodeJS.Timeout | undefined;
}

/** Who opened a socket: GET /ws (../api) authenticated them with the API's shared `authenticate`. */
export interface SocketIdentity {
  userId: string;
  /** Token expiry (epoch seconds): the connection is closed then. */
  exp: number;
}

export interface ChatGateway {
  /** The `ws` server to hand to serve({ websocket: { server } }) (startHttpServer's `websocket`). */
  readonly server: WebSocketServer;
  /**
   * Upgrades GET /ws to a socket of this process. The route (../api) has authenticated the caller
   * and checked the Upgrade header; from here on the gateway owns the connection.
   */
  accept(c: Context, identity: SocketIdentity): Promise<Response>;
  /** Open sockets on this process. */
  connectionCount(): number;
  /** Closes every socket (1001), forgets their presence, closes the pub/sub connection. */
  close(): Promise<void>;
}

/**
 * The WebSocket side of the chat (SPEC §3.5) for one API process: takes over the sockets GET /ws
 * (../api, behind the API's shared authentication) accepts, keeps the process's sockets, their presence in Redis (per connection, heartbeat +
 * TTL) and one pub/sub subscription through which frames for them arrive from any process.
 */
export function createChatGateway(services: Services, options: ChatGatewayOptions = {}): ChatGateway {
  const opts = { ...DEFAULTS, ...options };
  const log = services.log.child({ component: 'chat-ws' });
  const presence = new Presence(services.redis, services.keyPrefix, opts.presenceTtlMs);
  const byUser = new Map<string, Set<Connection>>();
  const all = new Map<string, Connection>();
  const cleanups = new Set<Promise<void>>();
  const server = new WebSocketServer({
    noServer: true,
    // The frame limit is enforced here, by the protocol parser, so an oversized frame is refused
    // from its header (1009) instead of being buffered whole and checked afterwards.
    maxPayload: opts.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const subscriber = new ChatSubscriber(
    services.config.redisUrl,
    services.keyPrefix,
    {
      user: (userId, message) => {
        if (isCloseOrder(message)) {
          const { code, reason, connection } = message.close;
          for (const conn of byUser.get(userId) ?? []) {
            if (connection === undefined || connection === conn.id) closeConnection(conn, code, reason);
          }
          return;
        }
        for (const conn of byUser.get(userId) ?? []) live(conn, message);
      },
      room: (envelope) => {
        const users = [...byUser.keys()];
        if (users.length === 0) return;
        void membersAmong(services, users).then(
          (members) => {
            for (const userId of members) for (const conn of byUser.get(userId) ?? []) live(conn, envelope);
          },
          (err: unknown) => log.warn({ err }, 'room delivery: membership lookup failed'),
        );
      },
    },
    log,
    services.outages,
  );
  let closing = false;
  let lastTouch: Promise<void> = Promise.resolve();

  const heartbeat = setInterval(() => {
    const refresh: Array<{ userId: string; connectionId: string }> = [];
    for (const conn of all.values()) {
      if (!conn.alive) {
        log.debug({ conn: conn.id }, 'websocket missed a pong; dropping it');
        conn.raw.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.raw.ping();
      } catch {
        // closing already
      }
      if (conn.subscribed && !conn.closed) refresh.push({ userId: conn.userId, connectionId: conn.id });
    }
    if (refresh.length) {
      lastTouch = presence.touchAll(refresh).catch((err: unknown) => {
        if (!services.outages.noticed(err, { component: 'chat-ws' })) log.warn({ err }, 'presence refresh failed');
      });
    }
  }, opts.heartbeatMs);
  heartbeat.unref();

  /** Closes a socket on the server's initiative; its onClose does the cleanup. */
  function closeConnection(conn: Connection, code: number, reason: string): void {
    if (conn.closed) return;
    log.debug({ conn: conn.id, userId: conn.userId, code, reason }, 'closing websocket');
    conn.ws.close(code, reason);
  }

  function send(conn: Connection, frame: ServerFrame): void {
    if (conn.closed || conn.raw.readyState !== 1) return;
    if (conn.raw.bufferedAmount > opts.maxBufferedBytes) {
      log.warn({ conn: conn.id }, 'websocket client is not reading; disconnecting it');
      conn.ws.close(CLOSE_CODES.tryAgainLater, 'client too slow');
      return;
    }
    conn.ws.send(JSON.stringify(frame));
  }

  /** Remembers a message id for this connection; false if it was already sent here. */
  function firstTime(conn: Connection, frame: ServerFrame): boolean {
    if (!('id' in frame) || typeof frame.id !== 'string') return true;
    if (conn.seen.has(frame.id)) return false;
    conn.seen.add(frame.id);
    if (conn.seen.size > SEEN_MAX) conn.seen.delete(conn.seen.values().next().value as string);
    return true;
  }

  /** A frame from pub/sub: held back until the inbox is out, so the client sees it after (and once). */
  function live(conn: Connection, envelope: Envelope): void {
    if (envelope.except === conn.id) return;
    if (!conn.ready) {
      if (conn.backlog.length < BACKLOG_MAX) conn.backlog.push(envelope.frame);
      return;
    }
    if (firstTime(conn, envelope.frame)) send(conn, envelope.frame);
  }

  async function start(conn: Connection): Promise<void> {
    // Subscribed before being counted: a close order for this socket (the cap, a ban) published
    // from now on reaches this process.
    await subscriber.addUser(conn.userId);
    conn.subscribed = true;
    if (conn.closed) return;
    const evicted = await presence.register(conn.userId, conn.id, opts.maxSocketsPerUser);
    for (const id of evicted) evict(conn.userId, id);
    if (conn.closed) return;
    const em = services.orm.em.fork();
    // A ban (or deletion) committed after the upgrade was authenticated but before the subscription
    // above published its close order to nobody; this read sees it.
    const user = await em.findOne(User, { id: conn.userId });
    if (!allowedToChat(user)) {
      closeConnection(conn, CLOSE_CODES.forbidden, user ? 'account blocked' : 'account deleted');
      return;
    }
    const received = await inbox(em, em.getReference(User, conn.userId), INBOX_SIZE);
    for (const view of received) {
      const frame = messageFrame(view);
      if (firstTime(conn, frame)) send(conn, frame);
    }
    conn.ready = true;
    for (const frame of conn.backlog.splice(0)) {
      if (firstTime(conn, frame)) send(conn, frame);
    }
  }

  /** Closes a connection the socket cap pushed out: here if it is ours, else on its process. */
  function evict(userId: string, connectionId: string): void {
    const reason = `more than ${opts.maxSocketsPerUser} sockets; the oldest was closed`;
    const local = all.get(connectionId);
    if (local) {
      closeConnection(local, CLOSE_CODES.replaced, reason);
      return;
    }
    void closeUserSocket(services.redis, services.keyPrefix, userId, connectionId, CLOSE_CODES.replaced, reason).catch(
      (err: unknown) => log.warn({ err, conn: connectionId }, 'could not close a socket over the cap'),
    );
  }

  function open(identity: SocketIdentity, ws: WSContext<WebSocketLike>): Connection | undefined {
    if (closing) {
      ws.close(CLOSE_CODES.goingAway, 'server shutting down');
      return undefined;
    }
    const raw = ws.raw as unknown as RawSocket;
    const conn: Connection = {
      id: randomUUID(),
      userId: identity.userId,
      ws,
      raw,
      alive: true,
      ready: false,
      closed: false,
      subscribed: false,
      backlog: [],
      seen: new Set(),
      queue: Promise.resolve(),
      pending: 0,
      started: Promise.resolve(),
      expiryTimer: undefined,
    };
    all.set(conn.id, conn);
    const mine = byUser.get(conn.userId) ?? new Set<Connection>();
    byUser.set(conn.userId, mine);
    mine.add(conn);
    raw.on('pong', () => {
      conn.alive = true;
    });
    // Access tokens are short-lived; a socket does not outlive the token that opened it.
    const expiresInMs = identity.exp * 1000 - Date.now();
    conn.expiryTimer = setTimeout(() => ws.close(CLOSE_CODES.tokenExpired, 'token expired'), Math.max(0, expiresInMs));
    conn.expiryTimer.unref();
    conn.started = start(conn).catch((err: unknown) => {
      // PostgreSQL or Redis away: the outage is logged once, and the client told to come back (1013).
      const dependency = services.outages.noticed(err, { component: 'chat-ws', conn: conn.id });
      if (dependency) {
        services.outages.answered(dependency, 'websocket');
        ws.close(CLOSE_CODES.tryAgainLater, 'service temporarily unavailable');
        return;
      }
      log.error({ err, conn: conn.id }, 'websocket could not start');
      ws.close(CLOSE_CODES.internal, 'internal error');
    });
    conn.queue = conn.started;
    log.debug({ conn: conn.id, userId: conn.userId }, 'websocket open');
    return conn;
  }

  function closed(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    clearTimeout(conn.expiryTimer);
    all.delete(conn.id);
    const mine = byUser.get(conn.userId);
    mine?.delete(conn);
    if (mine?.size === 0) byUser.delete(conn.userId);
    // After start() settles, so a subscription or presence entry made by it is undone too.
    const cleanup = conn.started
      .then(async () => {
        await lastTouch;
        await presence.remove(conn.userId, conn.id);
        if (conn.subscribed) await subscriber.removeUser(conn.userId);
      })
      .catch((err: unknown) => {
        if (!services.outages.noticed(err, { component: 'chat-ws', conn: conn.id })) {
          log.warn({ err, conn: conn.id }, 'websocket cleanup failed');
        }
      })
      .finally(() => cleanups.delete(cleanup));
    cleanups.add(cleanup);
    log.debug({ conn: conn.id }, 'websocket closed');
  }

  /**
   * Counts the frame against its user's rate (in Redis, shared by all their sockets on every
   * process) at once, and handles it in order behind the previous ones; a frame over the rate is
   * dropped unparsed and answered with a rate_limited error frame (with its ref). Frame size needs no check here: the
   * socket library refused anything over maxFrameBytes.
   */
  function received(conn: Connection, data: unknown): void {
    conn.alive = true;
    // Bounds the memory one connection can tie up while its frames wait (before any Redis call).
    if (conn.pending >= opts.maxPending) {
      send(
        conn,
        errorFrame('rate_limited', 'Too many frames waiting; wait for the answers', { retryAfter: 1 }, refOf(data)),
      );
      return;
    }
    const decision = services.limiter.hit(
      `ws-frames:${conn.userId}`,
      opts.frameRate.count,
      opts.frameRate.windowSeconds,
    );
    // Awaited by the task below, maybe only after earlier frames: a Redis failure meanwhile is not "unhandled".
    decision.catch(() => undefined);
    const task = async () => {
      const rate = await decision;
      if (!rate.allowed) {
        const message = `At most ${opts.frameRate.count} frames per ${opts.frameRate.windowSeconds} s (all your sockets together); this one was dropped`;
        return send(conn, errorFrame('rate_limited', message, { retryAfter: rate.retryAfter }, refOf(data)));
      }
      if (typeof data !== 'string') {
        return send(conn, errorFrame('binary_not_supported', 'Frames are JSON text, not binary'));
      }
      return handle(conn, data);
    };
    conn.pending++;
    conn.queue = conn.queue
      .then(task)
      .catch((err: unknown) => send(conn, toErrorFrame(err, undefined, log, services.outages)))
      .finally(() => {
        conn.pending--;
      });
  }

  /** The account may no longer chat: says so and closes the socket. */
  function forbidden(conn: Connection, ref: string | undefined): undefined {
    send(conn, errorFrame('forbidden', 'This account can no longer use the chat', undefined, ref));
    conn.ws.close(CLOSE_CODES.forbidden, 'forbidden');
    return undefined;
  }

  async function handle(conn: Connection, data: string): Promise<void> {
    let frame: ClientFrame;
    try {
      frame = parseClientFrame(data);
    } catch (err) {
      if (err instanceof FrameError) send(conn, errorFrame(err.code, err.message, err.details, err.ref));
      else throw err;
      return;
    }
    const ref = frame.ref;
    try {
      if (frame.type === 'pm') {
        // The statement that stores the PM also checks the sender (a ban takes effect at once);
        // it needs no unit of work, so no fork of the entity manager.
        const pm = await sendPrivateMessage(services.orm.em, services, conn.userId, { handle: frame.to }, frame.text, {
          senderNeedsAccount: true,
        }).catch((err: unknown) => {
          if (err instanceof DomainError && err.code === 'forbidden') return forbidden(conn, ref);
          throw err;
        });
        if (!pm) return;
        send(conn, withRef(messageFrame(pm.message), ref));
        await services.chat
          .deliverPrivate(pm, { exceptConnection: conn.id })
          .catch((err: unknown) => log.error({ err, messageId: pm.message.id }, 'pm delivery failed'));
        return;
      }
      // The sender is the token's user, reloaded for every other frame (a ban takes effect at once).
      const em = services.orm.em.fork();
      const user = await em.findOne(User, { id: conn.userId });
      if (!allowedToChat(user)) return forbidden(conn, ref);
      switch (frame.type) {
        case 'room': {
          // The room's one use case (../room-post.ts); a room frame joins its sender first.
          const outcome = await postToRoom(em, services, user, frame.text, { join: true, exceptConnection: conn.id });
          switch (outcome.status) {
            case 'text_refused':
              return send(conn, toErrorFrame(outcome.error, ref, log, services.outages));
            case 'rate_limited':
              return send(
                conn,
                errorFrame(
                  'rate_limited',
                  'Too many room messages; wait a little',
                  { retryAfter: outcome.retryAfter },
                  ref,
                ),
              );
            case 'sent': {
              const { message } = outcome;
              if (outcome.joined) send(conn, { type: 'joined' });
              // Stored either way: the sender gets the echo, a failed fan-out is only logged.
              if ('deliveryError' in outcome) {
                log.error({ err: outcome.deliveryError, messageId: message.id }, 'room delivery failed');
              }
              return send(conn, withRef(messageFrame(toMessageView(message)), ref));
            }
          }
          return;
        }
        case 'join': {
          await joinRoom(services, user.id);
          for (const view of await recentRoomMessages(em)) send(conn, messageFrame(view));
          send(conn, withRef({ type: 'joined' }, ref));
          return;
        }
        case 'leave': {
          await leaveRoom(services, user.id);
          send(conn, withRef({ type: 'left' }, ref));
          return;
        }
      }
    } catch (err) {
      send(conn, toErrorFrame(err, ref, log, services.outages));
    }
  }

  return {
    server,
    accept(c, identity) {
      let conn: Connection | undefined;
      const events: WSEvents<WebSocketLike> = {
        onOpen: (_event, ws) => {
          conn = open(identity, ws);
        },
        onMessage: (event, _ws) => {
          if (conn) received(conn, event.data);
        },
        onClose: () => {
          if (conn) closed(conn);
        },
        onError: (event) => log.debug({ err: (event as Event & { error?: unknown }).error }, 'websocket error'),
      };
      return upgradeWebSocket(c, events, {
        onError: (err: unknown) => log.error({ err }, 'websocket handler failed'),
      });
    },
    connectionCount: () => all.size,
    async close() {
      closing = true;
      clearInterval(heartbeat);
      for (const conn of all.values()) conn.ws.close(CLOSE_CODES.goingAway, 'server shutting down');
      const deadline = Date.now() + SHUTDOWN_CLOSE_WAIT_MS;
      while (all.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const conn of all.values()) conn.raw.terminate();
      while (all.size > 0 && Date.now() < deadline + 200) await new Promise((r) => setTimeout(r, 10));
      await Promise.allSettled([...cleanups]);
      await subscriber.close();
      server.close();
    },
  };
}

/** Whether an account (null: deleted) may keep a socket open. */
function allowedToChat(user: User | null): user is User {
  return !!user && user.status !== 'banned' && user.accountState === 'active';
}

function withRef<T extends ServerFrame>(frame: T, ref: string | undefined): T {
  return ref === undefined ? frame : { ...frame, ref };
}

/**
 * Domain errors keep their code, message and details (as in HTTP bodies); PostgreSQL or Redis
 * away is `service_unavailable` with `retryAfter`, as HTTP's 503 (the outage logged once, not per
 * frame); anything else is ours.
 */
function toErrorFrame(err: unknown, ref: string | undefined, log: Logger, outages: Outages): ServerFrame {
  if (err instanceof DomainError) return errorFrame(err.code, err.message, err.details, ref);
  if (err instanceof FrameError) return errorFrame(err.code, err.message, err.details, ref ?? err.ref);
  const dependency = outages.noticed(err, { component: 'chat-ws' });
  if (dependency) {
    outages.answered(dependency, 'websocket');
    return errorFrame(
      'service_unavailable',
      'The service is temporarily unavailable; retry later',
      { retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS },
      ref,
    );
  }
  log.error({ err }, 'websocket frame failed');
  return errorFrame('internal_error', 'Something went wrong on our side; the error was logged', undefined, ref);
}
