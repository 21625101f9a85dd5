import { join } from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type CfnRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { loadRules } from '../../functions/load-rules.js';
import { RuleLoadError } from '../rules-asset.js';
import { DetectorFunction } from './detector-function.js';

// The scaffolding the GCP and Azure pollers share (DESIGN §2): schedule → poller (reserved concurrency 1), DLQ, alarms.
// Plain steps rather than a base construct: each builds into the poller's own scope under the ids the pollers always
// had (logical ids stay put), and the pollers put their sign-in and settings in between.

type PollerProvider = 'gcp' | 'azure';

/** What the stack gives either poller. */
type PollerProps = {
  readonly stage: string;
  readonly projectRoot: string;
  readonly runtime: 'nodejs22.x' | 'nodejs24.x';
  readonly logRetention: RetentionDays;
  readonly suppressionsFile: string;
  readonly dedupTtlHours: number;
  /** The provider's rules, relative to the project root (default `rules/<provider>`); loaded at synth, a bad rule fails it. */
  readonly rulesDir?: string;
  /** Where alarms go (the ops topic, DESIGN §9.2); none by default. */
  readonly alarmActions?: readonly IAlarmAction[];
};

type PollerFunctionOptions = {
  readonly provider: PollerProvider;
  readonly rulesDir: string;
  readonly timeout: Duration;
  /** The provider's settings variable (`TW_GCP_CONFIG`, …) first, then the dedup knobs. */
  readonly environment: Readonly<Record<string, string>>;
  readonly claimStaleSeconds: number;
};

type PollerScheduleOptions = {
  readonly stage: string;
  readonly provider: PollerProvider;
  readonly fn: LambdaFunction;
  readonly deadLetterQueue: Queue;
  readonly pollMinutes: number;
  /** How long a run may wait to be delivered, by the schedule or as an async invoke. */
  readonly maxEventAge: Duration;
  readonly description: string;
  /** Why the DLQ needs no DLQ of its own (cdk-nag SQS3): what it is the dead-letter queue of. */
  readonly deadLetterReason: string;
};

type PollerAlarmOptions = {
  readonly stage: string;
  readonly provider: PollerProvider;
  /** The poller's Powertools service name: the `service` dimension of its metrics. */
  readonly metricService: string;
  readonly deadLetterQueue: Queue;
  readonly maxLagMinutes: number;
  readonly lagDescription: string;
  readonly deadLetterDescription: string;
  readonly actions: readonly IAlarmAction[];
};

/** Loads the poller's rules strictly (a bad rule fails the synth) and returns their directory. */
const checkPollerRules = (props: PollerProps, provider: PollerProvider): string => {
  const rulesDir = props.rulesDir ?? `rules/${provider}`;
  const { errors } = loadRules([join(props.projectRoot, rulesDir)], { strict: true });
  if (errors.length > 0) throw new RuleLoadError(errors.map((error) => error.message));
  return rulesDir;
};

const pollerDeadLetterQueue = (scope: Construct, stage: string, provider: PollerProvider): Queue =>
  new Queue(scope, 'DeadLetters', {
    queueName: `tamperwatch-${stage}-${provider}-poller-dlq`,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });

const pollerFunction = (scope: Construct, props: PollerProps, options: PollerFunctionOptions): LambdaFunction => {
  const { stage } = props;
  const { fn } = new DetectorFunction(scope, 'Poller', {
    stage,
    projectRoot: props.projectRoot,
    entry: `functions/handlers/${options.provider}-poller.ts`,
    name: `${options.provider}-poller`,
    runtime: props.runtime,
    logRetention: props.logRetention,
    rulesDir: options.rulesDir,
    suppressionsFile: props.suppressionsFile,
    environment: {
      ...options.environment,
      TW_DEDUP_TTL_HOURS: String(props.dedupTtlHours),
      TW_CLAIM_STALE_SECONDS: String(options.claimStaleSeconds),
    },
  });
  // A fixed role name keeps the role ARN stable: the other cloud's trust (the Entra ID federated credential's subject,
  // the workload identity provider's attribute condition) names it.
  const role = fn.role?.node.defaultChild as CfnRole | undefined;
  if (role !== undefined) role.roleName = `tamperwatch-${stage}-${options.provider}-poller`;
  const cfn = fn.node.defaultChild as CfnFunction;
  cfn.timeout = options.timeout.toSeconds();
  cfn.reservedConcurrentExecutions = 1; // one run at a time per checkpoint; the conditional write is the backstop
  return fn;
};

/** EventBridge Scheduler every `pollMinutes` → the poller; undeliverable and failed runs land in the DLQ. */
const schedulePoller = (scope: Construct, options: PollerScheduleOptions): Schedule => {
  const { fn, deadLetterQueue, maxEventAge } = options;
  // A failed run is retried by the next schedule from the checkpoint; the DLQ records that it failed.
  fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge, onFailure: new SqsDestination(deadLetterQueue) });
  Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: options.deadLetterReason });
  const scheduleRole = new Role(scope, 'ScheduleRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  });
  const schedule = new Schedule(scope, 'Schedule', {
    scheduleName: `tamperwatch-${options.stage}-${options.provider}-poller`,
    description: options.description,
    schedule: ScheduleExpression.rate(Duration.minutes(options.pollMinutes)),
    target: new LambdaInvoke(fn, {
      input: ScheduleTargetInput.fromObject({ source: 'tamperwatch.schedule', poller: options.provider }),
      deadLetterQueue,
      retryAttempts: 2,
      maxEventAge,
      role: scheduleRole,
    }),
  });
  const functionArn = Stack.of(scope).resolve((fn.node.defaultChild as CfnFunction).logicalId) as string;
  Validations.of(scheduleRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${functionArn}.Arn>:*]`,
    reason:
      'the LambdaInvoke target grants invoking the poller and its versions (`:*`); the role can invoke nothing else',
  });
  return schedule;
};

/** The lag alarm (missing data breaches: a poller that does not run has no lag to report) and the DLQ alarm. */
const pollerAlarms = (scope: Construct, options: PollerAlarmOptions): [Alarm, Alarm] => {
  const name = `tamperwatch-${options.stage}-${options.provider}-poller`;
  const lag = new Alarm(scope, 'LagAlarm', {
    alarmName: `${name}-lag`,
    alarmDescription: options.lagDescription,
    metric: new Metric({
      namespace: 'tamperwatch',
      metricName: 'PollerLagSeconds',
      dimensionsMap: { service: options.metricService },
      statistic: 'Maximum',
      period: Duration.minutes(5),
    }),
    threshold: options.maxLagMinutes * 60,
    evaluationPeriods: 2,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.BREACHING,
  });
  const deadLetters = new Alarm(scope, 'DeadLetterAlarm', {
    alarmName: `${name}-dlq`,
    alarmDescription: options.deadLetterDescription,
    metric: options.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    threshold: 0,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  for (const alarm of [lag, deadLetters]) for (const action of options.actions) alarm.addAlarmAction(action);
  return [lag, deadLetters];
};

export {
  checkPollerRules,
  type PollerAlarmOptions,
  type PollerFunctionOptions,
  type PollerProps,
  type PollerProvider,
  type PollerScheduleOptions,
  pollerAlarms,
  pollerDeadLetterQueue,
  pollerFunction,
  schedulePoller,
};
