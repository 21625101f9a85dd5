import { Aws, CfnCondition, CfnOutput, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnRule, EventBus, type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, type CfnRole, PolicyDocument, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { trailReadStatement } from './constructs/trail-watchdog.js';
import type { IngestPatterns } from './event-patterns.js';
import { globalEventsRegion } from './org-settings.js';

type ForwarderStackProps = StackProps & {
  readonly stage: string;
  /** The organization's central bus in the detector account's home region. */
  readonly centralBusArn: string;
  /** The detector (security) account, trusted to assume the watchdog read role. */
  readonly detectorAccount: string;
  /**
   * Role-name prefix in the detector account that may assume the watchdog read role (default `tamperwatch-<stage>-`:
   * the detector stack's generated role names start with its stack name). The caller also needs `sts:AssumeRole`.
   */
  readonly watchdogRolePrefix: string;
  /** The detector's generated ingest patterns: forwarders send exactly what the central ingest rules take. */
  readonly patterns: IngestPatterns;
};

/**
 * One member account × region (DESIGN §1.1): rules on the default bus with the detector's own generated patterns send
 * matching CloudTrail events to the central bus (cross-account and cross-region target) through a role that may only
 * `events:PutEvents` there. EventBridge retries a failed delivery for its default 24 h / 185 attempts (the maximum;
 * the CDK event-bus target sets no retry policy) and then parks the event in the forwarder's DLQ. The us-east-1 instance
 * forwards the global-service events (IAM, STS, Organizations) and holds the account's global resource: the read-only
 * role the watchdog assumes (DESIGN §9.1). The same template is rolled out by the StackSet and by `cdk deploy`.
 */
class ForwarderStack extends Stack {
  readonly rules: readonly Rule[];
  readonly deadLetterQueue: Queue;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, {
      description: `tamperwatch ${props.stage}: forwards matching CloudTrail events to ${props.centralBusArn}`,
      ...props,
    });
    const prefix = `tamperwatch-${props.stage}`;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `${prefix}-forward-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'this queue is itself the dead-letter queue of the forward rules’ central-bus target',
    });
    this.role = new Role(this, 'ForwardRole', {
      // IAM is global: one role per region instance, so the region is part of the name.
      roleName: `${prefix}-forward-${Aws.REGION}`,
      description: 'tamperwatch: lets the forward rules put events on the central bus, nothing else',
      assumedBy: new ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
    });
    const centralBus = EventBus.fromEventBusArn(this, 'CentralBus', props.centralBusArn);
    const target = new EventBusTarget(centralBus, { role: this.role, deadLetterQueue: this.deadLetterQueue });
    const write = props.patterns.write.map(
      (pattern, index) =>
        new Rule(this, `Forward${index}`, {
          ruleName: `${prefix}-forward-${index}`,
          description: `tamperwatch: CloudTrail write events the AWS rules can match → central bus (${index + 1}/${props.patterns.write.length})`,
          eventPattern: pattern as EventPattern,
          targets: [target],
        }),
    );
    const readOnly = props.patterns.readOnly.map((pattern, index) => {
      const rule = new Rule(this, `ForwardReadOnly${index}`, {
        ruleName: `${prefix}-forward-read-${index}`,
        description: 'tamperwatch: read-only CloudTrail management events the AWS rules can match → central bus',
        eventPattern: pattern as EventPattern,
        targets: [target],
      });
      (rule.node.defaultChild as CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
      return rule;
    });
    this.rules = [...write, ...readOnly];
    this.watchdogReadRole(props);
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }

  /** CloudTrail read access for the detector account's watchdog; created once per account, in the us-east-1 instance. */
  private watchdogReadRole(props: ForwarderStackProps): void {
    const inGlobalRegion = new CfnCondition(this, 'InGlobalEventsRegion', {
      expression: Fn.conditionEquals(Aws.REGION, globalEventsRegion),
    });
    const role = new Role(this, 'WatchdogReadRole', {
      roleName: `tamperwatch-${props.stage}-watchdog-read`,
      description: 'tamperwatch: the watchdog in the detector account reads trail status, selectors and event history',
      maxSessionDuration: Duration.hours(1),
      assumedBy: new AccountPrincipal(props.detectorAccount).withConditions({
        ArnLike: {
          'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${props.detectorAccount}:role/${props.watchdogRolePrefix}*`,
        },
      }),
      inlinePolicies: {
        CloudTrailRead: new PolicyDocument({ statements: [trailReadStatement()] }),
      },
    });
    (role.node.defaultChild as CfnRole).cfnOptions.condition = inGlobalRegion;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'DescribeTrails and LookupEvents have no resource type, and the organization trail lives in another account; the actions are read-only',
    });
  }
}

export { ForwarderStack, type ForwarderStackProps };
