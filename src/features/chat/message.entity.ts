import { defineEntity, p } from '@mikro-orm/core';
import type { TextEntity } from '../../platform/telegram/entities.js';
import { User } from '../users/index.js';

export const MESSAGE_KINDS = ['echo', 'pm', 'room'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * What a stored message still owes its recipients outside PostgreSQL (issue 18: PostgreSQL is the
 * record, Redis can forget): 'owed' — its Telegram delivery (the PM in full, the echo, the room
 * fan-out) is not done yet; 'folded' — a PM folded into the recipient's "N new messages" notice,
 * which is not sent yet; 'given_up' — an echo or room line still owed a day after it was written,
 * stale news no longer sent (kept so an operator can count them; PMs are never given up);
 * null — nothing (delivered, handed to a WebSocket, nobody to send to). The job that delivers
 * claims it in one UPDATE before sending; the sweep (jobs/delivery-sweep.ts) queues again what an
 * empty or unreachable Redis lost, or a long Telegram outage outlasted. A room line's sends to
 * its members, once planned, are owed per member in `room_sends` (room-send.entity.ts).
 */
export const MESSAGE_DELIVERY = ['owed', 'folded', 'given_up'] as const;
export type MessageDelivery = (typeof MESSAGE_DELIVERY)[number];

export const MEDIA_TYPES = ['photo', 'document', 'voice', 'video', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/**
 * A photo, document, voice message, video or sticker sent in Telegram (SPEC §2.3, §3.5). `fileId`
 * is Telegram's, kept to relay the file (sent again by file_id, not forwarded); it is never shown
 * over HTTP or the WebSocket, which see `{type, fileName?, mimeType?}`.
 */
export interface StoredMedia {
  type: MediaType;
  fileId: string;
  fileName?: string;
  mimeType?: string;
}

/** Every echo, private message and room message is stored (SPEC §2.3). */
const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'messages',
  indexes: [
    { name: 'messages_from_idx', properties: ['from', 'id'] },
    { name: 'messages_to_idx', properties: ['to', 'id'] },
    {
      // A swipe-reply finds the PM by its Telegram copy. Partial: WebSocket PMs carry no Telegram
      // id, so inserting them does not touch this index.
      name: 'messages_to_telegram_idx',
      expression:
        'create index "messages_to_telegram_idx" on "messages" ("to_id", "telegram_message_id") where "telegram_message_id" is not null',
    },
    {
      // The same for the other part of a two-message copy (few rows: media and long texts only).
      name: 'messages_to_telegram_other_idx',
      expression:
        'create index "messages_to_telegram_other_idx" on "messages" ("to_id", "telegram_other_part_id") where "telegram_other_part_id" is not null',
    },
    {
      // The delivery sweep and the folded-PM notice: only messages still owing something (not the
      // given-up ones, which only an operator's count reads).
      name: 'messages_delivery_owed_idx',
      expression:
        'create index "messages_delivery_owed_idx" on "messages" ("to_id", "sent_at") where "delivery" in (\'owed\', \'folded\')',
    },
  ],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    kind: p.enum(MESSAGE_KINDS),
    from: () => p.manyToOne(User).deleteRule('cascade'),
    to: () => p.manyToOne(User).nullable().deleteRule('cascade'),
    /** The text, or a media message's caption ('' when it has none). */
    text: p.text(),
    media: p.json<StoredMedia>().nullable(),
    /**
     * The formatting of `text` as the sender wrote it in Telegram (bold, links…; UTF-16 offsets),
     * sent again with the relayed copy; null when it has none. Not shown over HTTP.
     */
    entities: p.json<TextEntity[]>().nullable(),
    /**
     * A PM delivered in Telegram: the id of the bot's message in the recipient's chat, so a reply
     * (swipe) to it finds the PM and its sender.
     */
    telegramMessageId: p.bigint('number').nullable(),
    /**
     * The copy's other Telegram message, when it took two (a sticker's sender line before it, a
     * caption too long for the media after it, a text past 4096): a swipe on either part finds the PM.
     */
    telegramOtherPartId: p.bigint('number').nullable(),
    /**
     * What is still owed outside PostgreSQL (MESSAGE_DELIVERY); null when nothing is. A new
     * message owes its delivery until it is settled (rows from before issue 18 owe nothing).
     */
    delivery: p.enum(MESSAGE_DELIVERY).nullable().default('owed'),
    /**
     * How many Telegram messages of the recipient's copy were sent (a media message whose caption
     * did not fit, a sticker after its sender line, a text split at 4096): a retry or the sweep
     * goes on from there, so no part arrives twice. While a copy is unfinished,
     * `telegramMessageId` holds its first part, the one the rest replies to.
     */
    partsSent: p.smallint().default(0),
    sentAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Message extends MessageSchema.class {}
MessageSchema.setClass(Message);
