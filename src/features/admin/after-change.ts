import type { Api } from 'grammy';
import type { Translator } from '../../platform/i18n/translator.js';
import type { Logger } from '../../platform/logger.js';
import type { Redis } from '../../platform/redis.js';
import { closeUserSockets } from '../chat/index.js';
import { type AdminChange, bannedNoticeKey } from './admin.js';
import { syncAdminCommands } from './command-lists.js';

/**
 * What the follow-up needs. `api` and `log` are the caller's: in the bot the update's Bot API client
 * and logger (a warning then names the update), in the API the services' ones.
 */
export interface AfterAdminChangeDeps {
  api: Api;
  translator: Translator;
  redis: Redis;
  keyPrefix: string;
  log: Logger;
}

/**
 * What follows a change updateUserAsAdmin saved, the same from the bot's card and dialogs and from
 * PATCH /admin/users/{id}: an unbanned user may be told "you are blocked" again if banned later, a
 * banned user's WebSockets close, and the admin commands appear or disappear in the user's chat
 * when the role changed. The change is committed: Redis or Telegram failing here is logged and
 * does not undo it (a banned socket is still refused at its next frame; start-up registers the
 * command lists again).
 */
export async function afterAdminChange(deps: AfterAdminChangeDeps, change: AdminChange): Promise<void> {
  if (change.unbanned) await deps.redis.del(bannedNoticeKey(deps.keyPrefix, change.user.id));
  // The ban is committed; the user's open WebSockets on every API process close now (SPEC §3.5).
  if (change.banned) {
    await closeUserSockets(deps.redis, deps.keyPrefix, change.user.id, 'banned').catch((err) =>
      deps.log.warn({ err: err instanceof Error ? err.message : err }, 'could not close the banned user’s sockets'),
    );
  }
  if (change.roleChanged) {
    await syncAdminCommands(deps.api, deps.translator, change.user).catch((err) =>
      deps.log.warn({ err: err instanceof Error ? err.message : err }, 'could not update the admin commands'),
    );
  }
}
