import { createOrm, migrate } from '../src/db/orm.js';
import { ADMIN_DATABASE_URL, databaseUrl, TEMPLATE_DATABASE } from './helpers/env.js';

/**
 * Migrates a template database once per run; every test file then gets its own copy
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds and isolates files completely.
 */
export default async function setup(): Promise<void> {
  const admin = await createOrm({ databaseUrl: ADMIN_DATABASE_URL, pgliteDir: '' });
  const connection = admin.em.fork().getConnection();
  await connection.execute(`drop database if exists "${TEMPLATE_DATABASE}" with (force)`);
  await connection.execute(`create database "${TEMPLATE_DATABASE}"`);
  await admin.close();
  const template = await createOrm({ databaseUrl: databaseUrl(TEMPLATE_DATABASE), pgliteDir: '' });
  await migrate(template);
  await template.close();
}
