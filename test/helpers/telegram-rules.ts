/** Telegram's rules as the Bot API stand-in applies them (src/platform/telegram/stand-in/telegram-rules.ts). */
export * from '../../src/platform/telegram/stand-in/telegram-rules.js';
