/**
 * What PostgreSQL can keep exactly as it was given. A NUL cannot be stored in `text` or `jsonb`
 * at all (and, inlined into a query, breaks the statement), and an unpaired surrogate is turned
 * into U+FFFD by the driver, so the stored text would differ from what was accepted. Every text
 * that reaches the database from outside is refused when this is false.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);
}

const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** The wording of the refusal, for the API's validation problems. */
export const UNSTORABLE_TEXT_HINT = 'Must not contain NUL characters or unpaired surrogates';

/** The first string (or object key) in a value that is not storable, as a dotted path; undefined when all are. */
export function unstorablePath(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path.join('.');
  if (depth > 64 || value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = [...path, key];
    if (!isStorableText(key)) return at.join('.');
    const found = unstorablePath(item, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
