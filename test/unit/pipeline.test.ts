import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { detect } from '../../functions/core/detect.js';
import { InputError } from '../../functions/core/formats/errors.js';
import type { RuleSet } from '../../functions/core/sigma/rule-set.js';
import type { Suppression } from '../../functions/core/suppress.js';
import { loadRules } from '../../functions/load-rules.js';
import { decodeQueueBody, dedupConcurrency, runPipeline } from '../../functions/pipeline.js';
import type { DedupStore } from '../../functions/stores/dedup-store.js';
import { cloudTrailRecord, eventBridgeEnvelope } from '../helpers/cloudtrail-event-factory.js';
import { InMemoryDedupStore } from '../helpers/in-memory-dedup-store.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import { recordingTelemetry } from '../helpers/recording-telemetry.js';

const rulesDir = fileURLToPath(new URL('../helpers/fixture-rules', import.meta.url));
const receivedAt = new Date('2026-11-24T10:02:13.000Z');

let ruleSet: RuleSet;
beforeAll(() => {
  ruleSet = loadRules([rulesDir]).ruleSet;
});

const eventsOf = (overrides: Parameters<typeof cloudTrailRecord>[0] = {}) =>
  decodeQueueBody(JSON.stringify(eventBridgeEnvelope(cloudTrailRecord(overrides))), 'sqs:m-1').events;

/** A clock that starts at `start` and moves forward `stepMs` on each reading. */
const steppingClock = (start: Date, stepMs = 5) => {
  let now = start.getTime();
  return () => {
    const reading = new Date(now);
    now += stepMs;
    return reading;
  };
};

const setup = (options: { suppressions?: Suppression[]; dedup?: DedupStore; start?: Date } = {}) => {
  const dedup = options.dedup ?? new InMemoryDedupStore();
  const notifier = new RecordingNotifier();
  const recorded = recordingTelemetry();
  const clock = steppingClock(options.start ?? new Date('2026-11-24T10:02:13.100Z'));
  const run = (events: ReturnType<typeof eventsOf>) =>
    runPipeline(
      events,
      receivedAt,
      { ruleSet, suppressions: options.suppressions ?? [], channel: 'realtime' },
      {
        dedup,
        notifier,
        clock,
        telemetry: recorded.telemetry,
      },
    );
  return { dedup, notifier, run, ...recorded };
};

const bodyOf = (notifier: RecordingNotifier, index = 0) => JSON.parse(notifier.messages[index]?.body ?? '{}');

/**
 * An in-memory store whose calls each stay open for one macrotask, as a network round trip would, and which records the
 * most calls in flight at once: per method and in total.
 */
const instrumentedStore = (inner: InMemoryDedupStore) => {
  const inFlight = { claim: 0, confirm: 0, release: 0, total: 0 };
  const peak = { claim: 0, confirm: 0, release: 0, total: 0 };
  const track = async <R>(method: 'claim' | 'confirm' | 'release', call: () => Promise<R>): Promise<R> => {
    inFlight[method] += 1;
    inFlight.total += 1;
    peak[method] = Math.max(peak[method], inFlight[method]);
    peak.total = Math.max(peak.total, inFlight.total);
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return await call();
    } finally {
      inFlight[method] -= 1;
      inFlight.total -= 1;
    }
  };
  const store: DedupStore = {
    claim: (request) => track('claim', () => inner.claim(request)),
    confirm: (claim, outcome, now) => track('confirm', () => inner.confirm(claim, outcome, now)),
    release: (claim) => track('release', () => inner.release(claim)),
  };
  return { store, peak };
};

