/**
 * Checks a JSON value against a schema of an OpenAPI document, as a client generator reads it:
 * `$ref`, `anyOf` / `oneOf`, objects (required, properties, additionalProperties false), arrays,
 * `type`, `enum` and `const`. Enough for the API's own schemas; returns the problems found.
 */
type Schema = Record<string, unknown>;

export function schemaProblems(doc: Schema, schema: Schema, value: unknown, at = '$'): string[] {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Schema | undefined)?.[key], doc);
    if (!target) return [`${at}: unresolved ${ref}`];
    return schemaProblems(doc, target as Schema, value, at);
  }
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) {
    const each = alternatives.map((alt) => schemaProblems(doc, alt, value, at));
    return each.some((problems) => problems.length === 0)
      ? []
      : [`${at}: matches no alternative (${each.flat().join('; ')})`];
  }
  if ('const' in schema && value !== schema.const) return [`${at}: not ${JSON.stringify(schema.const)}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    return [`${at}: not one of ${schema.enum.join(', ')}`];
  const type = schema.type;
  if (type === 'object' || schema.properties) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const problems = ((schema.required ?? []) as string[])
      .filter((key) => !(key in record))
      .map((key) => `${at}.${key}: missing`);
    for (const [key, item] of Object.entries(record)) {
      const property = properties[key];
      if (property) problems.push(...schemaProblems(doc, property, item, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${key}: not allowed`);
    }
    return problems;
  }
  if (type === 'array') {
    if (!Array.isArray(value)) return [`${at}: not an array`];
    return value.flatMap((item, i) => schemaProblems(doc, (schema.items ?? {}) as Schema, item, `${at}[${i}]`));
  }
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  if (types.length === 0) return [];
  const actual = value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  const fits = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
  return fits ? [] : [`${at}: ${actual}, not ${types.join(' | ')}`];
}
