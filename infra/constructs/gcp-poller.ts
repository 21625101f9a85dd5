import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type CfnRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { loadRules } from '../../functions/load-rules.js';
import type { GcpDeployConfig } from '../gcp-config.js';
import { RuleLoadError } from '../rules-asset.js';
import { DetectorFunction } from './detector-function.js';

type GcpPollerProps = {
  readonly stage: string;
  readonly projectRoot: string;
  readonly runtime: 'nodejs22.x' | 'nodejs24.x';
  readonly logRetention: RetentionDays;
  readonly suppressionsFile: string;
  readonly dedupTtlHours: number;
  readonly settings: GcpDeployConfig;
  /** GCP rules, relative to the project root (default `rules/gcp`); loaded at synth, a bad rule fails it. */
  readonly rulesDir?: string;
  /** Where alarms go (the ops topic, DESIGN §9.2); none by default. */
  readonly alarmActions?: readonly IAlarmAction[];
};

/** The poller's Powertools service name: its metrics carry it as the `service` dimension (handlers/gcp-poller.ts). */
const metricService = 'tamperwatch-gcp-poller';
/** Under the 1-minute schedule: a run never overlaps the next (reserved concurrency 1 would throttle it anyway). */
const timeout = Duration.seconds(50);

/**
 * The GCP Cloud Audit Logs poller (DESIGN §1.2): EventBridge Scheduler every `pollRate` → the poller (reserved
 * concurrency 1), a DLQ for runs that fail or cannot be delivered and for malformed entries, read access to the
 * credential configuration (Secrets Manager or SSM), and alarms on the poller's lag and on the DLQ. The stack binds
 * the state table and the findings topic to `fn`. Fully bundled like every function: the poller imports only
 * google-auth-library (the auth `@google-cloud/logging` builds), never google-gax or gRPC (docs/gcp.md §6).
 */
