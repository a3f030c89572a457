import { User } from '../../src/features/users/user.entity.js';
import { issueAccessToken } from '../../src/platform/auth/access-token.js';
import type { Services } from '../../src/platform/services.js';

let next = 1;

/** Creates an HTTP account directly in the database and returns it with a valid access token. */
export async function createAccount(
  services: Services,
  fields: Partial<Pick<User, 'username' | 'firstName' | 'telegramId' | 'telegramFirstName' | 'language'>> = {},
): Promise<{ user: User; token: string }> {
  const em = services.orm.em.fork();
  const user = em.create(User, {
    username: fields.username ?? `user${Date.now().toString(36)}${next++}`,
    accountState: 'active',
    firstName: fields.firstName ?? null,
    telegramId: fields.telegramId ?? null,
    telegramFirstName: fields.telegramFirstName ?? null,
    language: fields.language ?? 'en',
  });
  await em.flush();
  const { token } = await issueAccessToken(services.keys, services.config.publicUrl, user.id);
  return { user, token };
}
