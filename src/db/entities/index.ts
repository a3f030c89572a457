import { Avatar, LinkToken, RefreshToken, Registration } from './account.entities.js';
import { AuditEntry, Delivery, Mailing } from './admin.entities.js';
import { Message } from './message.entity.js';
import { SigningKey } from './signing-key.entity.js';
import { Comment, Task } from './task.entities.js';
import { User } from './user.entity.js';

export * from './account.entities.js';
export * from './admin.entities.js';
export * from './message.entity.js';
export * from './task.entities.js';
export * from './user.entity.js';
export {
  AuditEntry,
  Avatar,
  Comment,
  Delivery,
  LinkToken,
  Mailing,
  Message,
  RefreshToken,
  Registration,
  SigningKey,
  Task,
  User,
};

/** Every entity, for the ORM config. Add new entities here. */
export const entities = [
  User,
  SigningKey,
  Registration,
  RefreshToken,
  LinkToken,
  Avatar,
  Message,
  Task,
  Comment,
  Mailing,
  Delivery,
  AuditEntry,
];
