import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.entity.js';

/**
 * `blocker` blocked `blocked` (blocks.ts): the blocked person's private messages to the blocker are
 * refused, whichever way they are sent. One way only: the blocker may still write to them.
 *
 * The primary key (blocker, blocked) is the index of the one hot probe, "does the recipient block
 * this sender", made inside the statement that stores every PM (features/chat/chat.ts). The index
 * on `blocked` serves the cascade when a user row is deleted (a merge of two accounts re-points
 * the rows first: features/accounts/linking.ts). `createdAt` keeps milliseconds only, as a JS
 * Date does, so a page cursor made of it finds the row it came from again.
 */
const UserBlockSchema = defineEntity({
  name: 'UserBlock',
  tableName: 'user_blocks',
  indexes: [{ name: 'user_blocks_blocked_idx', properties: ['blocked'] }],
  properties: {
    blocker: () => p.manyToOne(User).primary().deleteRule('cascade'),
    blocked: () => p.manyToOne(User).primary().deleteRule('cascade'),
    createdAt: p
      .datetime()
      .length(3)
      .onCreate(() => new Date()),
  },
});
export class UserBlock extends UserBlockSchema.class {}
UserBlockSchema.setClass(UserBlock);
