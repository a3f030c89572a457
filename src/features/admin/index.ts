export { isAdmin } from './admin.js';
export { registerAdminRoutes } from './api/index.js';
export { registerAdminCommands, registerCommands } from './bot/command-lists.js';
export { adminFeature, denyUnlessAdmin } from './bot/commands.js';
export { adminConversations } from './bot/dialogs.js';
export type { AdminScreens } from './bot/screens.js';
export { buildAdminMenus } from './bot/screens.js';