class GcpPoller extends Construct {
  readonly fn: NodejsFunction;
  readonly deadLetterQueue: Queue;
  readonly schedule: Schedule;
  /** The secret holding the credential configuration, when the stack created it or was given its ARN. */
  readonly secret: ISecret | undefined;
  readonly lagAlarm: Alarm;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: GcpPollerProps) {
    super(scope, id);
    const { settings, stage } = props;
    const rulesDir = props.rulesDir ?? 'rules/gcp';
    const { errors } = loadRules([join(props.projectRoot, rulesDir)], { strict: true });
    if (errors.length > 0) throw new RuleLoadError(errors.map((error) => error.message));

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: `tamperwatch-${stage}-gcp-poller-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const credential = settings.credential ?? { secretArn: undefined };
    this.secret = 'secretArn' in credential ? this.credentialSecret(stage, credential.secretArn) : undefined;
    const poller = new DetectorFunction(this, 'Poller', {
      stage,
      projectRoot: props.projectRoot,
      entry: 'functions/handlers/gcp-poller.ts',
      name: 'gcp-poller',
      runtime: props.runtime,
      logRetention: props.logRetention,
      rulesDir,
      suppressionsFile: props.suppressionsFile,
      environment: {
        TW_GCP_CONFIG: Stack.of(this).toJsonString(this.runtimeSettings(settings)),
        TW_DEDUP_TTL_HOURS: String(props.dedupTtlHours),
        // A claim older than the timeout belongs to a dead run. The next run (a minute later) must be able to take it
        // over, or the finding of a run killed between claim and publish would be skipped as a duplicate.
        TW_CLAIM_STALE_SECONDS: String(timeout.toSeconds() + 5),
      },
    });
    this.fn = poller.fn;
    // A fixed role name keeps the assumed-role ARN stable for the workload identity provider's attribute condition.
    const role = this.fn.role?.node.defaultChild as CfnRole | undefined;
    if (role !== undefined) role.roleName = `tamperwatch-${stage}-gcp-poller`;
    const cfn = this.fn.node.defaultChild as CfnFunction;
    cfn.timeout = timeout.toSeconds();
    cfn.reservedConcurrentExecutions = 1; // one run at a time per checkpoint; the conditional write is the backstop

    this.deadLetterQueue.grantSendMessages(this.fn); // malformed entries, with their location
    if (this.secret !== undefined) this.secret.grantRead(this.fn);
    if ('parameterName' in credential)
      StringParameter.fromStringParameterName(this, 'CredentialParameter', credential.parameterName).grantRead(this.fn);
    // A failed run is retried by the next schedule from the checkpoint; the DLQ records that it failed.
    this.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(2),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'this queue is itself the dead-letter queue: of the schedule target, of the function (on-failure destination) and of malformed entries',
    });
    this.schedule = this.scheduleOf(stage, settings.pollMinutes);
    [this.lagAlarm, this.deadLetterAlarm] = this.alarms(stage, settings.maxLagMinutes, props.alarmActions ?? []);
  }

  /** `TW_GCP_CONFIG`: the poller's knobs, where the credential configuration is, and the DLQ (no secret in it). */
  private runtimeSettings(settings: GcpDeployConfig): Record<string, unknown> {
    const { credential, enabled, organization, pollRate, pollMinutes, maxLagMinutes, ...knobs } = settings;
    return {
      ...knobs,
      credential: this.secret === undefined ? credential : { secretArn: this.secret.secretArn },
      deadLetterQueueUrl: this.deadLetterQueue.queueUrl,
    };
  }

  /** The secret named in the config, or a new one the operator fills with the credential configuration JSON. */
  private credentialSecret(stage: string, secretArn: string | undefined): ISecret {
    if (secretArn !== undefined) return Secret.fromSecretCompleteArn(this, 'CredentialConfig', secretArn);
    const secret = new Secret(this, 'CredentialConfig', {
      secretName: `tamperwatch-${stage}-gcp-credential-config`,
      description:
        'GCP credential configuration for the tamperwatch poller: external_account JSON (Workload Identity Federation), or a service-account key',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'the external_account configuration holds no key to rotate; a service-account key (the fallback) is rotated in GCP IAM, then put here',
    });
    return secret;
  }

  private scheduleOf(stage: string, pollMinutes: number): Schedule {
    const scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    const schedule = new Schedule(this, 'Schedule', {
      scheduleName: `tamperwatch-${stage}-gcp-poller`,
      description: 'tamperwatch: poll GCP Cloud Audit Logs (entries:list)',
      schedule: ScheduleExpression.rate(Duration.minutes(pollMinutes)),
      target: new LambdaInvoke(this.fn, {
        input: ScheduleTargetInput.fromObject({ source: 'tamperwatch.schedule', poller: 'gcp' }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(2),
        role: scheduleRole,
      }),
    });
    const functionArn = Stack.of(this).resolve((this.fn.node.defaultChild as CfnFunction).logicalId) as string;
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionArn}.Arn>:*]`,
      reason:
        'the LambdaInvoke target grants invoking the poller and its versions (`:*`); the role can invoke nothing else',
    });
    return schedule;
  }

  private alarms(stage: string, maxLagMinutes: number, actions: readonly IAlarmAction[]): [Alarm, Alarm] {
    const lag = new Alarm(this, 'LagAlarm', {
      alarmName: `tamperwatch-${stage}-gcp-poller-lag`,
      alarmDescription: `The GCP audit log poller is more than ${maxLagMinutes} minutes behind, or not running`,
      metric: new Metric({
        namespace: 'tamperwatch',
        metricName: 'PollerLagSeconds',
        dimensionsMap: { service: metricService },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: maxLagMinutes * 60,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });
    const deadLetters = new Alarm(this, 'DeadLetterAlarm', {
      alarmName: `tamperwatch-${stage}-gcp-poller-dlq`,
      alarmDescription: 'A GCP poller run failed, could not be delivered, or met a malformed entry (see the DLQ)',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [lag, deadLetters]) for (const action of actions) alarm.addAlarmAction(action);
    return [lag, deadLetters];
  }
}

export { GcpPoller, type GcpPollerProps, metricService };
