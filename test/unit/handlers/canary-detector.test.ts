import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { canaryRuleOf } from '../../../functions/core/canary.js';
import type { RuleSet } from '../../../functions/core/sigma/rule-set.js';
import { createQueueHandler } from '../../../functions/handlers/cloudtrail-queue.js';
import { loadRules } from '../../../functions/load-rules.js';
import { arrivalKey } from '../../../functions/tamper-evidence/canary-arrival.js';
import {
  cloudTrailRecord,
  eventBridgeEnvelope,
  sqsEventOf,
  sqsRecordFactory,
} from '../../helpers/cloudtrail-event-factory.js';
import { InMemoryCheckpointStore } from '../../helpers/in-memory-checkpoint-store.js';
import { InMemoryDedupStore } from '../../helpers/in-memory-dedup-store.js';
import { lambdaContext } from '../../helpers/lambda-context.js';
import { RecordingNotifier } from '../../helpers/recording-notifier.js';
import { fakePowertools } from '../../helpers/watchdog-powertools.js';

const rulesDir = fileURLToPath(new URL('../../../rules/aws', import.meta.url));
const receivedAt = new Date('2026-11-24T10:02:41Z');

const canaryEnvelope = (eventID: string, eventTime: string) =>
  JSON.stringify(
    eventBridgeEnvelope({
      ...cloudTrailRecord({ eventID, eventName: 'PutParameter', eventSource: 'ssm.amazonaws.com', eventTime }),
      requestParameters: { name: 'tamperwatch-prod-canary', type: 'String', overwrite: true },
      responseElements: { version: 42, tier: 'Standard' },
    }),
  );

let ruleSet: RuleSet;
beforeAll(() => {
  ruleSet = loadRules([rulesDir]).ruleSet;
});

describe('Detector handler: canary arrivals', () => {
  it('records the canary as a heartbeat with its latency, publishes nothing for it, and still alerts on the rest', async () => {
    // Prepare
    const notifier = new RecordingNotifier();
    const checkpoints = new InMemoryCheckpointStore();
    const powertools = fakePowertools();
    const handler = createQueueHandler({
      ruleSet,
      suppressions: [],
      dedup: new InMemoryDedupStore(),
      notifier,
      clock: () => receivedAt,
      logger: powertools.logger,
      metrics: powertools.metricsPort,
      canary: { rule: canaryRuleOf(ruleSet), checkpoints },
    });
    const event = sqsEventOf(
      sqsRecordFactory(canaryEnvelope('canary-1', '2026-11-24T10:02:11Z'), 'm-1'),
      sqsRecordFactory(JSON.stringify(eventBridgeEnvelope(cloudTrailRecord({ eventID: 'stop-1' }))), 'm-2'),
    );
    // Act
    const response = await handler(event, lambdaContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(notifier.messages.map((message) => JSON.parse(message.body).event.id)).toEqual(['stop-1']);
    expect(powertools.metrics.filter((metric) => metric.dimensions.region !== undefined)).toEqual([
      { name: 'Heartbeat', unit: 'Count', value: 1, dimensions: { region: 'eu-west-1' } },
      { name: 'CanaryLatencySeconds', unit: 'Seconds', value: 30, dimensions: { region: 'eu-west-1' } },
    ]);
    expect((await checkpoints.read(arrivalKey('111122223333', 'eu-west-1')))?.position).toBe(
      '2026-11-24T10:02:11.000Z',
    );
  });

  it('never moves the arrival back for an older, redelivered canary event', async () => {
    // Prepare
    const checkpoints = new InMemoryCheckpointStore();
    const powertools = fakePowertools();
    const handler = createQueueHandler({
      ruleSet,
      suppressions: [],
      dedup: new InMemoryDedupStore(),
      notifier: new RecordingNotifier(),
      clock: () => receivedAt,
      logger: powertools.logger,
      metrics: powertools.metricsPort,
      canary: { rule: canaryRuleOf(ruleSet), checkpoints },
    });
    // Act
    await handler(
      sqsEventOf(sqsRecordFactory(canaryEnvelope('canary-2', '2026-11-24T10:02:11Z'), 'm-1')),
      lambdaContext(),
    );
    await handler(
      sqsEventOf(sqsRecordFactory(canaryEnvelope('canary-1', '2026-11-24T09:57:11Z'), 'm-2')),
      lambdaContext(),
    );
    // Assess
    expect((await checkpoints.read(arrivalKey('111122223333', 'eu-west-1')))?.position).toBe(
      '2026-11-24T10:02:11.000Z',
    );
    expect(checkpoints.writes).toHaveLength(1);
  });
});
