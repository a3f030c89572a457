import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Paths that may carry secrets. pino replaces them before a line is written, so a careless
 * `log.info({ req })` cannot leak a token or password.
 */
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'refresh_token',
  '*.refresh_token',
  'access_token',
  '*.access_token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-telegram-bot-api-secret-token"]',
  'botToken',
  '*.botToken',
  'secret',
  '*.secret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gramdesk' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Removes the bot token from any text (URLs of the Bot API contain it). */
export function scrubToken(text: string, token: string): string {
  return token ? text.split(token).join('[bot-token]') : text;
}
