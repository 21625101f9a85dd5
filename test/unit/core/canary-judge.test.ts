import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  canaryRuleOf,
  judgeCanary,
  nextCanaryState,
  parseCanaryState,
  splitCanary,
} from '../../../functions/core/canary.js';
import { eventsFromValue } from '../../../functions/core/formats/read-input.js';
import { loadRules } from '../../../functions/load-rules.js';
import { cloudTrailRecord } from '../../helpers/cloudtrail-event-factory.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const minute = 60_000;
const t0 = Date.parse('2026-11-24T10:00:00.700Z');
const iso = (ms: number) => new Date(ms).toISOString();

const canaryWrite = (name: string, eventID: string, errorCode?: string) => ({
  ...cloudTrailRecord({
    eventID,
    eventName: 'PutParameter',
    eventSource: 'ssm.amazonaws.com',
    ...(errorCode && { errorCode }),
  }),
  requestParameters: { name, type: 'String', overwrite: true },
});
const eventsOf = (...records: Record<string, unknown>[]) =>
  records.flatMap((record) =>
    eventsFromValue(record, 'test').flatMap((item) => (item.kind === 'event' ? [item.event] : [])),
  );

describe('Canary: splitCanary', () => {
  const { ruleSet } = loadRules([join(root, 'rules/aws/tamperwatch')]);
  const rule = canaryRuleOf(ruleSet);

  it('takes successful canary writes out of the events to detect on', () => {
    // Prepare
    const events = eventsOf(
      canaryWrite('tamperwatch-prod-canary', 'e1'),
      canaryWrite('/app/flags', 'e2'),
      canaryWrite('tamperwatch-prod-canary', 'e3', 'ThrottlingException'),
      cloudTrailRecord({ eventID: 'e4' }),
    );
    // Act
    const { canary, rest } = splitCanary(events, rule);
    // Assess
    expect(rule?.meta.level).toBe('informational');
    expect(canary.map((event) => event.id)).toEqual(['e1']);
    expect(rest.map((event) => event.id)).toEqual(['e2', 'e3', 'e4']);
  });

  it('passes every event on when the rule set has no canary rule', () => {
    const events = eventsOf(canaryWrite('tamperwatch-prod-canary', 'e1'));
    expect(splitCanary(events, undefined)).toEqual({ canary: [], rest: events });
  });
});

describe('Canary: judgeCanary', () => {
  const maxDelay = 10 * minute;

  it.each([
    { name: 'nothing written yet', writes: [], arrival: undefined, now: t0, kind: 'unknown' },
    {
      name: 'the write is younger than the delay',
      writes: [t0],
      arrival: undefined,
      now: t0 + 9 * minute,
      kind: 'unknown',
    },
    {
      name: 'the write arrived (eventTime in whole seconds)',
      writes: [t0],
      arrival: '2026-11-24T10:00:00Z',
      now: t0 + 10 * minute,
      kind: 'arriving',
    },
    {
      name: 'a later write arrived',
      writes: [t0 + 5 * minute, t0],
      arrival: iso(t0 + 5 * minute),
      now: t0 + 15 * minute,
      kind: 'arriving',
    },
    {
      name: 'the write did not arrive in time',
      writes: [t0 + 5 * minute, t0],
      arrival: iso(t0 - 5 * minute),
      now: t0 + 10 * minute,
      kind: 'missing',
    },
  ])('$name → $kind', ({ writes, arrival, now, kind }) => {
    // Act
    const verdict = judgeCanary({ writes: writes.map(iso) }, arrival, now, maxDelay);
    // Assess
    expect(verdict.kind).toBe(kind);
  });

  it('remembers since when the canary is missing, and clears it when a write arrives', () => {
    // Prepare
    let state = parseCanaryState(JSON.stringify({ writes: [iso(t0)] }));
    // Act: missing at +10, still missing at +15, arriving at +25
    const first = judgeCanary(state, undefined, t0 + 10 * minute, maxDelay);
    state = nextCanaryState(state, first, iso(t0 + 10 * minute), t0 + 10 * minute, maxDelay);
    const second = judgeCanary(state, undefined, t0 + 20 * minute, maxDelay);
    state = nextCanaryState(state, second, iso(t0 + 20 * minute), t0 + 20 * minute, maxDelay);
    const third = judgeCanary(state, iso(t0 + 20 * minute), t0 + 30 * minute, maxDelay);
    // Assess
    expect(first).toEqual({ kind: 'missing', since: iso(t0), write: iso(t0) });
    expect(second).toEqual({ kind: 'missing', since: iso(t0), write: iso(t0 + 10 * minute) });
    expect(third).toEqual({ kind: 'arriving', write: iso(t0 + 20 * minute), restoredAfter: iso(t0) });
    expect(nextCanaryState(state, third, undefined, t0 + 30 * minute, maxDelay).missingSince).toBeUndefined();
  });

  it('reads a missing or broken state as empty', () => {
    expect(parseCanaryState(undefined)).toEqual({ writes: [] });
    expect(parseCanaryState('{not json')).toEqual({ writes: [] });
    expect(parseCanaryState('{"writes": 3}')).toEqual({ writes: [] });
  });
});
