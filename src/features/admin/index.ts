export { isAdmin } from './admin.js';
export { adminApi } from './api/index.js';
export { adminFeature, denyUnlessAdmin } from './bot/commands.js';
export { adminConversations, showAdminDialogBack } from './bot/dialogs.js';
export type { AdminScreens } from './bot/screens.js';
export { buildAdminMenus } from './bot/screens.js';
export { registerAdminCommands, registerCommands, syncAdminCommands } from './command-lists.js';
