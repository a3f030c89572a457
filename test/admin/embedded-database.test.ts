import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entities } from '../../src/entities.js';
import { issueRefreshToken } from '../../src/features/accounts/refresh-tokens.js';
import { addTags, setBanned, setRole } from '../../src/features/admin/admin.js';
import { AuditEntry } from '../../src/features/audit/audit.entity.js';
import { User } from '../../src/features/users/user.entity.js';
import { createOrm, migrate, type Orm } from '../../src/platform/db/orm.js';

/**
 * The admin's changes on the embedded database (PGlite, `npm start` without DATABASE_URL): one
 * connection, which a transaction holds. A statement sent outside the transaction while it is open
 * waits for that connection forever — the request hangs and so does every later one. PostgreSQL's
 * pool hides that (the stray statement takes another connection), so it is tested here.
 */
let dir = '';
let orm: Orm;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gramdesk-pglite-'));
  orm = await createOrm({ entities, databaseUrl: undefined, pgliteDir: dir });
  await migrate(orm);
}, 120_000);

afterAll(async () => {
  await orm?.close(true);
  rmSync(dir, { recursive: true, force: true });
});

describe('admin changes on the embedded database', () => {
  it('role, ban (refresh tokens revoked) and tags complete, are stored and audited', async () => {
    const em = orm.em.fork();
    const admin = em.create(User, { username: 'root_pg', role: 'admin', accountState: 'active' } as never);
    const ann = em.create(User, { username: 'ann_pg', accountState: 'active' } as never);
    await em.flush();
    await issueRefreshToken(em, ann.id);

    // Promoted first: someone banned is not made an admin (admin.ts).
    await setRole(orm.em.fork(), admin, ann.id, 'admin');
    await setBanned(orm.em.fork(), admin, ann.id, true);
    await addTags(orm.em.fork(), admin, ann.id, '#vip beta');

    const check = orm.em.fork();
    const stored = await check.findOneOrFail(User, { id: ann.id });
    expect([stored.status, stored.role, stored.tags]).toEqual(['banned', 'admin', ['vip', 'beta']]);
    const live = await check.execute(
      'select count(*)::int as n from refresh_tokens where user_id = ? and revoked_at is null',
      [ann.id],
    );
    expect(live).toEqual([{ n: 0 }]);
    const actions = (await check.find(AuditEntry, { targetId: ann.id }, { orderBy: { id: 'asc' } })).map(
      (a) => a.action,
    );
    expect(actions).toEqual(['user.role', 'user.ban', 'user.tags']);
  }, 60_000);
});
