export { cancelFeature } from './bot/cancel.js';
export type { Screens } from './bot/menus.js';
export { buildMenus } from './bot/menus.js';
export { greet, startFeature } from './bot/start.js';
export { unhandledFeature } from './bot/unhandled.js';
