import type { UserFromGetMe } from 'grammy/types';
import { createGramdeskBot } from './bot.js';
import type { Config } from './config.js';
import { entities } from './entities.js';
import { startNotificationsWorker, startRegistrationExpirySweep } from './features/accounts/index.js';
import { registerAdminCommands, registerCommands } from './features/admin/index.js';
import {
  type ChatGateway,
  createChatGateway,
  startChatDeliverySweep,
  startChatDeliveryWorker,
} from './features/chat/index.js';
import { type MailingEngine, startAdminTicker, startMailingWorker } from './features/mailings/index.js';
import {
  startReminderSweep,
  startReminderWorker,
  startTaskNoticeSweep,
  startTaskNoticeWorker,
} from './features/tasks/index.js';
import { attachUserCache } from './features/users/index.js';
import { SigningKeys } from './platform/auth/keys.js';
import { serviceTokenVerifierFor } from './platform/auth/service-tokens.js';
import type { BotDeps } from './platform/bot/context.js';
import type { CreateBotOptions, GramdeskBot } from './platform/bot/create-bot.js';
import { type Intake, registerWebhook, startPolling, webhookHandler } from './platform/bot/intake.js';
import { withStartupLock } from './platform/db/migrate-lock.js';
import { createOrm, migrate, type Orm } from './platform/db/orm.js';
import { createApi } from './platform/http/app.js';
import { type HttpServer, startHttpServer } from './platform/http/server.js';
import type { Logger } from './platform/logger.js';
import { createMetrics } from './platform/metrics.js';
import type { Outages } from './platform/outages.js';
import type { Sweeper } from './platform/queue/sweep.js';
import { connectRedis, createRedis, type Redis } from './platform/redis.js';
import type { Sandbox } from './platform/sandbox/sandbox.js';
import { apiRoutes } from './routes.js';
import { createServices } from './services.js';

export type Role = 'bot' | 'api' | 'worker';
export const ALL_ROLES: readonly Role[] = ['bot', 'api', 'worker'];

export interface StartOptions {
  roles: readonly Role[];
  log: Logger;
  /** Test and benchmark hooks; production leaves them unset. */
  botInfo?: UserFromGetMe;
  fetch?: CreateBotOptions['fetch'];
  keyPrefix?: string;
  /** Sandbox mode: the Bot API stand-in the config's TELEGRAM_API_ROOT points at, and its web chat. */
  sandbox?: Sandbox;
}

export interface Gramdesk {
  orm: Orm;
  redis: Redis;
  bot: GramdeskBot | undefined;
  http: HttpServer | undefined;
  /** Stops intake, lets in-flight work finish, closes connections. */
  stop(): Promise<void>;
}

/**
 * The composition root's body: builds every object from the config in dependency order and
 * starts the requested roles. Throws DatabaseUnavailableError / RedisUnavailableError when a
 * dependency is down, so main.ts can say which and how to start it.
 */
