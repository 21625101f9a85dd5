import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { AzureActivityLogs } from '../clients/azure-logs.js';
import { SqsDeadLetterSink } from '../clients/dead-letter-queue.js';
import { secretTextSource } from '../clients/secret-text.js';
import { webIdentityTokenSource } from '../clients/sts-token.js';
import { loadSuppressions } from '../config/load-suppressions.js';
import { loadAzurePollerSettings, loadRuntimeConfig } from '../config/runtime-config.js';
import { defaultPollLimits } from '../core/sources/azure/poll-query.js';
import { loadRules } from '../load-rules.js';
import { SnsNotifier } from '../notifier/sns-notifier.js';
import {
  AzurePollError,
  type AzurePollPorts,
  type AzurePollSettings,
  pollAzure,
  type WorkspaceReport,
} from '../pollers/azure-poll.js';
import { DynamoDbCheckpointStore } from '../stores/checkpoint-store.js';
import { DynamoDbDedupStore } from '../stores/dedup-store.js';

type AzurePollerDeps = Omit<AzurePollSettings, 'deadline'> &
  Omit<AzurePollPorts, 'telemetry'> & {
    readonly logger: Logger;
    readonly metrics: Metrics;
    /** Time kept back from the invocation's budget: one query (server timeout) plus publishing. */
    readonly reserveMs: number;
  };
type AzurePollerHandler = (event: unknown, context: Context) => Promise<{ workspaces: WorkspaceReport[] }>;

/** The poller's metric dimension (`service`); the lag alarm in infra/constructs/azure-poller.ts names the same. */
const serviceName = 'tamperwatch-azure-poller';
const serverTimeoutSeconds = 45;

/** One run (DESIGN §1.3): every workspace until caught up or out of time; a failed workspace fails the invocation. */
const createAzurePollerHandler = (deps: AzurePollerDeps): AzurePollerHandler => {
  const telemetry: AzurePollPorts['telemetry'] = {
    count: (name, value, dimension) => {
      if (dimension === undefined) return void deps.metrics.addMetric(name, MetricUnit.Count, value);
      deps.metrics
        .singleMetric()
        .addDimension(dimension.name, dimension.value)
        .addMetric(name, MetricUnit.Count, value);
    },
    milliseconds: (name, value) => void deps.metrics.addMetric(name, MetricUnit.Milliseconds, value),
    seconds: (name, value) => void deps.metrics.addMetric(name, MetricUnit.Seconds, value),
    warn: (message, details) => deps.logger.warn(message, { ...details }),
    error: (message, details) => deps.logger.error(message, { ...details }),
  };
  return async (_event, context) => {
    deps.logger.addContext(context);
    const deadline = new Date(deps.clock().getTime() + context.getRemainingTimeInMillis() - deps.reserveMs);
    try {
      const workspaces = await pollAzure({ ...deps, deadline }, { ...deps, telemetry });
      for (const report of workspaces) deps.logger.info('workspace polled', { ...report });
      const failed = workspaces.filter((report) => report.error !== undefined);
      if (failed.length > 0)
        throw new AzurePollError(`${failed.map((r) => `${r.workspaceId}: ${r.error}`).join('; ')}`);
      return { workspaces };
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
};

/** Wiring from the environment, once per cold start: bad rules or configuration fail the init. */
const createDefaultHandler = (): AzurePollerHandler => {
  const config = loadRuntimeConfig();
  const azure = loadAzurePollerSettings();
  const { ruleSet, errors } = loadRules([config.rulesDir]);
  if (errors.length > 0)
    throw new Error(`${errors.length} rule error(s):\n  ${errors.map((e) => e.message).join('\n  ')}`);
  const dynamodb = new DynamoDBClient({});
  const auth =
    azure.auth === 'secret'
      ? { mode: 'secret' as const, secret: secretTextSource(new SecretsManagerClient({}), azure.secretArn ?? '') }
      : {
          mode: 'federated' as const,
          assertion: webIdentityTokenSource(new STSClient({}), { audience: azure.audience }),
        };
  return createAzurePollerHandler({
    workspaceIds: azure.workspaceIds,
    operations: ruleSet.operations('azure'),
    limits: {
      ...defaultPollLimits,
      overlapMs: azure.overlapMinutes * 60_000,
      initialLookbackMs: azure.initialLookbackMinutes * 60_000,
    },
    maxThrottles: 3,
    ruleSet,
    suppressions: loadSuppressions(config.suppressionsFile),
    logs: new AzureActivityLogs({
      tenantId: azure.tenantId,
      clientId: azure.clientId,
      auth,
      endpoint: azure.endpoint,
      authorityHost: azure.authorityHost,
      serverTimeoutSeconds,
    }),
    checkpoints: new DynamoDbCheckpointStore(dynamodb, config.stateTable),
    deadLetters: new SqsDeadLetterSink(new SQSClient({}), azure.deadLetterQueueUrl),
    dedup: new DynamoDbDedupStore(dynamodb, config.stateTable, {
      ttlSeconds: config.dedupTtlSeconds,
      staleAfterSeconds: config.claimStaleSeconds,
    }),
    notifier: new SnsNotifier(new SNSClient({}), config.topicArn),
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: 'tamperwatch', serviceName }),
    reserveMs: (serverTimeoutSeconds + 15) * 1_000,
  });
};

let defaultHandler: AzurePollerHandler | undefined;

/** The Lambda entry point (`handler`), invoked by EventBridge Scheduler every 2 minutes. */
const handler: AzurePollerHandler = async (event, context) => {
  defaultHandler ??= createDefaultHandler();
  return defaultHandler(event, context);
};

export { type AzurePollerDeps, type AzurePollerHandler, createAzurePollerHandler, handler, serviceName };
