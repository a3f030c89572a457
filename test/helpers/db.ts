import { inject } from 'vitest';
import { entities } from '../../src/entities.js';
import { createOrm, type Orm } from '../../src/platform/db/orm.js';
import { ADMIN_DATABASE_URL, databaseUrl, uniqueSuffix } from './env.js';

export interface TestDatabase {
  name: string;
  url: string;
  orm: Orm;
  /** SQL statements sent since the last reset; for "no query on this click" assertions. */
  queries: string[];
  drop(): Promise<void>;
}

async function admin<T>(work: (execute: (sql: string) => Promise<unknown>) => Promise<T>): Promise<T> {
  const orm = await createOrm({ entities, databaseUrl: ADMIN_DATABASE_URL, pgliteDir: '' });
  try {
    const connection = orm.em.fork().getConnection();
    return await work((sql) => connection.execute(sql));
  } finally {
    await orm.close();
  }
}

/** A fresh, migrated database of this test file's own (a copy of the template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `gd_test_${uniqueSuffix()}`;
  await admin((execute) => execute(`create database "${name}" template "${inject('templateDatabase')}"`));
  const url = databaseUrl(name);
  const queries: string[] = [];
  const orm = await createOrm({
    entities,
    databaseUrl: url,
    pgliteDir: '',
    onQuery: (sql) => queries.push(sql),
    poolSize: 4,
  });
  return {
    name,
    url,
    orm,
    queries,
    async drop() {
      await orm.close(true);
      await admin((execute) => execute(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** An empty database of this test file's own, without tables (for migration tests and e2e runs). */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gd_test_${uniqueSuffix()}`;
  await admin((execute) => execute(`create database "${name}"`));
  return {
    url: databaseUrl(name),
    drop: () => admin((execute) => execute(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}
