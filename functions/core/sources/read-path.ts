/** Small readers for records already known to be objects; they never throw. */

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value at a dotted path (`identity.claims.appid`), or undefined. Keys holding dots are reached by `[key]` parts. */
const valueAt = (record: unknown, ...keys: readonly string[]): unknown => {
  let current: unknown = record;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
};

/** A non-empty string at the path; numbers become text (ids written as numbers in hand-made fixtures). */
const textAt = (record: unknown, ...keys: readonly string[]): string | undefined => {
  const value = valueAt(record, ...keys);
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};

/** The first non-empty string among several candidate paths. */
const firstText = (record: unknown, paths: readonly (readonly string[])[]): string | undefined => {
  for (const path of paths) {
    const found = textAt(record, ...path);
    if (found !== undefined) return found;
  }
  return undefined;
};

/** Last segment of an ARN or resource path (`…:assumed-role/Admin/alice` → `alice`, `…:root` → `root`). */
const lastSegment = (text: string): string =>
  text
    .split(/[/:]/)
    .filter((part) => part !== '')
    .pop() ?? text;

export { firstText, isObject, type JsonObject, lastSegment, textAt, valueAt };
