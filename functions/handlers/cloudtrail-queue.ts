import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadSuppressions } from '../config/load-suppressions.js';
import { loadRuntimeConfig } from '../config/runtime-config.js';
import { canaryRuleOf, splitCanary } from '../core/canary.js';
import { RuleSetError } from '../core/sigma/errors.js';
import type { CompiledRule } from '../core/sigma/rule-set.js';
import { deferred, loadOnce } from '../deferred.js';
import { loadRulePack } from '../load-rule-pack.js';
import type { Notifier } from '../notifier/sns-notifier.js';
import { decodeQueueBody, type PipelineOptions, runPipeline, type Telemetry } from '../pipeline.js';
import type { CheckpointStore } from '../stores/checkpoint-port.js';
import type { DedupStore } from '../stores/dedup-store.js';
import { recordCanaryArrivals } from '../tamper-evidence/canary-arrival.js';

type QueueHandlerDeps = Omit<PipelineOptions, 'channel'> & {
  readonly dedup: DedupStore;
  readonly notifier: Notifier;
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Canary writes (DESIGN §9.1): recognised by the canary rule, recorded as a heartbeat, never published. */
  readonly canary?: { readonly rule: CompiledRule | undefined; readonly checkpoints: CheckpointStore };
};
type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const logger = new Logger({ serviceName: 'tamperwatch-detector' });
const metrics = new Metrics({ namespace: 'tamperwatch', serviceName: 'tamperwatch-detector' });

const telemetryOf = (deps: QueueHandlerDeps): Telemetry => ({
  count: (name, value, dimension) => {
    if (dimension === undefined) return void deps.metrics.addMetric(name, MetricUnit.Count, value);
    deps.metrics.singleMetric().addDimension(dimension.name, dimension.value).addMetric(name, MetricUnit.Count, value);
  },
  milliseconds: (name, value) => void deps.metrics.addMetric(name, MetricUnit.Milliseconds, value),
  warn: (message, details) => deps.logger.warn(message, { ...details }),
});

/**
 * SQS batch (EventBridge envelopes of CloudTrail records) → pipeline → `batchItemFailures`. A record fails alone: when
 * its body does not decode (it reaches the DLQ after `maxReceiveCount`) or when one of its findings was not published.
 */
const createQueueHandler = (deps: QueueHandlerDeps): QueueHandler => {
  const telemetry = telemetryOf(deps);
  const ports = { dedup: deps.dedup, notifier: deps.notifier, clock: deps.clock, telemetry };
  const options: PipelineOptions = { ruleSet: deps.ruleSet, suppressions: deps.suppressions, channel: 'realtime' };
  const heartbeat = (region: string, latencySeconds: number): void => {
    deps.metrics.singleMetric().addDimension('region', region).addMetric('Heartbeat', MetricUnit.Count, 1);
    deps.metrics
      .singleMetric()
      .addDimension('region', region)
      .addMetric('CanaryLatencySeconds', MetricUnit.Seconds, latencySeconds);
  };
  return async (event, context) => {
    const receivedAt = deps.clock();
    deps.logger.addContext(context);
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      try {
        const { events, notices } = decodeQueueBody(record.body, `sqs:${record.messageId}`);
        for (const notice of notices) deps.logger.info('record skipped', { messageId: record.messageId, notice });
        const { canary, rest } = splitCanary(events, deps.canary?.rule);
        if (canary.length > 0 && deps.canary !== undefined)
          await recordCanaryArrivals(canary, receivedAt, { checkpoints: deps.canary.checkpoints, heartbeat });
        const result = await runPipeline(rest, receivedAt, options, ports);
        if (result.failed.length > 0) throw new Error(`unpublished findings: ${JSON.stringify(result.failed)}`);
      } catch (error) {
        deps.logger.error('record failed', { messageId: record.messageId, error: error as Error });
        throw error;
      }
    };
    try {
      const processor = new BatchProcessor(EventType.SQS);
      const response = await processPartialResponse(event, recordHandler, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
      deps.metrics.addMetric('RecordsFailed', MetricUnit.Count, response.batchItemFailures.length);
      return response;
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
};

/**
 * Wiring from the environment, once per cold start: bad rules or config fail the init and the messages wait. Rules come
 * from the asset's rule pack (the YAML parser loads only without one); the AWS SDK clients load on the first claim,
 * publish or checkpoint (detector-ports.ts), not before a quiet batch.
 */
const createDefaultHandler = async (): Promise<QueueHandler> => {
  const config = loadRuntimeConfig();
  const { ruleSet, errors } =
    loadRulePack(config.rulesDir) ?? (await import('../load-rules.js')).loadRules([config.rulesDir]);
  if (errors.length > 0) throw new RuleSetError(errors);
  // One DynamoDB and one SNS client for every port, loaded with the first call that needs one (retried if that fails).
  const aws = loadOnce(async () => (await import('../detector-ports.js')).detectorPorts(config));
  return createQueueHandler({
    ruleSet,
    suppressions: loadSuppressions(config.suppressionsFile),
    dedup: deferred(async () => (await aws()).dedup, { claim: true, confirm: true, release: true }),
    canary: {
      rule: canaryRuleOf(ruleSet),
      checkpoints: deferred(async () => (await aws()).checkpoints, { read: true, advance: true }),
    },
    notifier: deferred(async () => (await aws()).notifier, { publish: true }),
    clock: () => new Date(),
    logger,
    metrics,
  });
};

let defaultHandler: Promise<QueueHandler> | undefined;

/** The Lambda entry point (`handler`), wired from the environment on first use; a failed wiring is retried. */
const handler: QueueHandler = async (event, context) => {
  defaultHandler ??= createDefaultHandler().catch((error: unknown) => {
    defaultHandler = undefined;
    throw error;
  });
  return (await defaultHandler)(event, context);
};

export { createQueueHandler, handler, type QueueHandler, type QueueHandlerDeps };
