import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { SsmCanaryWriter } from '../clients/ssm-canary.js';
import { loadRuntimeConfig } from '../config/runtime-config.js';
import { loadCanarySettings } from '../config/tamper-config.js';
import { SnsNotifier } from '../notifier/sns-notifier.js';
import { accountOf, powertoolsTelemetry } from '../powertools-telemetry.js';
import { DynamoDbCheckpointStore } from '../stores/checkpoint-store.js';
import { DynamoDbDedupStore } from '../stores/dedup-store.js';
import { type CanaryPorts, type CanaryReport, type CanarySettings, runCanary } from '../tamper-evidence/canary-run.js';

type CanaryHandlerDeps = Omit<CanarySettings, 'account'> &
  Omit<CanaryPorts, 'telemetry'> & { readonly logger: Logger; readonly metrics: Metrics };
type CanaryHandler = (event: unknown, context: Context) => Promise<{ regions: CanaryReport[] }>;

/** The canary's metric dimension (`service`). */
const serviceName = 'tamperwatch-canary';

/** One round per schedule: judge the previous write, write again; a failed region fails the invocation. */
const createCanaryHandler = (deps: CanaryHandlerDeps): CanaryHandler => {
  const telemetry = powertoolsTelemetry(deps.metrics, deps.logger);
  return async (_event, context) => {
    deps.logger.addContext(context);
    try {
      const regions = await runCanary(
        { ...deps, account: accountOf(context.invokedFunctionArn) },
        { ...deps, telemetry },
      );
      for (const report of regions) deps.logger.info('canary round', { ...report });
      const failed = regions.filter((report) => report.error !== undefined);
      if (failed.length > 0) throw new Error(failed.map((r) => `${r.region}: ${r.error}`).join('; '));
      return { regions };
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
};

/** Wiring from the environment, once per cold start. */
const createDefaultHandler = (): CanaryHandler => {
  const config = loadRuntimeConfig();
  const canary = loadCanarySettings();
  const dynamodb = new DynamoDBClient({});
  return createCanaryHandler({
    regions: canary.regions,
    parameterName: canary.parameterName,
    maxDelayMs: canary.maxDelaySeconds * 1_000,
    writer: new SsmCanaryWriter((region) => new SSMClient({ region }), canary.parameterName, canary.tags),
    checkpoints: new DynamoDbCheckpointStore(dynamodb, config.stateTable),
    dedup: new DynamoDbDedupStore(dynamodb, config.stateTable, {
      ttlSeconds: config.dedupTtlSeconds,
      staleAfterSeconds: config.claimStaleSeconds,
    }),
    notifier: new SnsNotifier(new SNSClient({}), config.topicArn),
    clock: () => new Date(),
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: 'tamperwatch', serviceName }),
  });
};

let defaultHandler: CanaryHandler | undefined;

/** The Lambda entry point (`handler`), invoked by EventBridge Scheduler every canary rate. */
const handler: CanaryHandler = async (event, context) => {
  defaultHandler ??= createDefaultHandler();
  return defaultHandler(event, context);
};

export { type CanaryHandler, type CanaryHandlerDeps, createCanaryHandler, handler, serviceName };
