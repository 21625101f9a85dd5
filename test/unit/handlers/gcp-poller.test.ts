import { fileURLToPath } from 'node:url';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { gcpPollerSettings } from '../../../functions/config/gcp-config.js';
import { createGcpPollerHandler, GcpPollError } from '../../../functions/handlers/gcp-poller.js';
import { loadRules } from '../../../functions/load-rules.js';
import { pollSettingsOf } from '../../../functions/pollers/gcp-poll.js';
import { FakeLogStore, storeSource } from '../../helpers/gcp-fake-logging.js';
import { type EntryTemplate, gcpEntryTemplates, stampEntry } from '../../helpers/gcp-log-entries.js';
import { InMemoryCheckpointStore } from '../../helpers/in-memory-checkpoint-store.js';
import { InMemoryDedupStore } from '../../helpers/in-memory-dedup-store.js';
import { lambdaContext } from '../../helpers/lambda-context.js';
import { RecordingNotifier } from '../../helpers/recording-notifier.js';

const { ruleSet } = loadRules([fileURLToPath(new URL('../../../rules/gcp', import.meta.url))]);
const resource = 'projects/central-logs';
const t0 = Date.parse('2026-11-24T10:00:00Z');
const settings = gcpPollerSettings().parse({
  projectId: 'central-logs',
  resourceNames: [resource],
  credential: { parameterName: '/tamperwatch/gcp' },
  deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/tamperwatch-prod-gcp-poller-dlq',
});

const fakePowertools = () => {
  const metrics: { name: string; unit: string; value: number }[] = [];
  const logs: { level: string; message: string }[] = [];
  let flushes = 0;
  const metricsPort = {
    addMetric: (name: string, unit: string, value: number) => void metrics.push({ name, unit, value }),
    singleMetric: () => ({
      addDimension: () => ({
        addMetric: (name: string, unit: string, value: number) => metrics.push({ name, unit, value }),
      }),
    }),
    publishStoredMetrics: () => {
      flushes += 1;
    },
  } as unknown as Metrics;
  const log = (level: string) => (message: string) => void logs.push({ level, message });
  const logger = { addContext: () => undefined, info: log('info'), warn: log('warn'), error: log('error') };
  return { metricsPort, logger: logger as unknown as Logger, metrics, logs, flushes: () => flushes };
};

const build = () => {
  const now = t0 + 90_000;
  const store = new FakeLogStore(() => now);
  const checkpoints = new InMemoryCheckpointStore();
  checkpoints.seed({ provider: 'gcp', resource }, { position: new Date(t0).toISOString() });
  const notifier = new RecordingNotifier();
  const powertools = fakePowertools();
  const handler = createGcpPollerHandler({
    settings: pollSettingsOf(settings, ruleSet.operations('gcp'), 20_000),
    ruleSet,
    suppressions: [],
    source: storeSource(store),
    checkpoints,
    dedup: new InMemoryDedupStore(),
    notifier,
    deadLetters: { send: async () => undefined },
    clock: () => new Date(now),
    sleep: async () => undefined,
    logger: powertools.logger,
    metrics: powertools.metricsPort,
  });
  return { store, notifier, powertools, handler };
};

describe('Handler: gcp-poller', () => {
  it('publishes what the rules match, reports PollerLagSeconds and flushes the metrics', async () => {
    // Prepare
    const { store, notifier, powertools, handler } = build();
    const template = gcpEntryTemplates().find((t) => t.expect === 'match') as EntryTemplate;
    const stamp = { insertId: 'a1', timestamp: new Date(t0 + 10_000), receiveTimestamp: new Date(t0 + 11_000) };
    store.add(stampEntry(template, stamp), { resource });
    // Act
    const report = await handler({ source: 'tamperwatch.schedule' }, lambdaContext());
    // Assess
    expect(report.totals.published).toBe(1);
    expect(notifier.messages).toHaveLength(1);
    expect(JSON.parse(notifier.messages[0]?.body ?? '{}').event.channel).toBe('poll');
    expect(powertools.metrics).toContainEqual({ name: 'PollerLagSeconds', unit: 'Seconds', value: 30 });
    expect(powertools.flushes()).toBe(1);
  });

  it('fails the invocation when a resource needs a person (here: the API refuses the call), after flushing metrics', async () => {
    // Prepare
    const { store, powertools, handler } = build();
    store.fail(403);
    // Act
    const attempt = handler({}, lambdaContext());
    // Assess
    await expect(attempt).rejects.toThrow(GcpPollError);
    await expect(attempt).rejects.toThrow(/projects\/central-logs: rejected \(entries:list failed: HTTP 403\)/);
    expect(powertools.flushes()).toBe(1);
  });

  it('does not fail the invocation on a 429: the next run resumes', async () => {
    // Prepare
    const { store, handler } = build();
    store.fail(429);
    // Act
    const report = await handler({}, lambdaContext());
    // Assess
    expect(report.resources[0]?.stopped).toBe('quota');
  });
});

describe('pollSettingsOf()', () => {
  it('turns the seconds and minutes of TW_GCP_CONFIG into the poll loop’s milliseconds', () => {
    // Act
    const converted = pollSettingsOf(settings, ruleSet.operations('gcp'), 20_000);
    // Assess
    expect(converted).toMatchObject({
      resourceNames: [resource],
      logs: ['activity'],
      pageSize: 1_000,
      maxPagesPerRun: 30,
      maxPagesPerWindow: 10,
      serverRetries: 2,
      timing: {
        overlapMs: 300_000,
        settleMs: 30_000,
        latenessMs: 3_600_000,
        initialLookbackMs: 3_600_000,
        maxSpanMs: 900_000,
        minSpanMs: 10_000,
      },
      marginMs: 25_000,
    });
  });
});
