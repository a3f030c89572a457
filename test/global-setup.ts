import type { TestProject } from 'vitest/node';
import { entities } from '../src/entities.js';
import { createOrm, migrate } from '../src/platform/db/orm.js';
import { ADMIN_DATABASE_URL, databaseUrl, uniqueSuffix } from './helpers/env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

async function execute(sql: string): Promise<void> {
  const admin = await createOrm({ entities, databaseUrl: ADMIN_DATABASE_URL, pgliteDir: '' });
  try {
    await admin.em.fork().getConnection().execute(sql);
  } finally {
    await admin.close();
  }
}

/**
 * Migrates a template database once per run; every test file then gets its own copy
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds and isolates files completely.
 * The name is unique per run, so two runs on one machine do not disturb each other.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `gd_template_${uniqueSuffix()}`;
  await execute(`create database "${name}"`);
  const template = await createOrm({ entities, databaseUrl: databaseUrl(name), pgliteDir: '' });
  await migrate(template);
  await template.close();
  project.provide('templateDatabase', name);
  return () => execute(`drop database if exists "${name}" with (force)`);
}
