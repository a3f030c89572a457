import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../users/index.js';

export const MAILING_STATUSES = ['scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type MailingStatus = (typeof MAILING_STATUSES)[number];
export const DELIVERY_STATUSES = ['pending', 'processing', 'sent', 'error', 'expired', 'unknown', 'recalled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A formatting entity of Telegram (bold, link, …) over the text, in UTF-16 code units. */
export interface TextEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: { id: number };
}

export const MEDIA_TYPES = ['photo', 'video', 'animation', 'document'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
/** The mailing's picture, video, GIF or document: Telegram's file id (from the bot) or a URL (from the API). */
export interface MailingMedia {
  type: MediaType;
  fileId?: string;
  url?: string;
}
export interface MailingButton {
  text: string;
  url: string;
}

export interface MailingFilter {
  tags?: string[];
  operatorCodes?: string[];
  languages?: string[];
}

/** A scheduled broadcast to a segment of the bot's users (SPEC §2.5, §3.6). */
const MailingSchema = defineEntity({
  name: 'Mailing',
  tableName: 'mailings',
  indexes: [{ name: 'mailings_status_start_idx', properties: ['status', 'startAt'] }],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    /** The text, or the caption when there is media: HTML (API), or plain text with `entities` (the bot). */
    text: p.text(),
    /** Telegram's formatting of `text` as the admin sent it; null = `text` is HTML. */
    entities: p.json<TextEntity[]>().nullable(),
    media: p.json<MailingMedia>().nullable(),
    /** URL buttons, rows of up to 3 (the 🔕 Unsubscribe row is added per recipient's language). */
    buttons: p.json<MailingButton[][]>().nullable(),
    filter: p.json<MailingFilter>(),
    startAt: p.datetime(),
    endAt: p.datetime(),
    /** Local sending window in each recipient's time zone, minutes after midnight (e.g. 540–1260 for 09–21). */
    windowFrom: p.smallint().nullable(),
    windowTo: p.smallint().nullable(),
    status: p.enum(MAILING_STATUSES).default('scheduled'),
    createdBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
    /** When the recipients were materialised into deliveries (once, at start). */
    materializedAt: p.datetime().nullable(),
    recipientCount: p.integer().default(0),
    cancelledAt: p.datetime().nullable(),
    pausedAt: p.datetime().nullable(),
    /**
     * The key of this mailing's click links (clicks.ts): each recipient's button opens
     * `PUBLIC_URL/r/<code>`, the code signed with it, so nobody can make up another recipient's
     * click or a link to anywhere else. Never shown (lazy: loaded only by the SQL that needs it).
     */
    clickSecret: p.string().length(32).nullable().lazy(),
    /** Recall (SPEC §2.5): when an admin asked to delete the sent messages, and when every one was dealt with. */
    recallRequestedAt: p.datetime().nullable(),
    recallCompletedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Mailing extends MailingSchema.class {}
MailingSchema.setClass(Mailing);

/**
 * One recipient of one mailing. Workers claim rows (`FOR UPDATE SKIP LOCKED`) by setting
 * `processing` with a lease (`claimedUntil`); a crashed worker's lease expires and the row is
 * claimed again. A send whose outcome a crash hid becomes `unknown` and is never resent.
 */
const DeliverySchema = defineEntity({
  name: 'Delivery',
  tableName: 'deliveries',
  uniques: [{ name: 'deliveries_mailing_user_unique', properties: ['mailing', 'user'] }],
  indexes: [
    { name: 'deliveries_claim_idx', properties: ['mailing', 'status', 'nextAttemptAt'] },
    { name: 'deliveries_lease_idx', properties: ['status', 'claimedUntil'] },
    // What a claim walks (src/features/mailings/deliveries.ts): only the pending rows of a mailing, in id
    // order, so it never scans past the rows already sent (a heap scan did, slowing a
    // 1,000,000-recipient mailing from 1,000 to ~650 messages/s as it went).
    {
      name: 'deliveries_pending_idx',
      expression: `create index "deliveries_pending_idx" on "deliveries" ("mailing_id", "id") where "status" = 'pending'`,
    },
  ],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    mailing: () => p.manyToOne(Mailing).deleteRule('cascade'),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    chatId: p.bigint('number'),
    /** The recipient's time zone when materialised (the local window is computed in it). */
    timezone: p.string().length(64),
    /** The recipient's language when materialised (the 🔕 Unsubscribe button speaks it). */
    language: p.string().length(8).default('en'),
    status: p.enum(DELIVERY_STATUSES).default('pending'),
    attempts: p.smallint().default(0),
    nextAttemptAt: p.datetime().nullable(),
    claimedBy: p.string().length(64).nullable(),
    claimedUntil: p.datetime().nullable(),
    /** Set just before the HTTP request to Telegram is written: a crash after it means `unknown`. */
    sendingAt: p.datetime().nullable(),
    sentAt: p.datetime().nullable(),
    telegramMessageId: p.integer().nullable(),
    error: p.text().nullable(),
    /** Recall: when the sent message was deleted (status `recalled`). */
    recalledAt: p.datetime().nullable(),
    /** Recall: why the sent message could not be deleted (the row stays `sent`). */
    recallError: p.text().nullable(),
    /** When the recipient pressed 🔕 Unsubscribe under this mailing's message (null again after Undo). */
    unsubscribedAt: p.datetime().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Delivery extends DeliverySchema.class {}
DeliverySchema.setClass(Delivery);

/**
 * A recipient's first tap on one URL button of a mailing (SPEC §2.5 clicks): one row per delivery
 * and button, so a repeated tap redirects again but is not counted again. Written by clicks.ts only.
 */
const MailingClickSchema = defineEntity({
  name: 'MailingClick',
  tableName: 'mailing_clicks',
  uniques: [{ name: 'mailing_clicks_delivery_button_unique', properties: ['delivery', 'button'] }],
  indexes: [{ name: 'mailing_clicks_mailing_idx', properties: ['mailing', 'button'] }],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    mailing: () => p.manyToOne(Mailing).deleteRule('cascade'),
    delivery: () => p.manyToOne(Delivery).deleteRule('cascade'),
    /** The button's place among the mailing's buttons, row by row from 0. */
    button: p.smallint(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class MailingClick extends MailingClickSchema.class {}
MailingClickSchema.setClass(MailingClick);
