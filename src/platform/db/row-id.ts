/** PostgreSQL's largest bigint, the type of every row id. */
const BIGINT_MAX = 9_223_372_036_854_775_807n;

/**
 * Whether a client-supplied id (or a cursor made of one) can be a row id: decimal digits within
 * PostgreSQL's bigint. Anything else is "not found" (or a refused cursor) without a query: a
 * 19-digit number beyond the range would make PostgreSQL fail the query — a 500 for the client's
 * mistake.
 */
export function isRowId(id: string): boolean {
  return /^\d{1,19}$/.test(id) && BigInt(id) <= BIGINT_MAX;
}
