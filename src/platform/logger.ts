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

export interface LoggerOptions {
  /** Values that must never be printed (the bot token: Bot API URLs and errors contain it). */
  secrets?: string[];
  destination?: pino.DestinationStream;
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const target = options.destination ?? process.stdout;
  // Redaction by path cannot catch a token inside an error message or a nested cause, so
  // every finished line is also scrubbed before it is written.
  const destination: pino.DestinationStream =
    secrets.length === 0
      ? target
      : { write: (line: string) => target.write(secrets.reduce((text, secret) => scrubToken(text, secret), line)) };
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
