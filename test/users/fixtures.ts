import { type UsersRoutesOptions, usersApi as usersRouter } from '../../src/features/users/api/index.js';
import { User } from '../../src/features/users/user.entity.js';
import { issueAccessToken } from '../../src/platform/auth/access-token.js';
import { createApi } from '../../src/platform/http/app.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { openTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

type UserFields = Partial<Omit<User, 'id'>>;

/**
 * One database, Redis prefix and API app per test file of the users routes, plus users made
 * directly in the database (registration is another feature) with access tokens for them.
 */
export async function usersApi() {
  const env = await openTestEnvironment();
  const { db, redis, services, app } = env;
  let seq = 0;

  /** A user with an active HTTP account (username unique per file unless given). */
  async function createUser(fields: UserFields = {}) {
    const em = db.orm.em.fork();
    seq += 1;
    const user = em.create(User, { username: `user${seq}`, accountState: 'active', ...fields } as User);
    await em.flush();
    return { user, token: await tokenFor(user.id) };
  }

  async function tokenFor(userId: string) {
    return (await issueAccessToken(services.keys, services.config.publicUrl, userId)).token;
  }

  /** The row as the bot would read it now. */
  const reload = (id: string) => db.orm.em.fork().findOneOrFail(User, { id });

  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
  const request = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
    apiRequest<T>(app, method, path, options);

  /** An app with only the users routes, for settings the full test app does not have. */
  const customApp = (options: UsersRoutesOptions & { bodyLimitBytes?: number } = {}) =>
    createApi({
      config: services.config,
      log: services.log,
      metrics: createMetrics(),
      orm: services.orm,
      readiness: { database: async () => undefined, redis: async () => undefined },
      routes: [(app) => app.route('/', usersRouter(services, options))],
      bodyLimitBytes: options.bodyLimitBytes,
    });

  return {
    db,
    redis,
    services,
    app,
    createUser,
    tokenFor,
    reload,
    request,
    customApp,
    env,
    close: env.close,
  };
}

export type UsersApi = Awaited<ReturnType<typeof usersApi>>;
