/**
 * Checks a JSON value against a schema of an OpenAPI 3.1 document, as a client generator reads it:
 * `$ref`, `allOf` / `anyOf` / `oneOf`, objects (required, properties, additionalProperties false or
 * a schema), arrays (items, minItems, maxItems), `type` (one or a list, `null` included), `enum`,
 * `const`, string lengths (in code points, as JSON Schema counts), `pattern`, the formats the API
 * documents (date-time, uuid, email, uri; `binary` is not JSON) and numeric bounds. Enough for the
 * API's own schemas; returns the problems found (empty when the value fits).
 * With `closed`, an object schema that lists properties and says nothing of others takes no
 * others: a field the document does not name is one a generated client drops.
 */
type Schema = Record<string, unknown>;

/** RFC 3339 date-time (JSON Schema's `date-time`): a date, a time and an offset or Z. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function formatProblem(format: unknown, value: string): string | undefined {
  switch (format) {
    case 'date-time':
      return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'not a date-time';
    case 'uuid':
      return UUID.test(value) ? undefined : 'not a uuid';
    case 'email':
      return EMAIL.test(value) ? undefined : 'not an email';
    case 'uri':
      return URL.canParse(value) ? undefined : 'not a URI';
    default:
      return undefined;
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export interface SchemaCheck {
  closed?: boolean;
}

export function schemaProblems(
  doc: Schema,
  schema: Schema,
  value: unknown,
  at = '$',
  check: SchemaCheck = {},
): string[] {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Schema | undefined)?.[key], doc);
    if (!target) return [`${at}: unresolved ${ref}`];
    // Siblings of $ref (3.1 allows them: description, nullable via anyOf elsewhere) add no checks here.
    return schemaProblems(doc, target as Schema, value, at, check);
  }
  const problems: string[] = [];
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf as Schema[]) problems.push(...schemaProblems(doc, part, value, at, check));
  }
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) {
    const each = alternatives.map((alt) => schemaProblems(doc, alt, value, at, check));
    if (!each.some((found) => found.length === 0)) {
      problems.push(`${at}: matches no alternative (${each.flat().join('; ')})`);
    }
  }
  if ('const' in schema && value !== schema.const) problems.push(`${at}: not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  }
  const actual = typeOf(value);
  const declared = schema.type;
  const types = Array.isArray(declared) ? declared : declared === undefined ? [] : [declared];
  if (types.length > 0 && !types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) {
    return [...problems, `${at}: ${actual}, not ${types.join(' | ')}`];
  }
  if (types.length === 0 && schema.properties && actual !== 'object') return [...problems, `${at}: not an object`];
  if (actual === 'object' && (types.includes('object') || schema.properties)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in record)) problems.push(`${at}.${key}: missing`);
    }
    for (const [key, item] of Object.entries(record)) {
      const property = properties[key];
      const extra = schema.additionalProperties;
      if (property) problems.push(...schemaProblems(doc, property, item, `${at}.${key}`, check));
      else if (extra === false || (extra === undefined && check.closed && schema.properties)) {
        problems.push(`${at}.${key}: not allowed`);
      } else if (typeof extra === 'object' && extra !== null) {
        problems.push(...schemaProblems(doc, extra as Schema, item, `${at}.${key}`, check));
      }
    }
  }
  if (actual === 'array') {
    const items = value as unknown[];
    if (typeof schema.minItems === 'number' && items.length < schema.minItems)
      problems.push(`${at}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && items.length > schema.maxItems)
      problems.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items) {
      items.forEach((item, i) => {
        problems.push(...schemaProblems(doc, schema.items as Schema, item, `${at}[${i}]`, check));
      });
    }
  }
  if (actual === 'string') {
    const text = value as string;
    const length = [...text].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength)
      problems.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && length > schema.maxLength)
      problems.push(`${at}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(text))
      problems.push(`${at}: does not match ${schema.pattern}`);
    const format = formatProblem(schema.format, text);
    if (format) problems.push(`${at}: ${JSON.stringify(text)} is ${format}`);
  }
  if (actual === 'integer' || actual === 'number') {
    const n = value as number;
    if (typeof schema.minimum === 'number' && n < schema.minimum) problems.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && n > schema.maximum) problems.push(`${at}: above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && n <= schema.exclusiveMinimum)
      problems.push(`${at}: not above ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && n >= schema.exclusiveMaximum)
      problems.push(`${at}: not below ${schema.exclusiveMaximum}`);
  }
  return problems;
}
