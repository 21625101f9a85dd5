import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { canaryRuleName } from '../../functions/core/canary.js';
import type { DeployConfig } from '../config.js';
import type { OperationIndex } from '../event-patterns.js';
import { selfProtectionFolder } from '../self-protection.js';
import { HealthAlarms } from './alarms.js';
import { Canary, detectorService } from './canary.js';
import type { CloudTrailIngest } from './cloudtrail-ingest.js';
import { HealthDashboard } from './dashboard.js';
import type { StateTable } from './state-table.js';
import type { FindingsTopic } from './topics.js';
import { TrailWatchdog, watchdogService } from './trail-watchdog.js';

type TamperEvidenceProps = {
  readonly config: DeployConfig;
  readonly projectRoot: string;
  readonly rulesDir: string;
  /** The stage-bound self-protection rules (infra/self-protection.ts), for the watchdog's backfill. */
  readonly ruleOverlay: string | undefined;
  readonly suppressionsFile: string;
  readonly operations: OperationIndex;
  readonly table: StateTable;
  readonly topic: FindingsTopic;
  readonly ingest: CloudTrailIngest;
  readonly detector: LambdaFunction;
};

const pollerServices = { gcp: 'tamperwatch-gcp-poller', azure: 'tamperwatch-azure-poller' } as const;

/** Every KMS key the stack creates (findings topic key, ops topic key, any added later), in construct order. */
const keysOf = (stack: Stack): Key[] =>
  stack.node.findAll().filter((construct): construct is Key => construct instanceof Key);

/**
 * Never silently blind (DESIGN §1.1, §9): the trail watchdog with LookupEvents backfill and the state of the stack's KMS
 * keys, the canary heartbeat, the health alarms on the ops topic and the dashboard. Build it last in the stack: its
 * alarms cover every function and dead-letter queue built before it (the synth fails if one comes after).
 */
class TamperEvidence extends Construct {
  readonly watchdog: TrailWatchdog;
  readonly canary: Canary | undefined;
  readonly alarms: HealthAlarms;
  readonly dashboard: HealthDashboard;

  constructor(scope: Construct, id: string, props: TamperEvidenceProps) {
    super(scope, id);
    const { config } = props;
    const { aws, stage } = config;
    const regions = config.regions ?? [Stack.of(this).region];
    const known = new Set(props.operations.names);
    const routineNames = aws.backfill.routineNames.filter((name) => known.has(name.toLowerCase()));
    const unknown = aws.backfill.routineNames.filter((name) => !known.has(name.toLowerCase()));
    if (unknown.length > 0)
      Annotations.of(this).addWarningV2(
        'tamperwatch:backfill-names',
        `aws.backfill.routineNames not matched by any AWS rule, left out: ${unknown.join(', ')}`,
      );
    const common = {
      stage,
      projectRoot: props.projectRoot,
      runtime: config.runtime,
      logRetention: config.logRetentionDays,
      rulesDir: props.rulesDir,
      suppressionsFile: props.suppressionsFile,
      dedupTtlHours: config.dedupTtlHours,
      regions,
    };
    this.watchdog = new TrailWatchdog(this, 'TrailWatchdog', {
      ...common,
      ruleOverlay: props.ruleOverlay,
      routineNames,
      settings: aws,
    });
    const functions: LambdaFunction[] = [this.watchdog.fn];
    if (aws.canary.enabled) {
      const canaryRule = join(props.projectRoot, props.rulesDir, selfProtectionFolder, `${canaryRuleName}.yml`);
      if (!existsSync(canaryRule))
        Annotations.of(this).addWarningV2(
          'tamperwatch:canary-rule',
          `the canary is on but ${canaryRuleName}.yml is not among the AWS rules: no heartbeat will be recorded and its alarm will fire`,
        );
      this.canary = new Canary(this, 'Canary', {
        ...common,
        rateMinutes: aws.canary.rate,
        maxDelaySeconds: aws.canary.maxDelaySeconds,
      });
      functions.push(this.canary.fn);
    }
    for (const fn of functions) {
      props.table.bindTo(fn);
      props.topic.bindTo(fn);
      if (config.runtime !== 'nodejs24.x')
        Validations.of(fn).acknowledge({
          id: 'AwsSolutions-L1',
          reason: `runtime ${config.runtime} chosen in the tamperwatch context (supported until 2027-04-30); nodejs24.x is the default`,
        });
    }
    const pollers = [
      ...(config.gcp?.enabled === true ? [pollerServices.gcp] : []),
      ...(config.azure?.enabled === true ? [pollerServices.azure] : []),
    ];
    this.alarms = new HealthAlarms(this, 'Alarms', {
      stage,
      emails: aws.alarms.emails,
      ...(aws.alarms.secondTopicArn === undefined ? {} : { secondTopicArn: aws.alarms.secondTopicArn }),
      ingestQueue: props.ingest.queue,
      findingsTopic: props.topic.topic,
      ruleErrorServices: [detectorService, watchdogService, ...pollers],
      critical: [...(this.canary?.heartbeatAlarms ?? []), ...this.watchdog.unhealthyAlarms, this.watchdog.silentAlarm],
    });
    // After the alarms: the ops topic's key exists now. DisableKey / ScheduleKeyDeletion name a key by id only, so the
    // stage-bound self-protection rules cannot match them; the watchdog checks each key's state instead (issue 8).
    this.watchdog.watchKeys(keysOf(Stack.of(this)));
    this.dashboard = new HealthDashboard(this, 'Dashboard', {
      stage,
      regions,
      ingestQueue: props.ingest.queue,
      detector: props.detector,
      findingsTopic: props.topic.topic,
      services: [detectorService, watchdogService, ...pollers],
      pollers,
    });
    new CfnOutput(this, 'OpsTopicArn', {
      value: this.alarms.opsTopic.topicArn,
      description: 'alarm notifications (subscribe operators here)',
    });
    new CfnOutput(this, 'WatchdogFunctionName', { value: this.watchdog.fn.functionName });
    if (this.canary !== undefined)
      new CfnOutput(this, 'CanaryParameterName', { value: this.canary.parameter.parameterName });
  }
}

export { TamperEvidence, type TamperEvidenceProps };
