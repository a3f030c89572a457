export { mailingsApi } from './api/index.js';
export { mailingsFeature } from './bot/commands.js';
export { mailingConversations } from './bot/dialogs.js';
export type { MailingScreens } from './bot/screens.js';
export { buildMailingMenus, showMailingDialogBack } from './bot/screens.js';
export { startAdminTicker } from './jobs/cards.js';
export { MailingEngine, startMailingWorker } from './jobs/engine.js';
export { Delivery, Mailing, MailingClick } from './mailing.entities.js';
