import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RuleSet } from '../../../functions/core/sigma/rule-set.js';
import { createQueueHandler } from '../../../functions/handlers/cloudtrail-queue.js';
import { loadRules, rulePackFile, rulePackOf } from '../../../functions/load-rules.js';
import {
  cloudTrailRecord,
  eventBridgeEnvelope,
  sqsEventOf,
  sqsRecordFactory,
} from '../../helpers/cloudtrail-event-factory.js';
import { InMemoryDedupStore } from '../../helpers/in-memory-dedup-store.js';
import { lambdaContext } from '../../helpers/lambda-context.js';
import { RecordingNotifier } from '../../helpers/recording-notifier.js';
import { fakePowertools } from '../../helpers/watchdog-powertools.js';

const rulesDir = fileURLToPath(new URL('../../helpers/fixture-rules', import.meta.url));

let ruleSet: RuleSet;
beforeAll(() => {
  ruleSet = loadRules([rulesDir]).ruleSet;
});

const body = (eventID: string, eventName = 'StopLogging') =>
  JSON.stringify(eventBridgeEnvelope(cloudTrailRecord({ eventID, eventName })));

const build = () => {
  const notifier = new RecordingNotifier();
  const dedup = new InMemoryDedupStore();
  const powertools = fakePowertools();
  const handler = createQueueHandler({
    ruleSet,
    suppressions: [],
    dedup,
    notifier,
    clock: () => new Date('2026-11-24T10:02:13Z'),
    logger: powertools.logger,
    metrics: powertools.metricsPort,
  });
  return { handler, notifier, dedup, ...powertools };
};

describe('Handler: cloudtrail-queue', () => {
  it('fails only the poison record of a batch; the others are published once', async () => {
    // Prepare
    const { handler, notifier, logs, flushes } = build();
    const event = sqsEventOf(
      sqsRecordFactory(body('e-1'), 'good'),
      sqsRecordFactory('{"not":"cloudtrail"', 'poison'),
      sqsRecordFactory(body('e-1'), 'same-event-again'),
      sqsRecordFactory(body('e-2', 'StartLogging'), 'no-match'),
    );
    // Act
    const response = await handler(event, lambdaContext());
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
    expect(notifier.messages).toHaveLength(1);
    expect(logs.filter((log) => log.level === 'error').map((log) => log.message)).toEqual(['record failed']);
    expect(flushes()).toBe(1);
  });

  it('reports a record whose finding was not published as a batch item failure, and delivers it on retry', async () => {
    // Prepare
    const { handler, notifier, metrics } = build();
    notifier.failNext(1);
    const event = sqsEventOf(sqsRecordFactory(body('e-1'), 'r-1'), sqsRecordFactory(body('e-2'), 'r-2'));
    // Act
    const first = await handler(event, lambdaContext());
    const retry = await handler(sqsEventOf(sqsRecordFactory(body('e-1'), 'r-1', 2)), lambdaContext());
    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(retry.batchItemFailures).toEqual([]);
    expect(notifier.messages).toHaveLength(2);
    expect(metrics.filter((m) => m.name === 'RecordsFailed').map((m) => m.value)).toEqual([1, 0]);
  });

  it('returns failures instead of throwing when the whole batch fails', async () => {
    const { handler } = build();
    const response = await handler(sqsEventOf(sqsRecordFactory('nope', 'p-1')), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'p-1' }] });
  });
});

describe('Handler: cloudtrail-queue, wired from the environment', () => {
  const packOnly = mkdtempSync(join(tmpdir(), 'tw-pack-only-'));
  // Only the pack, no YAML beside it: the rules can come from nowhere else.
  writeFileSync(join(packOnly, rulePackFile), rulePackOf(rulesDir));
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });
  afterAll(() => rmSync(packOnly, { recursive: true, force: true }));

  const stubEnvironment = (overrides: Record<string, string | undefined> = {}) => {
    const values: Record<string, string | undefined> = {
      TW_STAGE: 'test',
      TW_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:tamperwatch-test-findings',
      TW_STATE_TABLE: 'tamperwatch-test-state',
      TW_RULES_DIR: packOnly,
      TW_SUPPRESSIONS_FILE: undefined,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      // Nothing listens here: a claim fails at once, which shows the AWS clients were reached.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
      ...overrides,
    };
    for (const [name, value] of Object.entries(values)) vi.stubEnv(name, value);
  };

  it('compiles the rule pack, passes a quiet batch without AWS, and reaches AWS for a finding', async () => {
    // Prepare
    stubEnvironment();
    const { handler } = await import('../../../functions/handlers/cloudtrail-queue.js');
    // Act
    const quiet = await handler(sqsEventOf(sqsRecordFactory(body('q-1', 'StartLogging'), 'quiet')), lambdaContext());
    const finding = await handler(sqsEventOf(sqsRecordFactory(body('f-1'), 'finding')), lambdaContext());
    // Assess
    expect(quiet).toEqual({ batchItemFailures: [] });
    expect(finding).toEqual({ batchItemFailures: [{ itemIdentifier: 'finding' }] });
  });

  it('fails the invocation on a bad environment and wires itself again on the next one', async () => {
    // Prepare
    stubEnvironment({ TW_TOPIC_ARN: 'not-an-arn' });
    const { handler } = await import('../../../functions/handlers/cloudtrail-queue.js');
    const event = sqsEventOf(sqsRecordFactory(body('q-2', 'StartLogging'), 'quiet'));
    // Act
    const first = handler(event, lambdaContext());
    // Assess
    await expect(first).rejects.toThrow(/TW_TOPIC_ARN/);
    vi.stubEnv('TW_TOPIC_ARN', 'arn:aws:sns:us-east-1:123456789012:tamperwatch-test-findings');
    await expect(handler(event, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });
});
