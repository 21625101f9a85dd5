/** Small statistics and formatting helpers for the benchmarks (no dependencies). */

const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

const median = (values: readonly number[]): number => {
  const s = sorted(values);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
const percentile = (values: readonly number[], p: number): number => {
  const s = sorted(values);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
};

/** Runs `fn` and returns its wall time in milliseconds with its result. */
const timed = async <T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> => {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
};

const round = (value: number, digits = 0): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** 1234567 → "1,234,567"; fractions keep `digits`. */
const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';

const mib = (bytes: number): string => `${fmt(bytes / 1_048_576, 1)} MiB`;

/** Deterministic 32-bit hash of an integer seed (xorshift-multiply), for reproducible variation. */
const mix = (seed: number): number => {
  let x = (seed ^ 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
};

const hex8 = (seed: number): string => mix(seed).toString(16).padStart(8, '0');

/** A UUID-shaped deterministic id (version 4 nibble and variant bits set). */
const uuidOf = (seed: number): string => {
  const h = `${hex8(seed)}${hex8(seed + 0x1000193)}${hex8(seed + 0x2000193)}${hex8(seed + 0x3000193)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export { fmt, hex8, median, mib, mix, percentile, round, timed, uuidOf };
