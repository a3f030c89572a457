import type pg from 'pg';

/**
 * Gives the pool back a connection that died while it was checked out (issue 18: PostgreSQL
 * restarts). kysely, under MikroORM's transactions, releases a transaction's connection only when
 * its BEGIN, COMMIT or ROLLBACK succeeds (kysely-org/kysely#1990): with PostgreSQL restarting under
 * transactions — or an idle connection that died picked for a BEGIN — each such connection stayed
 * checked out for ever, dead, and once they filled the pool every statement waited for a free
 * connection for ever: the process hung until restarted, /ready included.
 *
 * A pooled connection that ends while checked out is released here with an error, so the pool
 * drops it and opens a fresh one for whoever waits. It is done a moment later (setImmediate): a
 * plain query's holder releases its connection as soon as the query's error reaches it, and
 * only what is still checked out after that is a leak. A late release by the holder afterwards
 * is a no-op instead of pg-pool's "released twice" error.
 */
export function releaseDeadConnections(pool: pg.Pool): void {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_err, client) => checkedOut.delete(client));
  pool.on('remove', (client) => checkedOut.delete(client as pg.PoolClient));
  pool.on('connect', (client) => {
    client.on('end', () =>
      setImmediate(() => {
        const held = client as pg.PoolClient;
        if (!checkedOut.has(held)) return;
        held.release(new Error('the connection ended while checked out'));
        held.release = () => undefined;
      }),
    );
  });
}
