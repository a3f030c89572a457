import { type Em, entityColumns, executeStatement } from '../../platform/db/orm.js';
import { User } from './user.entity.js';

/** The columns a user is looked up by on the hot paths: the API's caller, the bot's sender. */
type KeyColumn = 'id' | 'telegram_id';

const selects = new Map<KeyColumn, string>();

/**
 * `select <the entity's columns> from users where <key> = ?`, the columns by name (entityColumns
 * says why). Lazy columns (the password hash) are left out, as em.findOne leaves them: whoever
 * needs one populates it.
 */
function selectBy(em: Em, key: KeyColumn): string {
  let sql = selects.get(key);
  if (!sql) {
    sql = `select ${entityColumns(em, User, 'u')} from users u where u.${key} = ?`;
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
  const row = await readUserRow(em, key, value);
  return row ? em.map(User, row) : null;
}

/**
 * One user row as the database gives it, columns by name (`account_state`, `status`, `role`…):
 * for a caller whose state is checked on every request but who is rarely needed as an entity
 * (`em.map(User, row)` makes it one, as readUserBy does).
 */
export async function readUserRow(
  em: Em,
  key: KeyColumn,
  value: string | number,
): Promise<Record<string, unknown> | null> {
  const [row] = await executeStatement(em, selectBy(em, key), [value]);
  return row ?? null;
}

const updates = new Map<string, { sql: string; fields: string[] }>();

/**
 * Writes `changes` to one user row as a single UPDATE (a prepared statement; no transaction, no
 * entity), with `updatedAt` as the ORM's onUpdate hook would set it. The caller invalidates the
 * user cache: no ORM event fires for this write.
 */
export async function updateUserRow(em: Em, id: string, changes: Partial<User>, now: Date): Promise<void> {
  const fields = Object.keys(changes)
    .filter((field) => field !== 'updatedAt')
    .sort();
  const key = fields.join(',');
  let statement = updates.get(key);
  if (!statement) {
    const meta = em.getMetadata().get(User);
    const column = (field: string) => {
      const name = meta.properties[field as keyof typeof meta.properties]?.fieldNames?.[0];
      if (!name) throw new Error(`users has no column for ${field}`);
      return `"${name}" = ?`;
    };
    statement = { sql: `update users set ${[...fields, 'updatedAt'].map(column).join(', ')} where id = ?`, fields };
    updates.set(key, statement);
  }
  const values = statement.fields.map((field) => (changes as Record<string, unknown>)[field] ?? null);
  await executeStatement(em, statement.sql, [...values, now, id]);
}
