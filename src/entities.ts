import { LinkToken, RefreshToken, Registration } from './features/accounts/index.js';
import { AuditEntry } from './features/audit/index.js';
import { Message, RoomSend } from './features/chat/index.js';
import { Delivery, Mailing, MailingClick } from './features/mailings/index.js';
import { Comment, Task, TaskNotice } from './features/tasks/index.js';
import { Avatar, User, UserBlock } from './features/users/index.js';
import { SigningKey } from './platform/auth/signing-key.entity.js';

/**
 * Every entity, for the ORM (app.ts) and the MikroORM CLI. Each lives in the feature that owns
 * its table; a new table is added here too.
 */
export const entities = [
  User,
  SigningKey,
  Registration,
  RefreshToken,
  LinkToken,
  Avatar,
  UserBlock,
  Message,
  RoomSend,
  Task,
  Comment,
  TaskNotice,
  Mailing,
  Delivery,
  MailingClick,
  AuditEntry,
];
