/**
 * How event values become text for string comparisons: numbers and booleans via `String`, objects and arrays as JSON,
 * `null` as no text (it never matches a string). Shared by the field view and the fallback path of the matchers.
 */
const textOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return undefined;
  return JSON.stringify(value);
};

export { textOf };
