import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { GcpDeployConfig } from '../gcp-config.js';
import {
  checkPollerRules,
  type PollerProps,
  pollerAlarms,
  pollerDeadLetterQueue,
  pollerFunction,
  schedulePoller,
} from './poller.js';

type GcpPollerProps = PollerProps & { readonly settings: GcpDeployConfig };

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
  readonly fn: LambdaFunction;
  readonly deadLetterQueue: Queue;
  readonly schedule: Schedule;
  /** The secret holding the credential configuration, when the stack created it or was given its ARN. */
  readonly secret: ISecret | undefined;
  readonly lagAlarm: Alarm;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: GcpPollerProps) {
    super(scope, id);
    const { settings, stage } = props;
    const rulesDir = checkPollerRules(props, 'gcp');
    this.deadLetterQueue = pollerDeadLetterQueue(this, stage, 'gcp');
    const credential = settings.credential ?? { secretArn: undefined };
    this.secret = 'secretArn' in credential ? this.credentialSecret(stage, credential.secretArn) : undefined;
    this.fn = pollerFunction(this, props, {
      provider: 'gcp',
      rulesDir,
      timeout,
      environment: { TW_GCP_CONFIG: Stack.of(this).toJsonString(this.runtimeSettings(settings)) },
      // A claim older than the timeout belongs to a dead run. The next run (a minute later) must be able to take it
      // over, or the finding of a run killed between claim and publish would be skipped as a duplicate.
      claimStaleSeconds: timeout.toSeconds() + 5,
    });

    this.deadLetterQueue.grantSendMessages(this.fn); // malformed entries, with their location
    if (this.secret !== undefined) this.secret.grantRead(this.fn);
    if ('parameterName' in credential)
      StringParameter.fromStringParameterName(this, 'CredentialParameter', credential.parameterName).grantRead(this.fn);
    this.schedule = schedulePoller(this, {
      stage,
      provider: 'gcp',
      fn: this.fn,
      deadLetterQueue: this.deadLetterQueue,
      pollMinutes: settings.pollMinutes,
      maxEventAge: Duration.minutes(2),
      description: 'tamperwatch: poll GCP Cloud Audit Logs (entries:list)',
      deadLetterReason:
        'this queue is itself the dead-letter queue: of the schedule target, of the function (on-failure destination) and of malformed entries',
    });
    [this.lagAlarm, this.deadLetterAlarm] = pollerAlarms(this, {
      stage,
      provider: 'gcp',
      metricService,
      deadLetterQueue: this.deadLetterQueue,
      maxLagMinutes: settings.maxLagMinutes,
      lagDescription: `The GCP audit log poller is more than ${settings.maxLagMinutes} minutes behind, or not running`,
      deadLetterDescription: 'A GCP poller run failed, could not be delivered, or met a malformed entry (see the DLQ)',
      actions: props.alarmActions ?? [],
    });
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
}

export { GcpPoller, type GcpPollerProps, metricService };
