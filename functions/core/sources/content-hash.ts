import { createHash } from 'node:crypto';

/** JSON text with object keys sorted at every level, so the same content always hashes the same. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

/**
 * An event id for records that carry none (Azure diagnostic form, hand-made fixtures): `sha256:<hex>` of the parts.
 *
 * @example
 * contentId([correlationId, operationName, resultType, time, resourceId]); // 'sha256:9f2c…'
 */
const contentId = (parts: unknown): string =>
  `sha256:${createHash('sha256').update(canonicalJson(parts)).digest('hex')}`;

export { canonicalJson, contentId };
