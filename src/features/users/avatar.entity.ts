import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.entity.js';

/** Profile pictures, checked by content (PNG, JPEG, WebP) and at most 1 MiB. */
const AvatarSchema = defineEntity({
  name: 'Avatar',
  tableName: 'avatars',
  properties: {
    user: () => p.oneToOne(User).primary().deleteRule('cascade'),
    contentType: p.string().length(32),
    data: p.blob().lazy(),
    size: p.integer(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Avatar extends AvatarSchema.class {}
AvatarSchema.setClass(Avatar);
