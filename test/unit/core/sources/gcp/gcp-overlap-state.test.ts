import { describe, expect, it } from 'vitest';
import {
  decodeOverlapState,
  encodeOverlapState,
  entryKey,
  maxSeenKeys,
  overlapTail,
  receivedAtOf,
} from '../../../../../functions/core/sources/gcp/overlap-state.js';
import { nextWindow } from '../../../../../functions/core/sources/gcp/poll-window.js';

const entry = {
  insertId: 'abc',
  logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
  timestamp: '2026-11-24T10:00:00Z',
};

describe('entryKey()', () => {
  it('is stable and 16 hex digits', () => {
    expect(entryKey(entry)).toBe(entryKey({ ...entry, receiveTimestamp: 'later', protoPayload: {} }));
    expect(entryKey(entry)).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    { why: 'insertId', other: { ...entry, insertId: 'abd' } },
    { why: 'logName (same insertId in another project)', other: { ...entry, logName: 'projects/q/logs/x' } },
    { why: 'timestamp', other: { ...entry, timestamp: '2026-11-24T10:00:01Z' } },
  ])('differs by $why', ({ other }) => {
    expect(entryKey(other)).not.toBe(entryKey(entry));
  });

  it('hashes the whole value when there is no insertId (malformed entries are keyed too)', () => {
    expect(entryKey('garbage')).toBe(entryKey('garbage'));
    expect(entryKey({ a: 1 })).not.toBe(entryKey({ a: 2 }));
  });
});

describe('receivedAtOf()', () => {
  it('reads receiveTimestamp, or nothing', () => {
    expect(receivedAtOf({ receiveTimestamp: '2026-11-24T10:00:00.5Z' })).toBe(Date.parse('2026-11-24T10:00:00.5Z'));
    expect(receivedAtOf({ receiveTimestamp: 'soon' })).toBeUndefined();
    expect(receivedAtOf(null)).toBeUndefined();
  });
});

describe('overlapTail()', () => {
  const window = nextWindow({
    checkpoint: '2026-11-24T10:00:00Z',
    now: new Date('2026-11-24T10:10:00Z'),
    spanMs: 6 * 60_000,
  });
  if (window === undefined) throw new Error('no window'); // end 10:06, so the next window starts at 10:01
  const ms = (iso: string) => Date.parse(iso);

  it('keeps what the next window reads again (received at or after end − overlap), newest first', () => {
    // Act
    const { seen, truncated } = overlapTail(
      [
        { key: 'old', receivedAtMs: ms('2026-11-24T10:00:59Z') },
        { key: 'edge', receivedAtMs: ms('2026-11-24T10:01:00Z') },
        { key: 'new', receivedAtMs: ms('2026-11-24T10:05:00Z') },
        { key: 'unknown', receivedAtMs: undefined },
        { key: 'new', receivedAtMs: ms('2026-11-24T10:05:00Z') },
      ],
      window,
      { overlapMs: 5 * 60_000 },
    );
    // Assess
    expect(seen).toEqual(['unknown', 'new', 'edge']);
    expect(truncated).toBe(0);
  });

  it(`keeps at most ${maxSeenKeys} keys and says how many it dropped`, () => {
    // Prepare
    const many = Array.from({ length: maxSeenKeys + 5 }, (_, i) => ({
      key: `k${i}`,
      receivedAtMs: ms('2026-11-24T10:05:00Z') + i,
    }));
    // Act
    const { seen, truncated } = overlapTail(many, window, { overlapMs: 5 * 60_000 });
    // Assess
    expect(seen).toHaveLength(maxSeenKeys);
    expect(seen[0]).toBe(`k${maxSeenKeys + 4}`);
    expect(truncated).toBe(5);
  });
});

describe('encodeOverlapState() / decodeOverlapState()', () => {
  it('round-trips', () => {
    const state = { spanMs: 120_000, seen: ['a', 'b'] };
    expect(decodeOverlapState(encodeOverlapState(state))).toEqual(state);
  });

  it.each([undefined, 'not json', '{"spanMs":-1,"seen":"x"}'])('reads %s as an empty state', (text) => {
    expect(decodeOverlapState(text)).toEqual({ spanMs: undefined, seen: [] });
  });
});
