/**
 * The tests' and benchmarks' name for THE Bot API stand-in, which lives in the product
 * (src/platform/telegram/stand-in/) because the sandbox runs on it too: one fake, one set of rules.
 */
export * from '../../src/platform/telegram/stand-in/bot-api.js';
export { BotApiStandIn as FakeBotApi } from '../../src/platform/telegram/stand-in/bot-api.js';
