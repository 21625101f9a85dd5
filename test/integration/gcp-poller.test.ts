import { fileURLToPath } from 'node:url';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqsDeadLetterSink } from '../../functions/clients/dead-letter-queue.js';
import { type GcpCredentials, RestLogEntrySource } from '../../functions/clients/gcp-logging.js';
import { gcpPollerSettings } from '../../functions/config/gcp-config.js';
import { detect } from '../../functions/core/detect.js';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';
import { createGcpPollerHandler, type GcpPollerHandler } from '../../functions/handlers/gcp-poller.js';
import { loadRules } from '../../functions/load-rules.js';
import { SnsNotifier } from '../../functions/notifier/sns-notifier.js';
import { pollSettingsOf } from '../../functions/pollers/gcp-poll.js';
import { CheckpointConflictError } from '../../functions/stores/checkpoint-port.js';
import { DynamoDbCheckpointStore } from '../../functions/stores/checkpoint-store.js';
import { DynamoDbDedupStore } from '../../functions/stores/dedup-store.js';
import { type FakeLoggingServer, FakeLogStore, startFakeLoggingServer } from '../helpers/gcp-fake-logging.js';
import {
  type EntryTemplate,
  gcpEntryTemplates,
  type JsonObject,
  malformedEntry,
  stampEntry,
} from '../helpers/gcp-log-entries.js';
import { InMemoryCheckpointStore } from '../helpers/in-memory-checkpoint-store.js';
import { InMemoryDedupStore } from '../helpers/in-memory-dedup-store.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import {
  type Clients,
  clientsFor,
  createTable,
  createTopic,
  drain,
  handlerEnvironment,
  subscribeQueue,
} from './aws-fixture.js';

const endpoint = inject('motoEndpoint');
const rulesDir = fileURLToPath(new URL('../../rules/gcp', import.meta.url));
const { ruleSet } = loadRules([rulesDir]);
const templates = gcpEntryTemplates();
const view = 'projects/central-logs/locations/global/buckets/audit/views/_AllLogs';
const organization = 'organizations/123456789012';
const t0 = Date.parse('2026-11-24T10:00:00Z');
const seconds = (n: number): number => n * 1_000;
const minutes = (n: number): number => n * 60_000;

/** What `gcloud iam workload-identity-pools create-cred-config … --aws` writes, with STS pointed at the local server. */
const credentialConfig = (tokenUrl: string): GcpCredentials => ({
  type: 'external_account',
  audience: '//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/tamperwatch/providers/aws',
  subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
  token_url: tokenUrl,
  credential_source: {
    environment_id: 'aws1',
    region_url: 'http://169.254.169.254/latest/meta-data/placement/availability-zone',
    url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials',
    regional_cred_verification_url: 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
  },
});

const createQueue = async (clients: Clients, name: string) => {
  const { QueueUrl = '' } = await clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? '' };
};

const findingIdsOf = (entries: readonly JsonObject[]): Set<string> => {
  const events = eventsFromValue({ entries }, 'expected').flatMap((item) =>
    item.kind === 'event' ? [item.event] : [],
  );
  return new Set(detect(events, ruleSet, new Date(t0), 'poll').findings.map((finding) => finding.id));
};

