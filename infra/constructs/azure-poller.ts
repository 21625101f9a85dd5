import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AzureDeployConfig } from '../azure-config.js';
import {
  checkPollerRules,
  type PollerProps,
  pollerAlarms,
  pollerDeadLetterQueue,
  pollerFunction,
  schedulePoller,
} from './poller.js';

type AzurePollerProps = PollerProps & { readonly settings: AzureDeployConfig };

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
  readonly fn: LambdaFunction;
  readonly deadLetterQueue: Queue;
  readonly schedule: Schedule;
  readonly secret: ISecret | undefined;
  readonly lagAlarm: Alarm;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AzurePollerProps) {
    super(scope, id);
    const { settings, stage } = props;
    const rulesDir = checkPollerRules(props, 'azure');
    this.deadLetterQueue = pollerDeadLetterQueue(this, stage, 'azure');
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
    this.fn = pollerFunction(this, props, {
      provider: 'azure',
      rulesDir,
      timeout,
      environment: { TW_AZURE_CONFIG: Stack.of(this).toJsonString(runtimeSettings) },
      claimStaleSeconds: timeout.toSeconds() * 2,
    });
    this.schedule = schedulePoller(this, {
      stage,
      provider: 'azure',
      fn: this.fn,
      deadLetterQueue: this.deadLetterQueue,
      pollMinutes: settings.pollMinutes,
      maxEventAge: Duration.minutes(5),
      description: 'tamperwatch: poll the Azure Activity Log in Log Analytics',
      deadLetterReason:
        'this queue is itself the dead-letter queue: of the schedule target and of the function (on-failure destination)',
    });
    this.grantSignIn(settings);
    [this.lagAlarm, this.deadLetterAlarm] = pollerAlarms(this, {
      stage,
      provider: 'azure',
      metricService,
      deadLetterQueue: this.deadLetterQueue,
      maxLagMinutes: settings.maxLagMinutes,
      lagDescription: `The Azure Activity Log poller is more than ${settings.maxLagMinutes} minutes behind, or not running`,
      deadLetterDescription:
        'An Azure poller run failed or was not delivered, or a row could not be read (see the DLQ and the log)',
      actions: props.alarmActions ?? [],
    });
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
}

export { AzurePoller, type AzurePollerProps, metricService };
