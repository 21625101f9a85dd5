import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../functions/clients/dead-letter-queue.js';
import { detect } from '../../functions/core/detect.js';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';
import { defaultPollTiming } from '../../functions/core/sources/gcp/poll-window.js';
import { loadRules } from '../../functions/load-rules.js';
import { runPipeline } from '../../functions/pipeline.js';
import { type GcpPollPorts, type GcpPollSettings, pollGcp } from '../../functions/pollers/gcp-poll.js';
import { FakeLogStore, storeSource } from '../helpers/gcp-fake-logging.js';
import {
  type EntryTemplate,
  gcpEntryTemplates,
  type JsonObject,
  malformedEntry,
  stampEntry,
} from '../helpers/gcp-log-entries.js';
import { InMemoryCheckpointStore } from '../helpers/in-memory-checkpoint-store.js';
import { InMemoryDedupStore } from '../helpers/in-memory-dedup-store.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import { recordingTelemetry } from '../helpers/recording-telemetry.js';

const { ruleSet } = loadRules([fileURLToPath(new URL('../../rules/gcp', import.meta.url))]);
const templates = gcpEntryTemplates();
const matching = templates.filter((template) => template.expect === 'match');
const benign = templates.filter((template) => template.expect === 'no_match');
const resource = 'projects/central-logs/locations/global/buckets/audit/views/_AllLogs';
const t0 = Date.parse('2026-11-24T10:00:00Z');
const seconds = (n: number): number => n * 1_000;
const minutes = (n: number): number => n * 60_000;

const findingIdsOf = (entries: readonly JsonObject[]): Set<string> => {
  const events = eventsFromValue({ entries }, 'expected').flatMap((item) =>
    item.kind === 'event' ? [item.event] : [],
  );
  return new Set(detect(events, ruleSet, new Date(t0), 'poll').findings.map((finding) => finding.id));
};

const setup = (options: { pageSize?: number; maxPagesPerWindow?: number; maxPagesPerRun?: number } = {}) => {
  let now = t0;
  const store = new FakeLogStore(() => now);
  const checkpoints = new InMemoryCheckpointStore();
  checkpoints.seed({ provider: 'gcp', resource }, { position: new Date(t0).toISOString() });
  const dedup = new InMemoryDedupStore();
  const notifier = new RecordingNotifier();
  const recorded = recordingTelemetry();
  const letters: DeadLetter[] = [];
  const sleeps: number[] = [];
  const failLetters = { next: false };
  const clock = () => new Date(now);
  const telemetry = { ...recorded.telemetry, seconds: () => undefined, info: () => undefined };
  const ports: GcpPollPorts = {
    source: storeSource(store),
    checkpoints,
    process: (events, receivedAt) =>
      runPipeline(
        events,
        receivedAt,
        { ruleSet, suppressions: [], channel: 'poll' },
        { dedup, notifier, clock, telemetry },
      ),
    deadLetters: {
      send: async (batch) => {
        if (failLetters.next) throw new Error('SQS unavailable');
        letters.push(...batch);
      },
    },
    clock,
    sleep: async (ms) => void sleeps.push(ms),
    remainingMs: () => 25_000,
    telemetry,
  };
  const settings: GcpPollSettings = {
    resourceNames: [resource],
    methods: ruleSet.operations('gcp'),
    pageSize: options.pageSize ?? 5,
    maxPagesPerRun: options.maxPagesPerRun ?? 30,
    maxPagesPerWindow: options.maxPagesPerWindow ?? 10,
    serverRetries: 2,
    timing: defaultPollTiming,
  };
  let sequence = 0;
  /** Stores an entry that arrived at `receivedAt` (ms since t0) and became queryable `visibleAfter` later. */
  const add = (template: EntryTemplate, receivedAt: number, visibleAfter = seconds(2)): JsonObject => {
    sequence += 1;
    const stamp = {
      insertId: `e${String(sequence).padStart(5, '0')}`,
      timestamp: new Date(t0 + receivedAt - seconds(1)),
      receiveTimestamp: new Date(t0 + receivedAt),
    };
    const entry = stampEntry(template, stamp);
    store.add(entry, { resource, visibleAtMs: t0 + receivedAt + visibleAfter });
    return entry;
  };
  const published = () => notifier.messages.map((message) => (JSON.parse(message.body) as { id: string }).id);
  const position = () => checkpoints.items.get(`gcp#${resource}`)?.position;
  return {
    store,
    checkpoints,
    dedup,
    notifier,
    recorded,
    letters,
    sleeps,
    failLetters,
    ports,
    settings,
    add,
    published,
    position,
    at: (ms: number) => {
      now = t0 + ms;
    },
    run: () => pollGcp(settings, ports),
  };
};

