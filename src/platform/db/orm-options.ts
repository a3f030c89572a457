import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';

/**
 * Options shared by both drivers. Migrations are written in TypeScript under `migrations/`;
 * the compiled image runs their JS twins from `dist/migrations`. Which folder is used is
 * decided by whether we run from TypeScript source (tsx, vitest) or compiled output.
 */
/** The entity classes the ORM maps: the composition root's list (src/entities.ts). */
export type EntityList = ReadonlyArray<abstract new (...args: never[]) => object>;

export function sharedOrmOptions(entities: EntityList) {
  const compiled = import.meta.url.endsWith('.js');
  // src/platform/db → <root>/migrations; dist/src/platform/db → <root>/dist/migrations. Resolved from this file,
  // not the working directory, so the program can run from anywhere.
  const migrationsDir = fileURLToPath(new URL('../../../migrations', import.meta.url));
  return {
    entities: [...entities],
    extensions: [Migrator],
    migrations: {
      path: migrationsDir,
      pathTs: migrationsDir,
      glob: compiled ? '!(*.d).js' : '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      // One snapshot, maintained by `migration:create` only; running migrations (in tests, in
      // every deployment) must not write files next to the code.
      snapshot: true,
      snapshotOnMigrate: false,
      snapshotName: '.snapshot-gramdesk',
      emit: 'ts' as const,
    },
    // Entities come from the list passed in, never by scanning folders at run time.
    discovery: { warnWhenNoEntities: true },
    forceUtcTimezone: true,
    // Our code forks the EM per update/request/job; touching the global one is a bug.
    allowGlobalContext: false,
    propagationOnPrototype: false,
  };
}
