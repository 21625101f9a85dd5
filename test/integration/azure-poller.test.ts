import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { AzureActivityLogs, type AzureAuth } from '../../functions/clients/azure-logs.js';
import { SqsDeadLetterSink } from '../../functions/clients/dead-letter-queue.js';
import { webIdentityTokenSource } from '../../functions/clients/sts-token.js';
import { detect } from '../../functions/core/detect.js';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';
import { activityQuery, defaultPollLimits } from '../../functions/core/sources/azure/poll-query.js';
import {
  type AzurePollerHandler,
  createAzurePollerHandler,
  serviceName,
} from '../../functions/handlers/azure-poller.js';
import { loadRules } from '../../functions/load-rules.js';
import { SnsNotifier } from '../../functions/notifier/sns-notifier.js';
import type {
  Checkpoint,
  CheckpointKey,
  CheckpointStore,
  CheckpointUpdate,
} from '../../functions/stores/checkpoint-port.js';
import { DynamoDbCheckpointStore } from '../../functions/stores/checkpoint-store.js';
import { DynamoDbDedupStore } from '../../functions/stores/dedup-store.js';
import { activityRows, corpusRecords, ruleCaseRecords, seededRandom } from '../helpers/azure-activity-rows.js';
import { type ActivityRow, FakeWorkspace } from '../helpers/azure-workspace.js';
import { type FakeSts, startFakeSts } from '../helpers/fake-sts.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import { type Clients, clientsFor, createTable, createTopic, drain, subscribeQueue } from './aws-fixture.js';
import { type FakeAzure, selfSignedCertificate, startFakeAzure } from './azure-fake-api.js';

const endpoint = inject('motoEndpoint');
const tls = selfSignedCertificate();
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '0f5b2a1c-3d4e-4f60-8a7b-9c0d1e2f3a4b';
const clientSecret = 'an-entra-client-secret';
const workspaceA = 'a1a1a1a1-0000-4000-8000-00000000000a';
const workspaceB = 'b2b2b2b2-0000-4000-8000-00000000000b';
const workspaceC = 'c3c3c3c3-0000-4000-8000-00000000000c';
const { ruleSet } = loadRules([fileURLToPath(new URL('../../rules/azure', import.meta.url))]);
const t0 = new Date('2026-11-24T10:00:00Z');
const minutes = (n: number): Date => new Date(t0.getTime() + n * 60_000);

/** The DynamoDB checkpoint store, with a crash (after publishing, before the write) on demand. */
class CrashingCheckpoints implements CheckpointStore {
  crashOn: string | undefined;
  crashes = 0;
  constructor(private readonly inner: CheckpointStore) {}
  read(key: CheckpointKey): Promise<Checkpoint | undefined> {
    return this.inner.read(key);
  }
  advance(key: CheckpointKey, previous: Checkpoint | undefined, update: CheckpointUpdate, now: Date) {
    if (key.resource !== this.crashOn) return this.inner.advance(key, previous, update, now);
    this.crashOn = undefined;
    this.crashes += 1;
    return Promise.reject(new Error('simulated crash before the checkpoint write'));
  }
}

/** The findings the engine makes of every row stored in the workspaces: what must arrive on SNS, once each. */
const expectedFindingsOf = (rows: readonly ActivityRow[]): Set<string> => {
  const events = rows.flatMap((row) =>
    eventsFromValue(row, 'expected').flatMap((item) => (item.kind === 'event' ? [item.event] : [])),
  );
  return new Set(detect(events, ruleSet, t0, 'poll').findings.map((finding) => finding.id));
};
const expectedFindings = (workspaces: readonly FakeWorkspace[]): Set<string> =>
  expectedFindingsOf(workspaces.flatMap((workspace) => workspace.rows.map(({ row }) => row)));

const skipReason =
  endpoint === '' ? `moto_server: ${inject('motoSkipReason')}` : typeof tls === 'string' ? tls : undefined;
if (skipReason !== undefined && process.env.CI === 'true')
  throw new Error(`the Azure poller integration test cannot run: ${skipReason}`);
