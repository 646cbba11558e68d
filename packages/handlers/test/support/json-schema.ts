/**
 * A validator for the subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that the API's
 * document uses: enough to check real responses against it without a new dependency. A keyword it
 * does not know fails loudly, so the document cannot silently outgrow it.
 */

type Schema = Readonly<Record<string, unknown>>;

const KNOWN = new Set([
  '$ref',
  'type',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'maxProperties',
  'propertyNames',
  'oneOf',
  'allOf',
  // annotations
  'description',
  'examples',
  'default',
  'format',
]);

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const matchesType = (value: unknown, type: string): boolean => {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
};

/**
 * Every way `value` breaks `schema`, as `path: problem` lines; empty when it conforms.
 *
 * @example
 * ```ts
 * validate({ type: 'integer' }, 1.5, root); // ['$: expected integer, got number']
 * ```
 */
export const validate = (schema: Schema, value: unknown, root: Schema, path = '$'): string[] => {
  for (const keyword of Object.keys(schema)) {
    if (!KNOWN.has(keyword))
      throw new Error(`the validator does not know the keyword ${keyword} (at ${path})`);
  }
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Schema | undefined)?.[key], root);
    if (target === undefined) return [`${path}: unresolved $ref ${schema.$ref}`];
    return validate(target as Schema, value, root, path);
  }
  const problems: string[] = [];
  const fail = (problem: string) => problems.push(`${path}: ${problem}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => matchesType(value, type))) {
      return [`${path}: expected ${types.join(' | ')}, got ${typeOf(value)}`];
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    fail(`${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      fail(`"${value.slice(0, 40)}" does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail('too short');
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) fail('too long');
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      fail(`not above ${schema.exclusiveMinimum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('too few items');
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) fail('too many items');
    if (schema.items !== undefined) {
      value.forEach((item, i) => {
        problems.push(...validate(schema.items as Schema, item, root, `${path}[${i}]`));
      });
    }
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) fail(`missing ${key}`);
    if (typeof schema.maxProperties === 'number' && Object.keys(object).length > schema.maxProperties)
      fail('too many properties');
    for (const [key, item] of Object.entries(object)) {
      if (schema.propertyNames !== undefined)
        problems.push(...validate(schema.propertyNames as Schema, key, root, `${path}{${key}}`));
      if (key in properties) problems.push(...validate(properties[key]!, item, root, `${path}.${key}`));
      else if (schema.additionalProperties === false) fail(`unexpected property ${key}`);
      else if (typeof schema.additionalProperties === 'object')
        problems.push(...validate(schema.additionalProperties as Schema, item, root, `${path}.${key}`));
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf as Schema[]) problems.push(...validate(part, value, root, path));
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = (schema.oneOf as Schema[]).filter(
      (part) => validate(part, value, root, path).length === 0,
    );
    if (matching.length !== 1) fail(`matches ${matching.length} of the oneOf alternatives, not exactly 1`);
  }
  return problems;
};
