import type { Logger } from '../../platform/logger.js';
import type { Outages } from '../../platform/outages.js';
import { createRedis, type Redis } from '../../platform/redis.js';
import { type ChatKeys, chatKeys } from './keys.js';
import type { ServerFrame } from './ws/frames.js';
import { CLOSE_CODES } from './ws/limits.js';

/** What travels over pub/sub: a frame, and the connection that must not get it (it had the echo). */
export interface Envelope {
  frame: ServerFrame;
  except?: string;
}

/**
 * An order to close sockets of a user, on whichever process holds them: one connection (the
 * socket cap made room) or all of them (the account was banned or deleted).
 */
export interface CloseOrder {
  close: { code: number; reason: string; connection?: string };
}

/** What a user's channel carries. */
export type UserMessage = Envelope | CloseOrder;

export const isCloseOrder = (message: UserMessage): message is CloseOrder => 'close' in message;

/**
 * Publishes a frame to every connection of a user, on whichever API process holds them.
 * Resolves with the number of processes that received it (0: none holds a socket of theirs).
 */
export async function publishToUser(
  redis: Redis,
  keyPrefix: string,
  userId: string,
  envelope: Envelope,
): Promise<number> {
  return redis.publish(chatKeys(keyPrefix).userChannel(userId), JSON.stringify(envelope));
}

/**
 * Sends a connected user a notice frame of another feature (tasks tell a participant of a shared
 * task what changed). Resolves with the number of processes holding a socket of theirs: 0 means
 * "not connected", and the caller falls back to Telegram — the chat's own delivery rule.
 */
export function publishNotice(
  redis: Redis,
  keyPrefix: string,
  userId: string,
  topic: string,
  data: Record<string, unknown>,
): Promise<number> {
  return publishToUser(redis, keyPrefix, userId, { frame: { type: 'notice', topic, data } });
}

/**
 * Closes every WebSocket of a user on every API process (within the pub/sub latency), for an
 * account that was banned or deleted. Call it after the change is committed: a socket that opens
 * in between re-checks the account once it is subscribed (websocket.ts, start), so none slips through.
 */
export async function closeUserSockets(
  redis: Redis,
  keyPrefix: string,
  userId: string,
  why: 'banned' | 'deleted',
): Promise<number> {
  const order: CloseOrder = {
    close: { code: CLOSE_CODES.forbidden, reason: why === 'banned' ? 'account blocked' : 'account deleted' },
  };
  return redis.publish(chatKeys(keyPrefix).userChannel(userId), JSON.stringify(order));
}

/** Closes one connection of a user, on whichever process holds it. */
export async function closeUserSocket(
  redis: Redis,
  keyPrefix: string,
  userId: string,
  connection: string,
  code: number,
  reason: string,
): Promise<number> {
  const order: CloseOrder = { close: { code, reason, connection } };
  return redis.publish(chatKeys(keyPrefix).userChannel(userId), JSON.stringify(order));
}

/** Publishes a room frame to every API process (each delivers it to its local members). */
export async function publishToRoom(redis: Redis, keyPrefix: string, envelope: Envelope): Promise<number> {
  return redis.publish(chatKeys(keyPrefix).roomChannel, JSON.stringify(envelope));
}

export interface SubscriberHandlers {
  user(userId: string, message: UserMessage): void;
  room(envelope: Envelope): void;
}

/**
 * The one pub/sub connection of an API process. It listens to the room channel, and to a
 * user's channel while this process holds at least one socket of that user (reference-counted),
 * so a frame published for a user reaches only the processes that can deliver it.
 */
export class ChatSubscriber {
  private readonly redis: Redis;
  private readonly keys: ChatKeys;
  private readonly counts = new Map<string, number>();
  private readonly subscribing = new Map<string, Promise<void>>();
  private readonly userChannelPrefix: string;
  private started: Promise<void> | undefined;

  constructor(
    redisUrl: string,
    keyPrefix: string,
    private readonly handlers: SubscriberHandlers,
    private readonly log: Logger,
    outages?: Pick<Outages, 'redisConnectionError'>,
  ) {
    this.keys = chatKeys(keyPrefix);
    this.userChannelPrefix = this.keys.userChannel('');
    this.redis = createRedis(redisUrl, { connectionName: 'gramdesk:chat-sub', maxRetriesPerRequest: null });
    // A Redis outage is said once (outages.ts), not once per reconnect attempt.
    this.redis.on('error', (err) =>
      outages
        ? outages.redisConnectionError(err, 'chat-sub')
        : log.warn({ err: err.message }, 'chat subscriber redis error'),
    );
    this.redis.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** Connects and subscribes to the room channel (ioredis re-subscribes by itself after a reconnect). */
  start(): Promise<void> {
    this.started ??= (async () => {
      if (this.redis.status === 'wait') await this.redis.connect();
      await this.redis.subscribe(this.keys.roomChannel);
    })().catch((err: unknown) => {
      this.started = undefined; // the next socket tries again
      throw err;
    });
    return this.started;
  }

  /** A socket of this user opened here; resolves once frames for them are being received. */
  async addUser(userId: string): Promise<void> {
    await this.start();
    const count = (this.counts.get(userId) ?? 0) + 1;
    this.counts.set(userId, count);
    // A second socket of the user is ready once the first one's SUBSCRIBE is. Commands on one
    // connection run in order, so a SUBSCRIBE after a pending UNSUBSCRIBE wins.
    let subscribed = this.subscribing.get(userId);
    if (count === 1) {
      subscribed = this.redis.subscribe(this.keys.userChannel(userId)).then(() => undefined);
      this.subscribing.set(userId, subscribed);
    }
    try {
      await subscribed;
    } catch (err) {
      // Not counted: the caller's socket is closed without calling removeUser.
      const left = (this.counts.get(userId) ?? 1) - 1;
      if (left > 0) this.counts.set(userId, left);
      else this.counts.delete(userId);
      throw err;
    } finally {
      if (this.subscribing.get(userId) === subscribed) this.subscribing.delete(userId);
    }
  }

  /** A socket of this user closed here. */
  async removeUser(userId: string): Promise<void> {
    const count = (this.counts.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.counts.set(userId, count);
      return;
    }
    this.counts.delete(userId);
    // Queued while reconnecting: otherwise ioredis would restore the subscription on reconnect.
    await this.redis.unsubscribe(this.keys.userChannel(userId));
  }

  async close(): Promise<void> {
    this.counts.clear();
    // Never connected (no socket ever opened here): nothing to say goodbye to.
    if (this.redis.status === 'wait') this.redis.disconnect();
    else await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private dispatch(channel: string, message: string): void {
    let envelope: UserMessage;
    try {
      envelope = JSON.parse(message) as UserMessage;
    } catch (err) {
      this.log.warn({ err, channel }, 'unreadable chat pub/sub message');
      return;
    }
    try {
      if (channel === this.keys.roomChannel) {
        if (!isCloseOrder(envelope)) this.handlers.room(envelope);
      } else if (channel.startsWith(this.userChannelPrefix))
        this.handlers.user(channel.slice(this.userChannelPrefix.length), envelope);
    } catch (err) {
      this.log.error({ err, channel }, 'chat frame delivery failed');
    }
  }
}
