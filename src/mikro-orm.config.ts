/**
 * Configuration for the MikroORM CLI only (`npm run mikro-orm -- migration:create`).
 * The application builds its ORM in `orm.ts`; this file reads DATABASE_URL directly because
 * the CLI is a developer tool that runs outside the composition root.
 */
import { defineConfig } from '@mikro-orm/postgresql';
import { entities } from './entities.js';
import { sharedOrmOptions } from './platform/db/orm-options.js';

export default defineConfig({
  ...sharedOrmOptions(entities),
  clientUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gramdesk',
});
