import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../users/index.js';
import { Message } from './message.entity.js';

/**
 * A room line owed to one member in Telegram (issue 18). The room job plans the fan-out once
 * (claiming the message's `delivery` and inserting one row per member, in one transaction); each
 * `room-send` job claims its row, sends, and deletes it. A row nobody holds is re-queued by the
 * sweep (jobs/delivery-sweep.ts), so a Telegram outage longer than the job's retries delays a
 * member's copy instead of losing it; the members already served have no row, so nothing is sent
 * twice. Rows still owed a day later are dropped and the message marked 'given_up'.
 */
const RoomSendSchema = defineEntity({
  name: 'RoomSend',
  tableName: 'room_sends',
  indexes: [
    {
      // The sweep: unclaimed rows by age.
      name: 'room_sends_owed_idx',
      expression: 'create index "room_sends_owed_idx" on "room_sends" ("created_at") where not "claimed"',
    },
  ],
  properties: {
    message: () => p.manyToOne(Message).primary().deleteRule('cascade'),
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    /** Taken by the job sending it; given back when Telegram answered with an error. */
    claimed: p.boolean().default(false),
    /** Telegram messages of this member's copy already sent (see Message.partsSent). */
    partsSent: p.smallint().default(0),
    /** The first part's Telegram message id, which the rest replies to, once it is sent. */
    firstPartId: p.bigint('number').nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class RoomSend extends RoomSendSchema.class {}
RoomSendSchema.setClass(RoomSend);
