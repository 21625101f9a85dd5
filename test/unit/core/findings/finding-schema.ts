import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A small JSON Schema (draft 2020-12) walker for schemas/finding.v1.json, so tests need no validator package. It knows
// the keywords that schema uses and refuses any other, so a new keyword cannot be silently ignored.

type Schema = { readonly [key: string]: unknown };

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const findingSchema = JSON.parse(readFileSync(join(root, 'schemas', 'finding.v1.json'), 'utf8')) as Schema;

const annotations = new Set(['$schema', '$id', 'title', 'description']);
const known = new Set([
  ...annotations,
  '$defs',
  '$ref',
  'type',
  'required',
  'properties',
  'additionalProperties',
  'enum',
  'const',
  'pattern',
  'minLength',
  'items',
  'format',
]);

const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const resolveRef = (ref: string, rootSchema: Schema): Schema => {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = rootSchema;
  for (const key of ref.slice(2).split('/')) node = (node as Schema)[key];
  if (node === undefined) throw new Error(`dangling $ref ${ref}`);
  return node as Schema;
};

const check = (value: unknown, schema: Schema, path: string, rootSchema: Schema, out: string[]): void => {
  for (const key of Object.keys(schema))
    if (!known.has(key)) throw new Error(`schema keyword ${key} at ${path} is not supported`);
  if (typeof schema.$ref === 'string') check(value, resolveRef(schema.$ref, rootSchema), path, rootSchema, out);
  if (schema.const !== undefined && JSON.stringify(value) !== JSON.stringify(schema.const))
    out.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof schema.type === 'string') {
    const actual = typeOf(value);
    if (actual !== schema.type && !(schema.type === 'number' && actual === 'integer')) {
      out.push(`${path}: must be ${schema.type}, is ${actual}`);
      return;
    }
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      out.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      out.push(`${path}: does not match ${schema.pattern}`);
    if (schema.format === 'date-time' && !dateTime.test(value)) out.push(`${path}: not a date-time`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [index, item] of value.entries())
      check(item, schema.items as Schema, `${path}[${index}]`, rootSchema, out);
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? [])
      if (!(key in object)) out.push(`${path}.${key}: required`);
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, child] of Object.entries(object)) {
      const sub = properties[key];
      if (sub !== undefined) check(child, sub, `${path}.${key}`, rootSchema, out);
      else if (schema.additionalProperties === false) out.push(`${path}.${key}: not allowed`);
    }
  }
};

/** Every way `value` breaks `schemas/finding.v1.json` (empty when it is a valid v1 finding). */
const findingSchemaErrors = (value: unknown): string[] => {
  const out: string[] = [];
  check(value, findingSchema, '$', findingSchema, out);
  return out;
};

export { findingSchema, findingSchemaErrors };
