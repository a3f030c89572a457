export { authenticate, bearerToken, requireUserToken, scoped, scopeGuard } from './api/authenticate.js';
export { usersApi } from './api/index.js';
export { UserSchema } from './api/schemas.js';
export { Avatar } from './avatar.entity.js';
export { blockedAmong, blocks, blockUser, dropBlocksBeforeMerge, unblockUser } from './blocks.js';
export { buildBlockedMenu } from './bot/blocked.js';
export { chatMemberFeature } from './bot/chat-member.js';
export { settingsFeature } from './bot/commands.js';
export { displayNameConversation, timezoneConversation } from './bot/dialogs.js';
export { reaskFirstStart } from './bot/first-start.js';
export { loadUser } from './bot/load-user.js';
export { senderProperties, updateSenderProfile } from './bot/sender.js';
export {
  changeLanguage,
  LANGUAGE_NAMES,
  linkedUsername,
  removePhone,
  requestPhone,
  settingsText,
  toggleMailings,
  toggleNotifications,
} from './bot/settings.js';
export {
  buildTimezoneMenus,
  chooseTimezone,
  firstStartQuestion,
  openFirstStartDialog,
  readTimezone,
  timezoneHint,
  timezonePresets,
  timezoneText,
} from './bot/timezone.js';
export { findByHandle, handleOf, normalizeHandle, senderName } from './handles.js';
export { type ParsedPhone, PHONE_FORMAT_HINT, parsePhone, parsePhoneInput } from './phone.js';
export { setMailingsSubscription, toUserDto } from './profile.js';
export { shownName } from './text-policy.js';
export type { Language, Role, UserStatus } from './user.entity.js';
export { DEFAULT_TIMEZONE, LANGUAGES, ROLES, USER_STATUSES, User } from './user.entity.js';
export { UserBlock } from './user-block.entity.js';
export { attachUserCache, UserCache } from './user-cache.js';
export { chosenName, firstNameOf, markBlocked, setBotBlocked, visibleName } from './users.js';
