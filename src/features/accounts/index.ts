export { LinkToken, RefreshToken, Registration } from './account.entities.js';
export { accountsApi } from './api/index.js';
export { accountsFeature } from './bot/commands.js';
export { buildUnlinkMenu } from './bot/unlink.js';
export { startRegistrationExpirySweep } from './jobs/expiry-sweep.js';
export { Notifications, startNotificationsWorker } from './jobs/notifications.js';
export { unlinkTelegram } from './linking.js';
export { revokeAllForUser } from './refresh-tokens.js';
