import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../users/index.js';

export const MESSAGE_KINDS = ['echo', 'pm', 'room'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Every echo, private message and room message is stored (SPEC §2.3). */
const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'messages',
  indexes: [
    { name: 'messages_from_idx', properties: ['from', 'id'] },
    { name: 'messages_to_idx', properties: ['to', 'id'] },
  ],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    kind: p.enum(MESSAGE_KINDS),
    from: () => p.manyToOne(User).deleteRule('cascade'),
    to: () => p.manyToOne(User).nullable().deleteRule('cascade'),
    text: p.text(),
    sentAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Message extends MessageSchema.class {}
MessageSchema.setClass(Message);
