import { createHash } from 'node:crypto';
import type { PollTiming, PollWindow } from './poll-window.js';

/**
 * What a GCP window leaves for the next one (DESIGN §1.2, §1.4): the span to try, and the keys of the entries it read
 * in its last `overlap` (the part the next window reads again). The next run skips those entries before decoding, so
 * an overlap re-read is neither a second finding, nor a "repeat", nor a second dead letter; a late entry that was not
 * visible before has no key yet and is processed.
 */
type OverlapState = { readonly spanMs: number | undefined; readonly seen: readonly string[] };

/** An entry read in a window: its key and `receiveTimestamp` (epoch ms; undefined when absent or unreadable). */
type ReadEntry = { readonly key: string; readonly receivedAtMs: number | undefined };

/** Keys kept at most: 16 hex digits each, ≈ 190 KB of JSON, under DynamoDB's 400 KB item limit. */
const maxSeenKeys = 10_000;

const textField = (raw: unknown, key: string): string | undefined => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const value = (raw as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
};

/**
 * A short stable key for one LogEntry: `insertId` with `logName` and `timestamp` (Logging's own duplicate key), or a
 * hash of the whole value when there is no `insertId` (malformed entries get keys too, so they are reported once).
 */
const entryKey = (raw: unknown): string => {
  const insertId = textField(raw, 'insertId');
  const identity =
    insertId === undefined
      ? `json\u0000${JSON.stringify(raw) ?? String(raw)}`
      : `id\u0000${insertId}\u0000${textField(raw, 'logName') ?? ''}\u0000${textField(raw, 'timestamp') ?? ''}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
};

/** `receiveTimestamp` in epoch ms, or undefined. */
const receivedAtOf = (raw: unknown): number | undefined => {
  const text = textField(raw, 'receiveTimestamp');
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * Keys of the entries the next window will read again: received at or after `end − overlap` (or of unknown arrival),
 * newest first, at most {@link maxSeenKeys}. `truncated` counts the keys left out (they may be processed twice).
 */
const overlapTail = (
  entries: readonly ReadEntry[],
  window: PollWindow,
  timing: Pick<PollTiming, 'overlapMs'>,
): { seen: string[]; truncated: number } => {
  const from = window.end.getTime() - timing.overlapMs;
  const tail = entries
    .filter((entry) => entry.receivedAtMs === undefined || entry.receivedAtMs >= from)
    .sort((a, b) => (b.receivedAtMs ?? Number.MAX_SAFE_INTEGER) - (a.receivedAtMs ?? Number.MAX_SAFE_INTEGER));
  const seen = [...new Set(tail.map((entry) => entry.key))];
  return { seen: seen.slice(0, maxSeenKeys), truncated: Math.max(0, seen.length - maxSeenKeys) };
};

/** Reads the state stored with a checkpoint; anything unreadable counts as empty (at worst, an overlap is redone). */
const decodeOverlapState = (text: string | undefined): OverlapState => {
  if (text === undefined) return { spanMs: undefined, seen: [] };
  try {
    const value = JSON.parse(text) as { spanMs?: unknown; seen?: unknown };
    const spanMs = typeof value.spanMs === 'number' && value.spanMs > 0 ? value.spanMs : undefined;
    const seen = Array.isArray(value.seen) ? value.seen.filter((key): key is string => typeof key === 'string') : [];
    return { spanMs, seen };
  } catch {
    return { spanMs: undefined, seen: [] };
  }
};

const encodeOverlapState = (state: OverlapState): string =>
  JSON.stringify({ ...(state.spanMs === undefined ? {} : { spanMs: state.spanMs }), seen: state.seen });

export {
  decodeOverlapState,
  encodeOverlapState,
  entryKey,
  maxSeenKeys,
  type OverlapState,
  overlapTail,
  type ReadEntry,
  receivedAtOf,
};