describe('runPipeline()', () => {
  it('publishes a matching event once, with receive and publish stamps and latency metrics', async () => {
    // Prepare
    const { run, notifier, timings, total, dedup } = setup();
    // Act
    const result = await run(eventsOf());
    // Assess
    expect(result).toMatchObject({ findings: 1, duplicates: 0, suppressed: 0, failed: [] });
    expect(notifier.messages).toHaveLength(1);
    const body = bodyOf(notifier);
    expect(notifier.messages[0]?.subject).toBe(`[HIGH] aws 111122223333: ${body.rule.title}`.slice(0, 99));
    expect(body.event).toMatchObject({ operation: 'StopLogging', channel: 'realtime', time: '2026-11-24T10:02:11Z' });
    expect(body.delivery.receivedAt).toBe('2026-11-24T10:02:13.000Z');
    expect(Date.parse(body.delivery.publishedAt)).toBeGreaterThan(Date.parse(body.delivery.receivedAt));
    expect(timings.map((t) => t.name)).toEqual(['ReceiveToPublish', 'EventToPublish']);
    expect(timings[0]?.value).toBe(Date.parse(body.delivery.publishedAt) - receivedAt.getTime());
    expect(total('Published')).toBe(1);
    expect((dedup as InMemoryDedupStore).claims.get(result.published[0] ?? '')?.state).toBe('sent');
  });

  it('publishes nothing for an event no rule matches', async () => {
    const { run, notifier } = setup();
    const result = await run(eventsOf({ eventName: 'StartLogging' }));
    expect(result.findings).toBe(0);
    expect(notifier.messages).toEqual([]);
  });

  it('alerts once for the same event delivered twice and counts the duplicate', async () => {
    // Prepare
    const { run, notifier, total } = setup();
    // Act
    await run(eventsOf());
    const second = await run(eventsOf());
    // Assess
    expect(second).toMatchObject({ findings: 1, duplicates: 1, published: [] });
    expect(notifier.messages).toHaveLength(1);
    expect(total('Duplicates')).toBe(1);
  });

  it('reports repeats in the next alert of the same rule and scope: "N more since …"', async () => {
    // Prepare
    const { run, notifier } = setup();
    await run(eventsOf({ eventID: 'e-1' }));
    await run(eventsOf({ eventID: 'e-1' }));
    await run(eventsOf({ eventID: 'e-1' }));
    const firstPublishedAt = bodyOf(notifier).delivery.publishedAt;
    // Act
    await run(eventsOf({ eventID: 'e-2' }));
    await run(eventsOf({ eventID: 'e-3' }));
    // Assess
    expect(notifier.messages).toHaveLength(3);
    const second = bodyOf(notifier, 1);
    expect(second.delivery).toMatchObject({ repeatsSincePublished: 2 });
    expect(Date.parse(second.delivery.repeatsSince)).toBeGreaterThanOrEqual(Date.parse(firstPublishedAt));
    expect(second.alert).toMatch(/\(2 more since 2026-11-24T10:02:13\.\d{3}Z\)$/);
    expect(bodyOf(notifier, 2).delivery.repeatsSincePublished).toBeUndefined();
  });

  it('counts a suppressed finding, claims it and publishes nothing, its repeats included', async () => {
    // Prepare
    const suppression: Suppression = {
      id: 'trail-rotation',
      match: { rule: 'trail-stopped-fixture', actor: '*/alice' },
      owner: 'secops@example.com',
      reason: 'rotation runbook',
      expires: '2027-01-31',
    };
    const { run, notifier, counts, dedup } = setup({ suppressions: [suppression] });
    // Act
    const first = await run(eventsOf());
    const again = await run(eventsOf());
    // Assess
    expect(first).toMatchObject({ suppressed: 1, published: [] });
    expect(again).toMatchObject({ duplicates: 1, suppressed: 0 });
    expect(notifier.messages).toEqual([]);
    expect(counts).toContainEqual({ name: 'Suppressed', value: 1, dimension: 'suppression=trail-rotation' });
    expect([...(dedup as InMemoryDedupStore).claims.values()].map((claim) => claim.state)).toEqual(['suppressed']);
  });

  it('publishes despite an expired suppression, and says so', async () => {
    // Prepare
    const expired: Suppression = {
      id: 'old-window',
      match: { account: '111122223333' },
      owner: 'secops@example.com',
      reason: 'migration',
      expires: '2026-11-01',
    };
    const { run, notifier, counts, warnings } = setup({ suppressions: [expired] });
    // Act
    await run(eventsOf());
    // Assess
    expect(notifier.messages).toHaveLength(1);
    expect(bodyOf(notifier).delivery.notes).toEqual([
      'suppression old-window (owner secops@example.com) expired at 2026-11-02T00:00:00.000Z and no longer applies',
    ]);
    expect(counts).toContainEqual({ name: 'SuppressionExpired', value: 1, dimension: 'suppression=old-window' });
    expect(warnings.map((w) => w.message)).toContain('expired suppression no longer applies');
  });

  it('releases the claim when publishing fails, so the retry publishes', async () => {
    // Prepare
    const { run, notifier, dedup, total } = setup();
    notifier.failNext(1);
    // Act
    const failed = await run(eventsOf());
    const retried = await run(eventsOf());
    // Assess
    expect(failed.failed).toEqual([
      { findingId: expect.stringMatching(/^tw1-/), error: 'ThrottlingException: Rate exceeded' },
    ]);
    expect((dedup as InMemoryDedupStore).calls.filter((call) => call.startsWith('release'))).toHaveLength(1);
    expect(retried.published).toHaveLength(1);
    expect(notifier.messages).toHaveLength(1);
    expect(total('PublishFailures')).toBe(1);
  });

  it('takes over a stale pending claim left by a crashed publisher', async () => {
    // Prepare
    const dedup = new InMemoryDedupStore({ ttlSeconds: 3_600, staleAfterSeconds: 60 });
    const crashed = setup({ dedup, start: new Date('2026-11-24T10:00:00Z') });
    const [finding] = detect(eventsOf(), ruleSet, new Date(), 'realtime').findings;
    await dedup.claim({ findingId: finding?.id ?? '', scopeKey: 'k', now: new Date('2026-11-24T10:00:00Z') });
    // Act
    const tooSoon = await crashed.run(eventsOf());
    const later = setup({ dedup, start: new Date('2026-11-24T10:01:01Z') });
    const takenOver = await later.run(eventsOf());
    // Assess
    expect(tooSoon.duplicates).toBe(1);
    expect(takenOver.published).toHaveLength(1);
  });

  it('fails the record and releases what it claimed when the store fails', async () => {
    // Prepare
    const inner = new InMemoryDedupStore();
    let calls = 0;
    const flaky: DedupStore = {
      claim: async (request) => {
        calls += 1;
        if (calls === 2) throw new Error('ProvisionedThroughputExceededException');
        return inner.claim(request);
      },
      confirm: (claim, outcome, now) => inner.confirm(claim, outcome, now),
      release: (claim) => inner.release(claim),
    };
    const { run } = setup({ dedup: flaky });
    const events = [...eventsOf({ eventID: 'a' }), ...eventsOf({ eventID: 'b' })];
    // Act + Assess
    await expect(run(events)).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(inner.claims.size).toBe(0);
  });
  it('keeps at most the dedup limit of store calls in flight for a large batch, in the order of the findings', async () => {
    // Prepare
    const inner = new InMemoryDedupStore();
    const { store, peak } = instrumentedStore(inner);
    const { run, notifier } = setup({ dedup: store });
    const events = Array.from({ length: 200 }, (_, index) => eventsOf({ eventID: `e-${index}` })).flat();
    const ids = detect(events, ruleSet, new Date(), 'realtime').findings.map((finding) => finding.id);
    notifier.failNext(30);

    // Act
    const result = await run(events);

    // Assess
    expect(dedupConcurrency).toBeLessThan(events.length);
    expect(peak.claim).toBe(dedupConcurrency);
    expect(peak.total).toBeLessThanOrEqual(dedupConcurrency);
    expect(peak.release).toBeGreaterThan(0);
    expect(peak.confirm).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(200);
    expect(result.failed.map((failure) => failure.findingId)).toEqual(ids.slice(0, 30));
    expect(result.published).toEqual(ids.slice(30));
    expect(notifier.messages.map((_, index) => bodyOf(notifier, index).id)).toEqual(ids.slice(30));
    expect(inner.calls.filter((call) => call.startsWith('claim')).map((call) => call.slice(6))).toEqual(ids);
    expect([...inner.claims.keys()]).toEqual(ids.slice(30));
  });
});

describe('decodeQueueBody()', () => {
  it('reads the EventBridge envelope into one event', () => {
    const { events } = decodeQueueBody(JSON.stringify(eventBridgeEnvelope(cloudTrailRecord())), 'sqs:m-1');
    expect(events.map((event) => [event.provider, event.operation, event.id])).toEqual([
      ['aws', 'StopLogging', 'b0f4c1d2-1111-4222-8333-444455556666'],
    ]);
  });

  it.each([
    { why: 'not JSON', body: 'hello' },
    { why: 'JSON without an audit record', body: '{"detail":{"foo":1}}' },
  ])('refuses a body that is $why with an InputError naming the message', ({ body }) => {
    expect(() => decodeQueueBody(body, 'sqs:m-9')).toThrow(InputError);
    expect(() => decodeQueueBody(body, 'sqs:m-9')).toThrow(/^sqs:m-9: /);
  });
});
