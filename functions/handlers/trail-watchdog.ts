import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { CloudTrailRegion } from '../clients/cloudtrail.js';
import { KmsKeyReader } from '../clients/kms.js';
import { loadSuppressions } from '../config/load-suppressions.js';
import { loadRuntimeConfig } from '../config/runtime-config.js';
import { loadWatchdogSettings } from '../config/tamper-config.js';
import { lookupNames, lookupSources, routineNames } from '../core/backfill-plan.js';
import { canaryRuleName, canaryRuleOf } from '../core/canary.js';
import { RuleSetError } from '../core/sigma/errors.js';
import { loadRules, readRuleSources } from '../load-rules.js';
import { SnsNotifier } from '../notifier/sns-notifier.js';
import type { PipelineOptions } from '../pipeline.js';
import { accountOf, powertoolsTelemetry } from '../powertools-telemetry.js';
import { DynamoDbCheckpointStore } from '../stores/checkpoint-store.js';
import { DynamoDbDedupStore } from '../stores/dedup-store.js';
import { type KeyReport, type KeyWatchPorts, type KeyWatchSettings, watchKeys } from '../tamper-evidence/key-watch.js';
import {
  type RegionReport,
  type WatchdogPorts,
  type WatchdogSettings,
  watchTrails,
} from '../tamper-evidence/trail-watch.js';

type WatchdogHandlerDeps = Omit<WatchdogSettings, 'account' | 'deadline'> &
  Omit<KeyWatchSettings, 'account'> &
  Omit<PipelineOptions, 'channel'> &
  Omit<WatchdogPorts, 'telemetry'> &
  Pick<KeyWatchPorts, 'kms'> & {
    readonly logger: Logger;
    readonly metrics: Metrics;
    /** Time kept back from the invocation's budget for the last lookups, publishing and the state write. */
    readonly reserveMs: number;
  };
type WatchdogHandler = (event: unknown, context: Context) => Promise<{ regions: RegionReport[]; keys: KeyReport[] }>;

/** The watchdog's metric dimension (`service`); infra/constructs/trail-watchdog.ts alarms on the same. */
const serviceName = 'tamperwatch-trail-watchdog';

/**
 * One run per schedule (DESIGN §9.1): tamperwatch's own KMS keys first (a few DescribeKey calls), then the regions. A
 * key or region that could not be checked, or whose health finding was not published, fails the invocation (after the
 * others), so the function's error alarm reaches the ops topic even when the findings topic's key is disabled.
 */
const createWatchdogHandler = (deps: WatchdogHandlerDeps): WatchdogHandler => {
  const telemetry = powertoolsTelemetry(deps.metrics, deps.logger);
  return async (_event, context) => {
    deps.logger.addContext(context);
    const deadline = deps.clock().getTime() + context.getRemainingTimeInMillis() - deps.reserveMs;
    try {
      const settings = { ...deps, account: accountOf(context.invokedFunctionArn), deadline };
      const keys = await watchKeys(settings, { ...deps, telemetry });
      for (const report of keys) deps.logger.info('key checked', { ...report });
      const regions = await watchTrails(settings, deps, { ...deps, telemetry });
      for (const report of regions) deps.logger.info('region checked', { ...report });
      const failed = [
        ...keys.flatMap((r) => (r.error === undefined ? [] : [`${r.arn}: ${r.error}`])),
        ...regions.flatMap((r) => (r.error === undefined ? [] : [`${r.region}: ${r.error}`])),
      ];
      if (failed.length > 0) throw new Error(failed.join('; '));
      return { regions, keys };
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
};

/** Wiring from the environment, once per cold start: bad rules or configuration fail the init. */
const createDefaultHandler = (): WatchdogHandler => {
  const config = loadRuntimeConfig();
  const watchdog = loadWatchdogSettings();
  const { ruleSet, errors } = loadRules([config.rulesDir]);
  if (errors.length > 0) throw new RuleSetError(errors);
  const logger = new Logger({ serviceName });
  const sources = readRuleSources([config.rulesDir]);
  const all = lookupNames(sources, [canaryRuleName]);
  const bySource = lookupSources(sources, [canaryRuleName]);
  const routine = routineNames(watchdog.routineNames, all);
  if (routine.unknown.length > 0) logger.warn('routine names no rule matches', { names: routine.unknown });
  if (bySource.unconstrained.length > 0)
    logger.warn('rules without event name or source: backfill cannot look them up', { rules: bySource.unconstrained });
  const dynamodb = new DynamoDBClient({});
  const regions = new Map<string, CloudTrailRegion>();
  return createWatchdogHandler({
    regions: watchdog.regions,
    keyArns: watchdog.keyArns,
    kms: new KmsKeyReader((region) => new KMSClient(region === undefined ? {} : { region })),
    maxDeliveryAgeMs: watchdog.maxDeliveryAgeMinutes * 60_000,
    names: { routine: routine.names, all, sources: bySource.sources },
    backfill: {
      overlapMs: watchdog.overlapMinutes * 60_000,
      initialLookbackMs: watchdog.initialLookbackMinutes * 60_000,
      settleMs: watchdog.settleSeconds * 1_000,
    },
    ruleSet,
    suppressions: loadSuppressions(config.suppressionsFile),
    cloudtrail: (region) => {
      const known = regions.get(region) ?? new CloudTrailRegion(new CloudTrailClient({ region }));
      regions.set(region, known);
      return known;
    },
    checkpoints: new DynamoDbCheckpointStore(dynamodb, config.stateTable),
    canaryRule: canaryRuleOf(ruleSet),
    dedup: new DynamoDbDedupStore(dynamodb, config.stateTable, {
      ttlSeconds: config.dedupTtlSeconds,
      staleAfterSeconds: config.claimStaleSeconds,
    }),
    notifier: new SnsNotifier(new SNSClient({}), config.topicArn),
    clock: () => new Date(),
    logger,
    metrics: new Metrics({ namespace: 'tamperwatch', serviceName }),
    reserveMs: 20_000,
  });
};

let defaultHandler: WatchdogHandler | undefined;

/** The Lambda entry point (`handler`), invoked by EventBridge Scheduler every `watchdogRate`. */
const handler: WatchdogHandler = async (event, context) => {
  defaultHandler ??= createDefaultHandler();
  return defaultHandler(event, context);
};

export { createWatchdogHandler, handler, serviceName, type WatchdogHandler, type WatchdogHandlerDeps };