/** Powertools stand-ins that keep the gauges (the lag) and stay quiet. */
const quietPowertools = () => {
  const gauges: { name: string; value: number }[] = [];
  const metrics = {
    addMetric: (name: string, _unit: string, value: number) => void gauges.push({ name, value }),
    singleMetric: () => ({ addDimension: () => ({ addMetric: () => undefined }) }),
    publishStoredMetrics: () => undefined,
  } as unknown as Metrics;
  const logger = { addContext: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  return { gauges, metrics, logger: logger as unknown as Logger };
};

describe.skipIf(endpoint === '')('GCP poller: real google-auth-library auth → local Logging API → moto', () => {
  let clients: Clients;
  let server: FakeLoggingServer;
  let now = t0;
  const store = new FakeLogStore(() => now);
  let topicArn: string;
  let table: string;
  let subscriber: { url: string; arn: string };
  let deadLetters: { url: string; arn: string };

  const buildHandler = (overrides: Record<string, unknown> = {}, stores: 'moto' | 'in-memory' = 'moto') => {
    const settings = gcpPollerSettings().parse({
      projectId: 'central-logs',
      resourceNames: [view, organization],
      credential: { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:unused' },
      deadLetterQueueUrl: deadLetters.url,
      apiEndpoint: server.baseUrl,
      pageSize: 25,
      initialLookbackMinutes: 10,
      auditLogs: ['activity', 'data_access'], // the SCC rules match DATA_WRITE entries
      ...overrides,
    });
    const dynamodb = clients.dynamodb;
    const powertools = quietPowertools();
    const clock = () => new Date(now);
    const handler: GcpPollerHandler = createGcpPollerHandler({
      settings: pollSettingsOf(settings, ruleSet.operations('gcp'), 20_000),
      ruleSet,
      suppressions: [],
      source: new RestLogEntrySource({
        projectId: settings.projectId,
        credentials: credentialConfig(server.tokenUrl),
        apiEndpoint: server.baseUrl,
      }),
      ...(stores === 'moto'
        ? {
            checkpoints: new DynamoDbCheckpointStore(dynamodb, table),
            dedup: new DynamoDbDedupStore(dynamodb, table, { ttlSeconds: 168 * 3_600, staleAfterSeconds: 60 }),
            notifier: new SnsNotifier(clients.sns, topicArn),
          }
        : {
            checkpoints: new InMemoryCheckpointStore(),
            dedup: new InMemoryDedupStore(),
            notifier: new RecordingNotifier(),
          }),
      deadLetters: new SqsDeadLetterSink(clients.sqs, settings.deadLetterQueueUrl, clock),
      clock,
      sleep: async () => undefined, // backoff is asserted in the unit tests; no sleeps here
      logger: powertools.logger,
      metrics: powertools.metrics,
    });
    return { handler, gauges: powertools.gauges };
  };

  beforeAll(async () => {
    clients = clientsFor(endpoint);
    table = await createTable(clients, 'tamperwatch-gcp-test-state');
    topicArn = await createTopic(clients, 'tamperwatch-gcp-test-findings');
    subscriber = await subscribeQueue(clients, topicArn, 'gcp-findings-all');
    deadLetters = await createQueue(clients, 'tamperwatch-gcp-test-poller-dlq');
    server = await startFakeLoggingServer(store);
    // The Lambda environment: AWS credentials and region, which the external_account client signs GetCallerIdentity with.
    Object.assign(process.env, handlerEnvironment(endpoint, { topicArn, table, rulesDir }));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('misses nothing and repeats nothing through pagination, late entries, a 429, 5xx and malformed entries', async () => {
    // Prepare: 25 simulated minutes of Admin Activity, two resource names, 25 entries a page
    const { handler, gauges } = buildHandler();
    const matching = templates.filter((t) => t.expect === 'match');
    const other = templates.filter((t) => t.expect !== 'match');
    const served: JsonObject[] = [];
    const malformed: JsonObject[] = [];
    const late: JsonObject[] = [];
    let sequence = 0;
    const put = (template: EntryTemplate, resource: string, receivedAt: number, lateBy = seconds(3)) => {
      sequence += 1;
      const operation = sequence % 40 === 0 ? { id: `operation-${sequence}`, first: true } : undefined;
      const entry = stampEntry(template, {
        insertId: `-${sequence.toString(36).padStart(6, '0')}`,
        timestamp: new Date(t0 + receivedAt - seconds(2)),
        receiveTimestamp: new Date(t0 + receivedAt),
        ...(operation && { operation }),
      });
      store.add(entry, { resource, visibleAtMs: t0 + receivedAt + lateBy });
      served.push(entry);
      if (lateBy > seconds(60)) late.push(entry);
      if (operation !== undefined) {
        // the operation's last entry, a minute later: same operation.id, so still one finding
        const last = stampEntry(template, {
          insertId: `-${sequence.toString(36).padStart(6, '0')}-last`,
          timestamp: new Date(t0 + receivedAt + minutes(1)),
          receiveTimestamp: new Date(t0 + receivedAt + minutes(1) + seconds(1)),
          operation: { id: operation.id, last: true },
        });
        store.add(last, { resource, visibleAtMs: t0 + receivedAt + minutes(1) + seconds(4) });
        served.push(last);
      }
    };
    for (let minute = 0; minute < 20; minute += 1) {
      for (let i = 0; i < 16; i += 1) {
        const template = (i % 2 === 0 ? matching : other)[
          (minute * 16 + i) % (i % 2 === 0 ? matching.length : other.length)
        ];
        const resource = i % 5 === 0 ? organization : view;
        // every 7th entry becomes queryable only 90–240 s after it arrived: inside the 5-minute overlap
        const lateBy = (minute * 16 + i) % 7 === 0 ? seconds(90 + ((minute * 16 + i) % 151)) : seconds(3);
        put(template as EntryTemplate, resource, minutes(minute) + seconds(i * 3.5), lateBy);
      }
      if (minute % 4 === 1) {
        const entry = malformedEntry(
          matching[minute % matching.length] as EntryTemplate,
          {
            insertId: `bad-${minute}`,
            timestamp: new Date(t0 + minutes(minute) + seconds(50)),
            receiveTimestamp: new Date(t0 + minutes(minute) + seconds(51)),
          },
          minute,
        );
        store.add(entry, { resource: view });
        malformed.push(entry);
      }
    }
    // faults: a 429 on a second page, one 500 (retried), three 503 in a row (the run gives up)
    store.fail(429, { when: (request) => request.pageToken !== undefined && store.calls.length > 10 });
    store.fail(500, { when: () => store.calls.length > 20 });
    store.fail(503, { times: 3, when: () => store.calls.length > 40 });
    // Act: one run a minute until everything is visible and the overlap has passed
    const runs: { minute: number; ms: number; stopped: string[] }[] = [];
    for (let minute = 1; minute <= 28; minute += 1) {
      now = t0 + minutes(minute) + seconds(5);
      const started = performance.now();
      const report = await handler({}, lambdaContext());
      runs.push({
        minute,
        ms: performance.now() - started,
        stopped: report.resources.flatMap((r) => (r.stopped ? [`${r.resource}:${r.stopped}`] : [])),
      });
    }
    // Assess
    const messages = await drain(clients, subscriber.url);
    const published = messages.map((message) => (JSON.parse(message.Body ?? '{}') as { id: string }).id);
    const expected = findingIdsOf(served);
    const unique = new Set(published);
    const figures = {
      entriesStored: served.length + malformed.length,
      entriesServed: [...store.served.values()].reduce((sum, n) => sum + n, 0),
      distinctEntriesServed: store.served.size,
      findingsExpected: expected.size,
      published: published.length,
      duplicates: published.length - unique.size,
      losses: [...expected].filter((id) => !unique.has(id)).length,
      unexpected: [...unique].filter((id) => !expected.has(id)).length,
      malformed: malformed.length,
      lateEntries: late.length,
      lateEntriesWithFindings: late.filter((entry) => findingIdsOf([entry]).size > 0).length,
      longRunningOperations: served.filter((entry) => (entry.operation as { last?: boolean } | undefined)?.last).length,
      apiCalls: store.calls.length,
      statuses: Object.fromEntries([429, 500, 503].map((s) => [s, store.calls.filter((c) => c.status === s).length])),
      stops: runs.flatMap((run) => run.stopped.map((stop) => `minute ${run.minute} ${stop}`)),
      slowestRunMs: Math.round(Math.max(...runs.map((run) => run.ms))),
    };
    console.info(`[gcp-poller fault test] ${JSON.stringify(figures)}`);
    const lost = served.filter((entry) => [...findingIdsOf([entry])].some((id) => !unique.has(id)));
    if (lost.length > 0)
      console.info(`[gcp-poller fault test] lost: ${lost.map((entry) => entry.insertId).join(', ')}`);
    const dlq = await drain(clients, deadLetters.url);
    const letters = dlq.map(
      (message) =>
        JSON.parse(message.Body ?? '{}') as { location: string; source: string; record: { insertId: string } },
    );
    expect(figures.statuses).toEqual({ 429: 1, 500: 1, 503: 3 });
    expect(figures.stops.some((stop) => stop.endsWith(':quota'))).toBe(true);
    expect(figures.stops.some((stop) => stop.endsWith(':server'))).toBe(true);
    expect(expected.size).toBeGreaterThan(100);
    expect(figures.duplicates).toBe(0);
    expect(figures.losses).toBe(0);
    expect(figures.unexpected).toBe(0);
    expect(letters.map((letter) => letter.record.insertId).sort()).toEqual(malformed.map((e) => e.insertId).sort());
    expect(letters.every((letter) => /^entries\[\d+\]$/.test(letter.location))).toBe(true);
    expect(server.exchanges.length).toBeGreaterThan(0);
    expect(server.exchanges[0]?.subjectTokenType).toBe('urn:ietf:params:aws:token-type:aws4_request');
    expect(server.unauthorized).toBe(0);
    const lags = gauges.filter((gauge) => gauge.name === 'PollerLagSeconds').map((gauge) => gauge.value);
    expect(lags.at(-1)).toBe(30);
  });

  it('polls 1,000 entries in one run (timed, not asserted on time)', async () => {
    // Prepare: 1,000 entries that pass the filter (a quarter match a rule) in 8 minutes of one resource
    const resource = 'projects/bench-project';
    const names = new Set(ruleSet.operations('gcp').names);
    const passing = templates.filter((t) =>
      names.has(String((t.entry.protoPayload as JsonObject).methodName).toLowerCase()),
    );
    const matching = passing.filter((t) => t.expect === 'match');
    const benign = passing.filter((t) => t.expect !== 'match');
    const base = t0 + minutes(120);
    const entries = Array.from({ length: 1_000 }, (_, i) => {
      const template = (i % 4 === 0 ? matching[i % matching.length] : benign[i % benign.length]) as EntryTemplate;
      const receivedAt = new Date(base + i * 480);
      const entry = stampEntry(template, {
        insertId: `bench-${i}`,
        timestamp: new Date(receivedAt.getTime() - 1_500),
        receiveTimestamp: receivedAt,
      });
      store.add(entry, { resource });
      return entry;
    });
    for (const entry of entries) store.add(entry, { resource: `${resource}-in-memory` });
    const { handler } = buildHandler({ resourceNames: [resource], pageSize: 1_000 });
    const inMemory = buildHandler({ resourceNames: [`${resource}-in-memory`], pageSize: 1_000 }, 'in-memory');
    now = base + minutes(9);
    // Act
    const started = performance.now();
    const report = await handler({}, lambdaContext());
    const elapsed = performance.now() - started;
    const startedInMemory = performance.now();
    const inMemoryReport = await inMemory.handler({}, lambdaContext());
    const elapsedInMemory = performance.now() - startedInMemory;
    // Assess
    const published = await drain(clients, subscriber.url);
    console.info(
      `[gcp-poller 1,000 entries] one run: ${Math.round(elapsed)} ms for ${report.totals.entries} entries in ` +
        `${report.totals.pages} page(s), ${report.totals.findings} findings published to SNS in moto; ` +
        `${Math.round(elapsedInMemory)} ms with in-memory claims and notifier (${inMemoryReport.totals.findings} findings)`,
    );
    expect(report.totals.entries).toBe(1_000);
    expect(published).toHaveLength(findingIdsOf(entries).size);
  });

  it('runs from the Lambda environment: credential config from Secrets Manager, findings to SNS', async () => {
    // Prepare
    const resource = 'projects/smoke-project';
    const secrets = new SecretsManagerClient({});
    const { ARN } = await secrets.send(
      new CreateSecretCommand({
        Name: 'tamperwatch-test-gcp-credentials',
        SecretString: JSON.stringify(credentialConfig(server.tokenUrl)),
      }),
    );
    now = Date.now();
    const entry = stampEntry(templates.find((t) => t.expect === 'match') as EntryTemplate, {
      insertId: 'smoke-1',
      timestamp: new Date(now - seconds(95)),
      receiveTimestamp: new Date(now - seconds(90)),
    });
    store.add(entry, { resource, visibleAtMs: now - seconds(80) });
    process.env.TW_GCP_CONFIG = JSON.stringify({
      projectId: 'central-logs',
      resourceNames: [resource],
      credential: { secretArn: ARN },
      deadLetterQueueUrl: deadLetters.url,
      apiEndpoint: server.baseUrl,
    });
    const { handler } = await import('../../functions/handlers/gcp-poller.js');
    // Act
    const report = await handler({}, lambdaContext());
    // Assess
    const messages = await drain(clients, subscriber.url);
    expect(report.totals.published).toBe(1);
    expect(messages.map((message) => JSON.parse(message.Body ?? '{}').id)).toEqual([...findingIdsOf([entry])]);
    expect(report.resources[0]?.checkpoint).toBeDefined();
  });
});

describe.skipIf(endpoint === '')('DynamoDbCheckpointStore on moto', () => {
  const key = { provider: 'gcp', resource: 'projects/p' };
  let store: DynamoDbCheckpointStore;

  beforeAll(async () => {
    const clients = clientsFor(endpoint);
    store = new DynamoDbCheckpointStore(clients.dynamodb, await createTable(clients, 'tamperwatch-checkpoint-test'));
  });

  it('creates, reads and advances a checkpoint conditionally on the value it read', async () => {
    // Prepare
    const now = new Date('2026-11-24T10:00:00Z');
    // Act
    const first = await store.advance(
      key,
      undefined,
      { position: '2026-11-24T09:59:30.000Z', state: '{"seen":[]}' },
      now,
    );
    const read = await store.read(key);
    const second = await store.advance(key, read, { position: '2026-11-24T10:00:30.000Z' }, now);
    // Assess
    expect(read).toEqual({
      ...key,
      position: '2026-11-24T09:59:30.000Z',
      state: '{"seen":[]}',
      version: 1,
      updatedAt: now.toISOString(),
    });
    expect(first.version).toBe(1);
    expect(second.version).toBe(2);
    expect((await store.read(key))?.state).toBeUndefined();
  });

  it('refuses a write based on a value that changed since it was read', async () => {
    // Prepare
    const now = new Date('2026-11-24T10:01:00Z');
    const current = await store.read(key);
    await store.advance(key, current, { position: '2026-11-24T10:01:30.000Z' }, now);
    // Act, Assess
    await expect(store.advance(key, current, { position: '2026-11-24T10:02:00.000Z' }, now)).rejects.toBeInstanceOf(
      CheckpointConflictError,
    );
    await expect(store.advance(key, undefined, { position: '2026-11-24T10:02:00.000Z' }, now)).rejects.toThrow(
      'checkpoint gcp#projects/p changed since it was read',
    );
    expect((await store.read(key))?.position).toBe('2026-11-24T10:01:30.000Z');
  });

  it('has nothing for a key never written', async () => {
    expect(await store.read({ provider: 'azure', resource: 'unknown' })).toBeUndefined();
  });
});
