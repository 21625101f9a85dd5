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

const isSeparator = (code: number): boolean => code === 47 || code === 58; // '/' or ':'

/**
 * Last segment of an ARN or resource path (`…:assumed-role/Admin/alice` → `alice`, `…:root` → `root`); the text itself
 * when it holds no segment. Scans back from the end (a split per record showed in the test/bench profile).
 */
const lastSegment = (text: string): string => {
  let end = text.length;
  while (end > 0 && isSeparator(text.charCodeAt(end - 1))) end -= 1;
  if (end === 0) return text;
  let start = end;
  while (start > 0 && !isSeparator(text.charCodeAt(start - 1))) start -= 1;
  return text.slice(start, end);
};

export { firstText, isObject, type JsonObject, lastSegment, textAt, valueAt };