describe('pollGcp()', () => {
  it('publishes every matching entry once across overlapping runs, and nothing for benign ones', async () => {
    // Prepare
    const env = setup();
    const served: JsonObject[] = [];
    for (let minute = 0; minute < 6; minute += 1) {
      for (const [i, template] of [
        ...matching.slice(minute * 4, minute * 4 + 4),
        ...benign.slice(minute * 3, minute * 3 + 3),
      ].entries())
        served.push(env.add(template, minutes(minute) + seconds(5 + i * 7)));
    }
    // Act: one run a minute, each re-reading the last 5 minutes
    const reports = [];
    for (let minute = 1; minute <= 8; minute += 1) {
      env.at(minutes(minute) + seconds(40));
      reports.push(await env.run());
    }
    // Assess
    const expected = findingIdsOf(served);
    expect(expected.size).toBeGreaterThan(15);
    expect(env.published().sort()).toEqual([...expected].sort());
    expect(reports.every((report) => report.resources[0]?.stopped === undefined)).toBe(true);
    expect(reports.reduce((sum, report) => sum + report.totals.duplicates, 0)).toBe(0); // overlap re-reads are skipped
    expect(reports.reduce((sum, report) => sum + report.totals.repeated, 0)).toBeGreaterThan(0);
    expect(env.position()).toBe(new Date(t0 + minutes(8) + seconds(10)).toISOString());
  });

  it('finds a late entry inside the overlap in the next run, once', async () => {
    // Prepare
    const env = setup();
    const late = env.add(matching[0] as EntryTemplate, seconds(20), minutes(2)); // received 10:00:20, queryable 10:02:20
    env.at(minutes(1) + seconds(30));
    const first = await env.run(); // checkpoint → 10:01:00, the entry is not visible yet
    // Act
    env.at(minutes(3));
    const second = await env.run(); // window [09:56:00, 10:02:30) sees it
    env.at(minutes(4));
    await env.run();
    // Assess
    expect(first.totals.entries).toBe(0);
    expect(second.totals.published).toBe(1);
    expect(env.published()).toEqual([...findingIdsOf([late])]);
  });

  it('stops on a 429 without moving the checkpoint, and the next run resumes with nothing lost', async () => {
    // Prepare
    const env = setup({ pageSize: 2 });
    const served = matching.slice(0, 6).map((template, i) => env.add(template, seconds(10 + i)));
    env.store.fail(429, { when: (request) => request.pageToken !== undefined }); // the second page
    env.at(minutes(1));
    // Act
    const throttled = await env.run();
    const afterThrottle = env.position();
    const resumed = await env.run();
    // Assess
    expect(throttled.resources[0]?.stopped).toBe('quota');
    expect(throttled.failed).toBe(false);
    expect(afterThrottle).toBe(new Date(t0).toISOString());
    expect(env.sleeps).toEqual([]); // a quota error is not retried in the same run
    expect(resumed.resources[0]?.stopped).toBeUndefined();
    expect(env.published().sort()).toEqual([...findingIdsOf(served)].sort());
  });

  it('retries a 500 with backoff within the run', async () => {
    // Prepare
    const env = setup();
    const served = [env.add(matching[1] as EntryTemplate, seconds(10))];
    env.store.fail(500);
    env.at(minutes(1));
    // Act
    const report = await env.run();
    // Assess
    expect(report.resources[0]?.stopped).toBeUndefined();
    expect(env.sleeps).toEqual([500]);
    expect(env.published()).toEqual([...findingIdsOf(served)]);
  });

  it('leaves the checkpoint after repeated 5xx and catches up on the next run', async () => {
    // Prepare
    const env = setup();
    const served = [env.add(matching[2] as EntryTemplate, seconds(10))];
    env.store.fail(503, { times: 3 });
    env.at(minutes(1));
    // Act
    const failed = await env.run();
    const position = env.position();
    const next = await env.run();
    // Assess
    expect(failed.resources[0]?.stopped).toBe('server');
    expect(env.sleeps).toEqual([500, 1_000]);
    expect(position).toBe(new Date(t0).toISOString());
    expect(next.resources[0]?.stopped).toBeUndefined();
    expect(env.published()).toEqual([...findingIdsOf(served)]);
  });

  it('sends malformed entries to the dead-letter queue with their place, once, and still moves on', async () => {
    // Prepare
    const env = setup({ pageSize: 3 });
    const good = env.add(matching[3] as EntryTemplate, seconds(5));
    const bad = [0, 1, 2].map((variant) => {
      const entry = malformedEntry(
        matching[4] as EntryTemplate,
        {
          insertId: `bad-${variant}`,
          timestamp: new Date(t0 + seconds(6 + variant)),
          receiveTimestamp: new Date(t0 + seconds(7 + variant)),
        },
        variant,
      );
      env.store.add(entry, { resource });
      return entry;
    });
    env.at(minutes(1));
    // Act
    const first = await env.run();
    env.at(minutes(2));
    await env.run(); // reads the same entries again in the overlap
    // Assess
    expect(first.totals.malformed).toBe(3);
    expect(env.letters.map((letter) => letter.record)).toEqual(bad);
    expect(env.letters.map((letter) => letter.location)).toEqual(['entries[1]', 'entries[2]', 'entries[0]']);
    expect(env.letters[0]?.source).toMatch(/^entries:list projects\/central-logs\/.* page 1$/);
    expect(env.letters[0]?.reason).toContain('serviceName');
    expect(env.position()).toBe(new Date(t0 + minutes(1) + seconds(30)).toISOString());
    expect(env.published()).toEqual([...findingIdsOf([good])]);
  });

  it('does not move the checkpoint when the dead-letter queue cannot take an entry', async () => {
    // Prepare
    const env = setup();
    env.store.add(
      malformedEntry(
        matching[4] as EntryTemplate,
        {
          insertId: 'bad',
          timestamp: new Date(t0),
          receiveTimestamp: new Date(t0 + seconds(1)),
        },
        0,
      ),
      { resource },
    );
    env.failLetters.next = true;
    env.at(minutes(1));
    // Act
    const report = await env.run();
    env.failLetters.next = false;
    const retry = await env.run();
    // Assess
    expect(report.resources[0]?.stopped).toBe('dead-letter');
    expect(report.failed).toBe(true);
    expect(retry.failed).toBe(false);
    expect(env.letters).toHaveLength(1);
  });

  it('keeps the checkpoint when publishing fails, and publishes on the next run', async () => {
    // Prepare
    const env = setup();
    const served = [env.add(matching[5] as EntryTemplate, seconds(10))];
    env.notifier.failNext(1);
    env.at(minutes(1));
    // Act
    const failed = await env.run();
    const position = env.position();
    await env.run();
    // Assess
    expect(failed.resources[0]?.stopped).toBe('publish');
    expect(failed.failed).toBe(true);
    expect(position).toBe(new Date(t0).toISOString());
    expect(env.published()).toEqual([...findingIdsOf(served)]);
  });

  it('halves a window that needs more pages than allowed, and still reads everything once', async () => {
    // Prepare: 24 matching entries in 4 minutes, 2 per page, at most 4 pages a window, a 30 s overlap
    const env = setup({ pageSize: 2, maxPagesPerWindow: 4, maxPagesPerRun: 55 });
    const settings = { ...env.settings, timing: { ...defaultPollTiming, overlapMs: seconds(30) } };
    const served = matching.slice(0, 24).map((template, i) => env.add(template, seconds(5 + i * 10)));
    env.at(minutes(10));
    // Act
    const report = await pollGcp(settings, env.ports);
    // Assess
    expect(report.resources[0]?.stopped).toBeUndefined();
    expect(report.resources[0]?.halvings).toBeGreaterThan(0);
    expect(report.resources[0]?.windows).toBeGreaterThan(1);
    expect(report.totals.duplicates).toBe(0);
    expect(env.published().sort()).toEqual([...findingIdsOf(served)].sort());
    expect(env.position()).toBe(new Date(t0 + minutes(9) + seconds(30)).toISOString());
  });

  it('moves the checkpoint only if nobody else moved it (conditional write)', async () => {
    // Prepare
    const env = setup();
    env.add(matching[6] as EntryTemplate, seconds(10));
    env.at(minutes(1));
    const original = env.checkpoints.advance.bind(env.checkpoints);
    env.checkpoints.advance = async (key, previous, update, now) => {
      env.checkpoints.seed(key, { position: new Date(t0 + seconds(1)).toISOString() }); // a second poller wrote first
      return original(key, previous, update, now);
    };
    // Act
    const report = await env.run();
    // Assess
    expect(report.resources[0]?.stopped).toBe('checkpoint');
    expect(report.failed).toBe(true);
  });

  it('reports the lag as now minus the checkpoint', async () => {
    // Prepare
    const env = setup({ maxPagesPerRun: 1 });
    env.at(minutes(45));
    // Act
    const report = await env.run(); // one 15-minute window, then the page budget is spent
    // Assess
    expect(report.resources[0]?.stopped).toBe('budget');
    expect(report.lagSeconds).toBe(30 * 60);
  });

  it('reads the resource furthest behind first and ends the run on a 429', async () => {
    // Prepare
    const env = setup();
    const ahead = 'projects/ahead';
    env.checkpoints.seed({ provider: 'gcp', resource: ahead }, { position: new Date(t0 + minutes(1)).toISOString() });
    const settings = { ...env.settings, resourceNames: [ahead, resource] };
    env.store.fail(429);
    env.at(minutes(2));
    // Act
    const report = await pollGcp(settings, env.ports);
    // Assess
    expect(report.resources.map((r) => [r.resource, r.stopped])).toEqual([
      [resource, 'quota'],
      [ahead, 'quota'],
    ]);
    expect(env.store.calls).toHaveLength(1);
  });
});