export async function startGramdesk(config: Config, options: StartOptions): Promise<Gramdesk> {
  const { log, roles } = options;
  const keyPrefix = options.keyPrefix ?? 'gd:';
  const metrics = createMetrics();
  // Parse SERVICE_KEYS before connecting anywhere: a bad key is a configuration error.
  serviceTokenVerifierFor(config);

  // Requests use this connection: while Redis is away a command fails at once (or after a bound),
  // so a request answers 503 instead of waiting (issue 18).
  const redis = createRedis(config.redisUrl, { connectionName: 'gramdesk:main', failFast: true });
  let outages: Outages | undefined;
  redis.on('error', (err) =>
    outages ? outages.redisConnectionError(err, 'main') : log.warn({ err: err.message }, 'redis connection error'),
  );
  // Check both dependencies at once, so an operator with both down learns it in one run.
  const [ormResult, redisResult] = await Promise.allSettled([
    createOrm({
      entities,
      databaseUrl: config.databaseUrl,
      pgliteDir: config.pgliteDir,
      logger: log,
      onQuery: () => metrics.dbQueries.inc(),
    }),
    connectRedis(redis, config.redisUrl),
  ]);
  if (ormResult.status === 'rejected' || redisResult.status === 'rejected') {
    if (ormResult.status === 'fulfilled') await ormResult.value.close(true);
    redis.disconnect();
    throw new AggregateError(
      [ormResult, redisResult].flatMap((r) => (r.status === 'rejected' ? [r.reason] : [])),
      'dependencies unavailable',
    );
  }
  const orm = ormResult.value;
  await withStartupLock(redis, `${keyPrefix}lock:migrate`, () => migrate(orm, log));

  // Concurrent first starts must agree on one generated signing key.
  const keys = await withStartupLock(redis, `${keyPrefix}lock:keys`, () =>
    SigningKeys.load(() => orm.em.fork(), config.jwtPrivateKey),
  );
  const services = createServices({
    config,
    log,
    orm,
    redis,
    keys,
    keyPrefix,
    fetch: options.fetch,
    botInfo: options.botInfo,
    metrics,
  });
  outages = services.outages;
  const { jobs, translator } = services;
  const botDeps: BotDeps = {
    config,
    log,
    orm,
    redis,
    translator,
    metrics,
    keyPrefix,
    taskEffects: services.taskEffects,
    commentCache: services.commentCache,
    userCache: attachUserCache(orm, redis, keyPrefix),
    chat: services.chat,
    limiter: services.limiter,
    outages,
  };
  const needsBot = roles.includes('bot') || (roles.includes('api') && config.botMode === 'webhook');
  const bot = needsBot
    ? createGramdeskBot(botDeps, { mode: config.botMode, botInfo: options.botInfo, fetch: options.fetch })
    : undefined;

  let intake: Intake | undefined;
  let http: HttpServer | undefined;
  let chatGateway: ChatGateway | undefined;

  if (roles.includes('api')) {
    // GET /ws: this process's WebSockets, their presence and the pub/sub that feeds them.
    chatGateway = createChatGateway(services);
    const api = createApi({
      config,
      log,
      metrics,
      orm,
      outages,
      routes: apiRoutes(services, { chatGateway }),
      readiness: {
        database: async () => {
          await orm.em.fork().getConnection().execute('select 1');
        },
        redis: async () => {
          await redis.ping();
          await jobs.ping();
        },
      },
      ...(options.sandbox && config.sandbox
        ? { sandbox: { sandbox: options.sandbox, public: config.sandbox.public } }
        : {}),
      webhook:
        bot && config.webhook
          ? { path: new URL(config.webhook.url).pathname, handler: webhookHandler(bot, config.webhook.secret) }
          : undefined,
    });
    http = await startHttpServer(api, {
      port: config.port,
      host: config.host,
      log,
      websocket: chatGateway.server,
    });
  }

  if (bot && roles.includes('bot')) {
    // Telegram calls at start are not awaited: an unreachable Bot API must not keep the API and
    // worker roles down. Polling retries on its own; the others are logged and retried on restart.
    void registerCommands(bot.api, translator)
      .then(() => registerAdminCommands(bot.api, translator, orm.em.fork(), config.adminTelegramIds))
      .catch((err) => log.warn({ err: err instanceof Error ? err.message : err }, 'could not register bot commands'));
    if (config.botMode === 'polling') intake = startPolling(bot, log);
    else if (config.webhook) {
      void registerWebhook(bot, config.webhook.url, config.webhook.secret, log).catch((err) =>
        log.error({ err: err instanceof Error ? err.message : err }, 'could not register the webhook'),
      );
    }
  }

  let mailingEngine: MailingEngine | undefined;
  let adminTicker: { stop(): Promise<void> } | undefined;
  // PostgreSQL is the record, Redis can forget (issue 18): what is owed is re-queued from the
  // database at start-up and every minute.
  const sweeps: Sweeper[] = [];
  if (roles.includes('worker')) {
    mailingEngine = startMailingWorker(services);
    adminTicker = startAdminTicker(services);
    startNotificationsWorker(services);
    startReminderWorker(services);
    startTaskNoticeWorker(services);
    startChatDeliveryWorker(services);
    sweeps.push(
      startReminderSweep(services),
      startRegistrationExpirySweep(services),
      startTaskNoticeSweep(services),
      startChatDeliverySweep(services),
    );
    // A Redis that comes back may have come back empty: re-queue what is owed now, not in a minute.
    services.outages.onRecovered((dependency) => {
      if (dependency === 'redis') for (const sweep of sweeps) void sweep.runUntilDone();
    });
  }

  log.info({ roles, mode: config.botMode, database: config.databaseUrl ? 'postgresql' : 'pglite' }, 'gramdesk started');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Intake first (no new updates or requests), then background work, then connections.
      // WebSockets are closed first: the HTTP server's close waits for every upgraded socket too.
      // The sandbox's long polls are answered first for the same reason.
      options.sandbox?.release();
      await Promise.allSettled([intake?.stop(), chatGateway?.close().finally(() => http?.close()) ?? http?.close()]);
      await Promise.all(sweeps.map((sweep) => sweep.stop()));
      await Promise.all([jobs.close(), mailingEngine?.stop(), adminTicker?.stop()]);
      await options.sandbox?.close();
      services.outages.close();
      await orm.close();
      await redis.quit().catch(() => redis.disconnect());
    })();
    return stopping;
  };
  return { orm, redis, bot, http, stop };
}