if (skipReason !== undefined) console.warn(`[integration] skipping the Azure poller test: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('Azure poller: real query client, local Azure, moto SNS', () => {
  let clients: Clients;
  let fake: FakeAzure;
  let sts: FakeSts;
  let table: string;
  let topicArn: string;
  let subscriber: { url: string; arn: string };
  let deadLetters: { url: string };
  let now = t0;
  const logger = new Logger({ serviceName, logLevel: 'SILENT' });
  const malformedLogs = vi.spyOn(logger, 'error');

  const logsWith = (auth: AzureAuth) =>
    new AzureActivityLogs({
      tenantId,
      clientId,
      auth,
      endpoint: `${fake.url}/v1`,
      authorityHost: fake.url,
      disableInstanceDiscovery: true, // instance discovery asks login.microsoftonline.com, never a loopback host
      trustedCa: fake.ca,
      serverTimeoutSeconds: 30,
    });

  const handlerFor = (workspaceIds: string[], checkpoints: CheckpointStore): AzurePollerHandler =>
    createAzurePollerHandler({
      workspaceIds,
      operations: ruleSet.operations('azure'),
      limits: defaultPollLimits,
      maxThrottles: 3,
      ruleSet,
      suppressions: [],
      logs: logsWith({ mode: 'secret', secret: async () => clientSecret }),
      checkpoints,
      deadLetters: new SqsDeadLetterSink(clients.sqs, deadLetters.url),
      dedup: new DynamoDbDedupStore(clients.dynamodb, table, { ttlSeconds: 7 * 86_400, staleAfterSeconds: 60 }),
      notifier: new SnsNotifier(clients.sns as SNSClient, topicArn),
      clock: () => now,
      sleep: async () => undefined,
      logger,
      metrics: new Metrics({ namespace: 'tamperwatch', serviceName }),
      reserveMs: 0,
    });

  const setNow = (date: Date) => {
    now = date;
    for (const workspace of fake.workspaces.values()) workspace.now = date;
  };

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    clients = clientsFor(endpoint);
    table = await createTable(clients, 'tamperwatch-azure-test-state');
    topicArn = await createTopic(clients, 'tamperwatch-azure-test-findings');
    subscriber = await subscribeQueue(clients, topicArn, 'tamperwatch-azure-test-alerts');
    const { QueueUrl } = await clients.sqs.send(
      new CreateQueueCommand({ QueueName: 'tamperwatch-azure-test-poller-dlq' }),
    );
    deadLetters = { url: QueueUrl ?? '' };
    fake = await startFakeAzure(tls as { cert: string; key: string }, clientSecret);
    sts = await startFakeSts();
  });
  afterAll(async () => {
    await fake?.close();
    await sts?.close();
  });

  it('delivers every finding once through a partial failure, throttling, a malformed row, late rows and a crash', async () => {
    // Prepare: every Azure rule case and corpus record as AzureActivity rows (start + final), spread over 40
    // minutes in two workspaces, a 5-minute storm of 120 extra rule hits in A, one row that is no Activity Log record.
    const random = seededRandom(7);
    const a = new FakeWorkspace(100);
    const b = new FakeWorkspace(100);
    fake.workspaces.set(workspaceA, a);
    fake.workspaces.set(workspaceB, b);
    const sources = [...ruleCaseRecords(), ...corpusRecords()];
    const lateness = () => (random() < 0.1 ? 100_000 + random() * 70_000 : 10_000 + random() * 50_000);
    activityRows(sources, 1).forEach(({ start, final }, index) => {
      const workspace = index % 2 === 0 ? a : b;
      const ingested = new Date(t0.getTime() + (index * 40 * 60_000) / sources.length);
      workspace.add(start, new Date(ingested.getTime() - 5_000), lateness());
      workspace.add(final, ingested, lateness());
    });
    const hits = ruleCaseRecords().filter((source) => source.expect === 'match');
    activityRows([...hits, ...hits], 2)
      .slice(0, 120)
      .forEach(({ final }, index) => {
        a.add(final, new Date(minutes(20).getTime() + index * 2_500), lateness());
      });
    const broken: ActivityRow = { ...(a.rows[0]?.row as ActivityRow), OperationNameValue: '', EventDataId: 'broken' };
    b.add(broken, minutes(15));
    const expected = expectedFindings([a, b]);
    const checkpoints = new CrashingCheckpoints(new DynamoDbCheckpointStore(clients.dynamodb, table));
    const handler = handlerFor([workspaceA, workspaceB], checkpoints);
    let failedRuns = 0;
    let absorbedByDedup = 0;
    // Act: the schedule, every 2 minutes for 52 minutes; a throttle burst before run 6, a crash in run 9.
    for (let run = 1; run <= 26; run += 1) {
      setNow(minutes(2 * run));
      if (run === 6) fake.throttleNext(4);
      if (run === 9) checkpoints.crashOn = workspaceB;
      await handler({}, lambdaContext())
        .then(({ workspaces }) => {
          absorbedByDedup += workspaces.reduce((sum, report) => sum + report.duplicateFindings, 0);
        })
        .catch(() => {
          failedRuns += 1;
        });
    }
    const messages = await drain(clients, subscriber.url);
    const parked = (await drain(clients, deadLetters.url)).map(
      (m) => JSON.parse(m.Body ?? '{}') as Record<string, unknown>,
    );
    // Assess
    const published = messages.map((m) => (JSON.parse(m.Body ?? '{}') as { id: string }).id);
    const unique = new Set(published);
    const figures = {
      rowsStored: a.rows.length + b.rows.length,
      rowsServed: fake.queries.reduce((sum, q) => sum + q.rows, 0),
      queries: fake.queries.length,
      partialFailures: fake.queries.filter((q) => q.partial).length,
      throttled: fake.queries.filter((q) => q.status === 429).length,
      malformedReported: malformedLogs.mock.calls.filter(([message]) => message === 'malformed row').length,
      rowsParkedInDlq: parked.length,
      crashes: checkpoints.crashes,
      failedRuns,
      absorbedByDedup,
      findingsExpected: expected.size,
      findingsPublished: published.length,
      duplicates: published.length - unique.size,
      losses: [...expected].filter((id) => !unique.has(id)).length,
      unexpected: [...unique].filter((id) => !expected.has(id)).length,
    };
    console.info(`[azure-poller] fault test: ${JSON.stringify(figures)}`);
    expect(figures).toMatchObject({
      duplicates: 0,
      losses: 0,
      unexpected: 0,
      malformedReported: 1,
      rowsParkedInDlq: 1,
      crashes: 1,
    });
    expect(parked[0]).toMatchObject({
      kind: 'unreadable-record',
      provider: 'azure',
      resource: workspaceB,
      location: expect.stringMatching(/^tables\[0\]\.rows\[\d+\]$/),
      record: expect.objectContaining({ EventDataId: 'broken', OperationNameValue: '' }),
    });
    expect(figures.partialFailures).toBeGreaterThan(0);
    expect(figures.throttled).toBe(4);
    expect(figures.findingsPublished).toBe(expected.size);
    expect(malformedLogs).toHaveBeenCalledWith('malformed row', {
      workspaceId: workspaceB,
      location: expect.stringMatching(/^tables\[0\]\.rows\[\d+\]$/),
      error: expect.stringContaining('not an Azure Activity Log record'),
    });
    const caughtUp = await new DynamoDbCheckpointStore(clients.dynamodb, table).read({
      provider: 'azure',
      resource: workspaceA,
    });
    expect(caughtUp?.position).toBe(minutes(51).toISOString());
    expect(fake.requests).toContain(`GET /${tenantId}/v2.0/.well-known/openid-configuration`);
    expect(fake.tokenRequests[0]?.form.get('client_secret')).toBe(clientSecret);
  });

  it('signs in with a client assertion from STS GetWebIdentityToken instead of a secret', async () => {
    // Prepare
    const stsClient = new STSClient({
      endpoint: sts.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const logs = logsWith({ mode: 'federated', assertion: webIdentityTokenSource(stsClient) });
    const window = { start: minutes(0), end: minutes(10) };
    // Act
    const outcome = await logs.query(workspaceA, activityQuery(window, ruleSet.operations('azure'), defaultPollLimits));
    // Assess
    expect(outcome.kind).toBe('complete');
    const form = fake.tokenRequests.at(-1)?.form;
    expect(sts.tokens).toContain(form?.get('client_assertion'));
    expect(form?.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form?.get('client_secret')).toBeNull();
    expect(sts.requests.at(-1)?.get('Audience.member.1')).toBe('api://AzureADTokenExchange');
  });

  it('polls a window of 1,000 rows in one query (time logged, not asserted)', async () => {
    // Prepare: 1,000 final rows ingested over 10 minutes, 2 % of them rule hits (a busy tenant's admin traffic is
    // mostly benign); the checkpoint sits at their start.
    const workspace = new FakeWorkspace();
    fake.workspaces.set(workspaceC, workspace);
    const fires = (row: ActivityRow) => expectedFindingsOf([row]).size > 0;
    const sources = [...ruleCaseRecords(), ...corpusRecords()];
    const pool = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((round) => activityRows(sources, 100 + round).map((r) => r.final));
    const rows = [...pool.filter((row) => !fires(row)).slice(0, 980), ...pool.filter(fires).slice(0, 20)];
    const start = minutes(100);
    rows.forEach((row, index) => {
      workspace.add(row, new Date(start.getTime() + 1_000 + index * 590), 5_000);
    });
    const checkpoints = new DynamoDbCheckpointStore(clients.dynamodb, table);
    await checkpoints.advance(
      { provider: 'azure', resource: workspaceC },
      undefined,
      { position: start.toISOString() },
      start,
    );
    const handler = handlerFor([workspaceC], checkpoints);
    setNow(minutes(111));
    await handlerFor([workspaceA], checkpoints)({}, lambdaContext()).catch(() => undefined); // warm: token, TLS
    const logs = logsWith({ mode: 'secret', secret: async () => clientSecret });
    const request = activityQuery({ start, end: minutes(110) }, ruleSet.operations('azure'), defaultPollLimits);
    await logs.query(workspaceC, request);
    // Act
    const queryBegan = performance.now();
    const outcome = await logs.query(workspaceC, request);
    const queryMs = performance.now() - queryBegan;
    const began = performance.now();
    const { workspaces } = await handler({}, lambdaContext());
    const elapsed = performance.now() - began;
    // Assess
    const [report] = workspaces;
    console.info(
      `[azure-poller] one poll of ${report?.rows} rows: ${elapsed.toFixed(0)} ms end to end (the query alone: ${queryMs.toFixed(0)} ms; ${report?.published} findings claimed in DynamoDB and published to SNS, both on moto)`,
    );
    expect(outcome).toMatchObject({ kind: 'complete' });
    expect(report).toMatchObject({ rows: 1_000, windows: 1, events: 1_000, published: 20, error: undefined });
  });
});
