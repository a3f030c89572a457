import { type Em, executeStatement } from '../../platform/db/orm.js';
import { User } from './user.entity.js';

/** The columns a user is looked up by on the hot paths: the API's caller, the bot's sender. */
type KeyColumn = 'id' | 'telegram_id';

const selects = new Map<KeyColumn, string>();

/**
 * `select <the entity's columns> from users where <key> = ?`. The columns by name rather than `*`:
 * a prepared `select *` fails ("cached plan must not change result type") in a process still
 * running when a deployment's migration adds a column. Lazy columns (the password hash) are left
 * out, as em.findOne leaves them: whoever needs one populates it.
 */
function selectBy(em: Em, key: KeyColumn): string {
  let sql = selects.get(key);
  if (!sql) {
    const columns = em
      .getMetadata()
      .get(User)
      .props.filter((prop) => prop.persist !== false && !prop.lazy && prop.fieldNames?.length)
      .flatMap((prop) => prop.fieldNames.map((column) => `"${column}"`))
      .join(', ');
    sql = `select ${columns} from users where ${key} = ?`;
    selects.set(key, sql);
  }
  return sql;
}

/**
 * One user row as a managed entity of `em`: a plain prepared statement mapped onto the entity,
 * which skips the ORM's query building — most of an em.findOne's cost for a read this small
 * (issue 17). Used where a user is read on every request or on every cache miss.
 */
export async function readUserBy(em: Em, key: KeyColumn, value: string | number): Promise<User | null> {
  const [row] = await executeStatement(em, selectBy(em, key), [value]);
  return row ? em.map(User, row) : null;
}
