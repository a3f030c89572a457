import { dirname, join } from 'node:path';
import { ALL_ROLES, type Role, startGramdesk } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseUnavailableError } from './platform/db/orm.js';
import { createLogger } from './platform/logger.js';
import { RedisUnavailableError } from './platform/redis.js';
import { type OwnRedis, RedisNotInstalledError, resolveRedis } from './platform/redis-server.js';
import { Sandbox } from './platform/sandbox/sandbox.js';

/** Graceful shutdown must finish within this bound (orchestrators kill at 10 s). */
const SHUTDOWN_TIMEOUT_MS = 9_500;

function parseRoles(argv: string[]): Role[] {
  const arg = argv.find((a) => a.startsWith('--role='));
  if (!arg) return [...ALL_ROLES];
  const roles = arg.slice('--role='.length).split(',');
  for (const role of roles) {
    if (!ALL_ROLES.includes(role as Role)) {
      throw new ConfigError([`--role: expected bot, api or worker (comma-separated), got "${role}"`]);
    }
  }
  return roles as Role[];
}

/** What an operator should do when a dependency is down. */
function explainDependency(err: unknown): string | undefined {
  if (err instanceof DatabaseUnavailableError) {
    return `PostgreSQL is not reachable at ${err.target} (DATABASE_URL). Start it (e.g. \`docker compose up -d postgres\` or \`pg_ctlcluster 15 main start\`), or unset DATABASE_URL to use the embedded database.`;
  }
  if (err instanceof RedisNotInstalledError) {
    return `Redis is not reachable at ${err.target} and no redis-server is installed to start one. Install Redis (Debian/Ubuntu: \`sudo apt-get install redis-server\`; macOS: \`brew install redis\`), run \`docker compose up -d redis\`, or set REDIS_URL to a running Redis.`;
  }
  if (err instanceof RedisUnavailableError) {
    return `Redis is not reachable at ${err.target} (REDIS_URL). Start it (e.g. \`docker compose up -d redis\` or \`redis-server --daemonize yes\`).`;
  }
  return undefined;
}

/** Reads `.env` from the working directory if there is one; real environment variables win. */
function loadDotEnv(): void {
  try {
    process.loadEnvFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function main(): Promise<void> {
  loadDotEnv();
  let config: ReturnType<typeof loadConfig>;
  let roles: Role[];
  try {
    config = loadConfig();
    roles = parseRoles(process.argv.slice(2));
    if (config.sandbox && roles.length !== ALL_ROLES.length) {
      throw new ConfigError([
        '--role: sandbox mode (no BOT_TOKEN) runs every role in one process; set BOT_TOKEN to run roles apart',
      ]);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const problem of err.problems) console.error(`Configuration error: ${problem}`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, { secrets: [config.botToken] });

  let app: Awaited<ReturnType<typeof startGramdesk>>;
  let ownRedis: OwnRedis | undefined;
  let sandbox: Sandbox | undefined;
  try {
    // Redis without setup (SPEC §1): REDIS_URL unset and nothing at the default address.
    const redis = await resolveRedis({
      redisUrl: config.redisUrl,
      defaulted: config.redisDefaulted,
      dataDir: join(dirname(config.pgliteDir), 'redis'),
      log,
    });
    ownRedis = redis.own;
    config = { ...config, redisUrl: redis.url };
    if (config.sandbox) {
      // Sandbox mode: the Bot API stand-in takes Telegram's place behind TELEGRAM_API_ROOT.
      sandbox = new Sandbox({ adminId: config.sandbox.adminId });
      config = { ...config, telegramApiRoot: await sandbox.listen() };
    }
    app = await startGramdesk(config, { roles, log, sandbox, botInfo: sandbox?.botInfo });
  } catch (err) {
    await sandbox?.close();
    await ownRedis?.stop();
    if (err instanceof ConfigError) {
      for (const problem of err.problems) console.error(`Configuration error: ${problem}`);
      process.exit(1);
    }
    const reasons = err instanceof AggregateError ? err.errors : [err];
    const explained = reasons.map(explainDependency);
    if (explained.every(Boolean)) {
      for (const line of explained) console.error(line);
    } else {
      log.fatal({ err }, 'start-up failed');
    }
    process.exit(1);
  }

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app
      .stop()
      .then(() => ownRedis?.stop())
      .then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          log.error({ err }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  if (sandbox && app.http) {
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    log.info(
      { url: `http://${host}:${app.http.port}/sandbox`, public: config.sandbox?.public ?? false },
      `Sandbox mode (no BOT_TOKEN): not connected to Telegram. Open http://${host}:${app.http.port}/sandbox to talk to the bot as simulated users`,
    );
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

await main();
