import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type CfnRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { loadRules } from '../../functions/load-rules.js';
import type { AzureDeployConfig } from '../azure-config.js';
import { RuleLoadError } from '../rules-asset.js';
import { DetectorFunction } from './detector-function.js';

type AzurePollerProps = {
  readonly stage: string;
  readonly projectRoot: string;
  readonly runtime: 'nodejs22.x' | 'nodejs24.x';
  readonly logRetention: RetentionDays;
  readonly suppressionsFile: string;
  readonly dedupTtlHours: number;
  readonly settings: AzureDeployConfig;
  /** Azure rules, relative to the project root (default `rules/azure`); loaded at synth, a bad rule fails it. */
  readonly rulesDir?: string;
  /** Where alarms go (the ops topic, DESIGN §9.2); none by default. */
  readonly alarmActions?: readonly IAlarmAction[];
};

/** The poller's Powertools service name: its metrics carry it as the `service` dimension (handlers/azure-poller.ts). */
const metricService = 'tamperwatch-azure-poller';
/** Under the 2-minute schedule: a run never overlaps the next (reserved concurrency 1 would throttle it anyway). */
const timeout = Duration.seconds(110);

/**
 * The Azure Activity Log poller (DESIGN §1.3): EventBridge Scheduler every `pollRate` → the poller (reserved
 * concurrency 1), a DLQ for invocations that fail or cannot be delivered, the sign-in grant (`sts:GetWebIdentityToken`
 * for federation, or read access to the client secret), and alarms on the poller's lag and on the DLQ. The stack binds
 * the state table and the findings topic to `fn`.
 */
class AzurePoller extends Construct {
  readonly fn: NodejsFunction;
  readonly deadLetterQueue: Queue;
  readonly schedule: Schedule;
  readonly secret: ISecret | undefined;
  readonly lagAlarm: Alarm;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AzurePollerProps) {
    super(scope, id);
    const { settings, stage } = props;
    const rulesDir = props.rulesDir ?? 'rules/azure';
    const { errors } = loadRules([join(props.projectRoot, rulesDir)], { strict: true });
    if (errors.length > 0) throw new RuleLoadError(errors.map((error) => error.message));

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: `tamperwatch-${stage}-azure-poller-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.secret = settings.auth === 'secret' ? this.clientSecret(stage, settings.secretArn) : undefined;
    const runtimeSettings = {
      tenantId: settings.tenantId,
      clientId: settings.clientId,
      workspaceIds: settings.workspaceIds,
      auth: settings.auth,
      ...(this.secret === undefined ? {} : { secretArn: this.secret.secretArn }),
      audience: settings.audience,
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
      ...(settings.authorityHost === undefined ? {} : { authorityHost: settings.authorityHost }),
      overlapMinutes: settings.overlapMinutes,
      initialLookbackMinutes: settings.initialLookbackMinutes,
      deadLetterQueueUrl: this.deadLetterQueue.queueUrl,
    };
    const poller = new DetectorFunction(this, 'Poller', {
      stage,
      projectRoot: props.projectRoot,
      entry: 'functions/handlers/azure-poller.ts',
      name: 'azure-poller',
      runtime: props.runtime,
      logRetention: props.logRetention,
      rulesDir,
      suppressionsFile: props.suppressionsFile,
      environment: {
        TW_AZURE_CONFIG: Stack.of(this).toJsonString(runtimeSettings),
        TW_DEDUP_TTL_HOURS: String(props.dedupTtlHours),
        TW_CLAIM_STALE_SECONDS: String(timeout.toSeconds() * 2),
      },
    });
    this.fn = poller.fn;
    // A fixed role name keeps the token's subject (the role ARN) stable for the Entra ID federated credential.
    const role = this.fn.role?.node.defaultChild as CfnRole | undefined;
    if (role !== undefined) role.roleName = `tamperwatch-${stage}-azure-poller`;
    const cfn = this.fn.node.defaultChild as CfnFunction;
    cfn.timeout = timeout.toSeconds();
    cfn.reservedConcurrentExecutions = 1; // one run at a time per checkpoint; the conditional write is the backstop

    // A failed run is retried by the next schedule from the checkpoint; the DLQ records that it failed.
    this.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(5),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'this queue is itself the dead-letter queue: of the schedule target and of the function (on-failure destination)',
    });
    const scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.schedule = new Schedule(this, 'Schedule', {
      scheduleName: `tamperwatch-${stage}-azure-poller`,
      description: 'tamperwatch: poll the Azure Activity Log in Log Analytics',
      schedule: ScheduleExpression.rate(Duration.minutes(settings.pollMinutes)),
      target: new LambdaInvoke(this.fn, {
        input: ScheduleTargetInput.fromObject({ source: 'tamperwatch.schedule', poller: 'azure' }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(5),
        role: scheduleRole,
      }),
    });
    const functionArn = Stack.of(this).resolve((this.fn.node.defaultChild as CfnFunction).logicalId) as string;
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionArn}.Arn>:*]`,
      reason:
        'the LambdaInvoke target grants invoking the poller and its versions (`:*`); the role can invoke nothing else',
    });

    this.grantSignIn(settings);
    [this.lagAlarm, this.deadLetterAlarm] = this.alarms(stage, settings.maxLagMinutes, props.alarmActions ?? []);
  }

  /** The secret of the fallback sign-in: the one named in the config, or a new one the operator fills in. */
  private clientSecret(stage: string, secretArn: string | undefined): ISecret {
    if (secretArn !== undefined) return Secret.fromSecretCompleteArn(this, 'ClientSecret', secretArn);
    const secret = new Secret(this, 'ClientSecret', {
      secretName: `tamperwatch-${stage}-azure-client-secret`,
      description: 'Client secret of the Entra ID app registration tamperwatch signs in with (plain text value)',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'an Entra ID client secret is rotated in Entra ID (it has its own expiry), then put here; no rotation Lambda can create one',
    });
    return secret;
  }

  private grantSignIn(settings: AzureDeployConfig): void {
    if (this.secret !== undefined) {
      this.secret.grantRead(this.fn);
      return;
    }
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sts:GetWebIdentityToken'],
        resources: ['*'],
        conditions: { 'ForAnyValue:StringEquals': { 'sts:IdentityTokenAudience': [settings.audience] } },
      }),
    );
    // The grant lands in the function's role policy, a sibling of the function under the DetectorFunction construct.
    Validations.of(this.fn.role ?? this.fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sts:GetWebIdentityToken has no resource type; the grant is limited to the Entra ID token-exchange audience',
    });
  }

  private alarms(stage: string, maxLagMinutes: number, actions: readonly IAlarmAction[]): [Alarm, Alarm] {
    const lag = new Alarm(this, 'LagAlarm', {
      alarmName: `tamperwatch-${stage}-azure-poller-lag`,
      alarmDescription: `The Azure Activity Log poller is more than ${maxLagMinutes} minutes behind, or not running`,
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
      alarmName: `tamperwatch-${stage}-azure-poller-dlq`,
      alarmDescription:
        'An Azure poller run failed or was not delivered, or a row could not be read (see the DLQ and the log)',
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

export { AzurePoller, type AzurePollerProps, metricService };
