import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { SqsDeadLetterSink } from '../clients/dead-letter-queue.js';
import { RestLogEntrySource, readGcpCredentials } from '../clients/gcp-logging.js';
import { loadSuppressions } from '../config/load-suppressions.js';
import { loadGcpPollerSettings, loadRuntimeConfig } from '../config/runtime-config.js';
import { RuleSetError } from '../core/sigma/errors.js';
import { loadRules } from '../load-rules.js';
import { SnsNotifier } from '../notifier/sns-notifier.js';
import { type PipelineOptions, type PipelinePorts, runPipeline } from '../pipeline.js';
import {
  type GcpPollPorts,
  type GcpPollReport,
  type GcpPollSettings,
  pollGcp,
  pollSettingsOf,
} from '../pollers/gcp-poll.js';
import type { PollTelemetry } from '../pollers/gcp-window-reader.js';
import { DynamoDbCheckpointStore } from '../stores/checkpoint-store.js';
import { DynamoDbDedupStore } from '../stores/dedup-store.js';

type GcpPollerDeps = Omit<PipelineOptions, 'channel'> &
  Omit<PipelinePorts, 'telemetry'> &
  Omit<GcpPollPorts, 'telemetry' | 'process' | 'remainingMs'> & {
    readonly settings: GcpPollSettings;
    readonly logger: Logger;
    readonly metrics: Metrics;
  };
type GcpPollerHandler = (event: unknown, context: Context) => Promise<GcpPollReport>;

class GcpPollError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GcpPollError';
  }
}

/** The metric dimension `service`; the lag alarm in infra/constructs/gcp-poller.ts names the same. */
const serviceName = 'tamperwatch-gcp-poller';
const requestTimeoutMs = 20_000;

const telemetryOf = ({ logger, metrics }: GcpPollerDeps): PollTelemetry => ({
  count: (name, value, dimension) => {
    if (dimension === undefined) return void metrics.addMetric(name, MetricUnit.Count, value);
    metrics.singleMetric().addDimension(dimension.name, dimension.value).addMetric(name, MetricUnit.Count, value);
  },
  milliseconds: (name, value) => void metrics.addMetric(name, MetricUnit.Milliseconds, value),
  seconds: (name, value) => void metrics.addMetric(name, MetricUnit.Seconds, value),
  warn: (message, details) => logger.warn(message, { ...details }),
  info: (message, details) => logger.info(message, { ...details }),
});

/** One run (DESIGN §1.2): pages → pipeline → checkpoint per resource; a stop that needs a person fails the invocation. */
const createGcpPollerHandler = (deps: GcpPollerDeps): GcpPollerHandler => {
  const telemetry = telemetryOf(deps);
  const options: PipelineOptions = { ruleSet: deps.ruleSet, suppressions: deps.suppressions, channel: 'poll' };
  const pipelinePorts: PipelinePorts = { dedup: deps.dedup, notifier: deps.notifier, clock: deps.clock, telemetry };
  return async (_event, context) => {
    deps.logger.addContext(context);
    try {
      const report = await pollGcp(deps.settings, {
        ...deps,
        telemetry,
        process: (events, receivedAt) => runPipeline(events, receivedAt, options, pipelinePorts),
        remainingMs: () => context.getRemainingTimeInMillis(),
      });
      for (const resource of report.resources) deps.logger.info('resource polled', { ...resource });
      if (report.lagSeconds !== undefined) telemetry.seconds('PollerLagSeconds', report.lagSeconds);
      const failed = report.resources.filter((resource) => resource.stopped !== undefined);
      if (report.failed)
        throw new GcpPollError(failed.map((r) => `${r.resource}: ${r.stopped} (${r.detail ?? ''})`).join('; '));
      return report;
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
};

/** Wiring from the environment, once per cold start: bad rules, configuration or credentials fail the init. */
const createDefaultHandler = async (): Promise<GcpPollerHandler> => {
  const config = loadRuntimeConfig();
  const gcp = loadGcpPollerSettings();
  const { ruleSet, errors } = loadRules([config.rulesDir]);
  if (errors.length > 0) throw new RuleSetError(errors);
  const secrets = { secrets: new SecretsManagerClient({}), ssm: new SSMClient({}) };
  const credentials = await readGcpCredentials(gcp.credential, secrets);
  const dynamodb = new DynamoDBClient({});
  const timing = { ttlSeconds: config.dedupTtlSeconds, staleAfterSeconds: config.claimStaleSeconds };
  return createGcpPollerHandler({
    settings: pollSettingsOf(gcp, ruleSet.operations('gcp'), requestTimeoutMs),
    ruleSet,
    suppressions: loadSuppressions(config.suppressionsFile),
    source: new RestLogEntrySource({
      projectId: gcp.projectId,
      credentials,
      apiEndpoint: gcp.apiEndpoint,
      timeoutMs: requestTimeoutMs,
    }),
    checkpoints: new DynamoDbCheckpointStore(dynamodb, config.stateTable),
    dedup: new DynamoDbDedupStore(dynamodb, config.stateTable, timing),
    notifier: new SnsNotifier(new SNSClient({}), config.topicArn),
    deadLetters: new SqsDeadLetterSink(new SQSClient({}), gcp.deadLetterQueueUrl),
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: 'tamperwatch', serviceName }),
  });
};

let defaultHandler: Promise<GcpPollerHandler> | undefined;

/** The Lambda entry point (`handler`), invoked by EventBridge Scheduler every minute (reserved concurrency 1). */
const handler: GcpPollerHandler = async (event, context) => {
  defaultHandler ??= createDefaultHandler().catch((error: unknown) => {
    defaultHandler = undefined; // a failed cold start (secret not readable yet) is tried again on the next run
    throw error;
  });
  return (await defaultHandler)(event, context);
};

export { createGcpPollerHandler, GcpPollError, type GcpPollerDeps, type GcpPollerHandler, handler };
