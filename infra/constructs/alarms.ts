import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  type CfnAlarm,
  ComparisonOperator,
  type IAlarmAction,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type CfnQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';

type HealthAlarmsProps = {
  readonly stage: string;
  readonly emails: readonly string[];
  /** Also notified by the alarms in `critical` (e.g. a topic in another account). */
  readonly secondTopicArn?: string;
  readonly ingestQueue: Queue;
  readonly findingsTopic: ITopic;
  /** Services whose `RuleRunErrors` count (detector, watchdog, pollers). */
  readonly ruleErrorServices: readonly string[];
  /** Alarms that prove tamperwatch is not being silenced: heartbeat, trail health, watchdog silent. */
  readonly critical: readonly Alarm[];
};

const fiveMinutes = Duration.minutes(5);

/** The literal name of a resource named at synth (tokens and generated names come back undefined). */
const literal = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The health alarms of DESIGN §9.2 and the ops topic they notify (its own rotating key: a disabled findings key must
 * not silence the alarms too; CloudWatch alarm notifications carry no attributes, so no filter policies). Built last in
 * the stack: it covers every `tamperwatch-` function (Errors, Throttles) and every `-dlq` queue found there, adds the
 * ingest backlog, SNS delivery failures and rule errors, and sends every alarm of the stack to the ops topic. A function
 * or DLQ added after it fails the synth rather than go unwatched.
 */
class HealthAlarms extends Construct {
  readonly opsTopic: Topic;
  readonly opsKey: Key;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: HealthAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.opsKey = new Key(this, 'OpsKey', {
      description: `tamperwatch ${props.stage} ops topic (alarm notifications)`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch publishes alarm notifications to the encrypted topic: it needs the key, and (the topic policy that
    // enforceSSL creates replaces SNS's default one) a statement that lets it publish for this account's alarms.
    this.opsKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.opsTopic = new Topic(this, 'OpsTopic', {
      topicName: `tamperwatch-${props.stage}-ops`,
      displayName: 'tamperwatch ops alarms',
      masterKey: this.opsKey,
      enforceSSL: true,
    });
    this.opsTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.opsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    for (const address of props.emails) this.opsTopic.addSubscription(new EmailSubscription(address));

    const watchedFunctions = functionsOf(stack);
    for (const fn of watchedFunctions) this.functionAlarms(props.stage, fn);
    const watchedQueues = deadLetterQueuesOf(stack).filter((queue) => !alarmedQueue(stack, queue));
    for (const queue of watchedQueues) this.deadLetterAlarm(props.stage, queue);
    this.add(
      new Alarm(this, 'IngestBacklog', {
        alarmName: `tamperwatch-${props.stage}-ingest-backlog`,
        alarmDescription:
          'The oldest ingest message waits more than 5 minutes: the detector is failing, throttled or stopped',
        metric: props.ingestQueue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: 300,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    this.add(
      new Alarm(this, 'NotificationsFailed', {
        alarmName: `tamperwatch-${props.stage}-findings-delivery-failed`,
        alarmDescription: 'SNS could not deliver findings to a subscriber (endpoint gone, policy or key problem)',
        metric: props.findingsTopic.metricNumberOfNotificationsFailed({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    const usingMetrics = Object.fromEntries(
      props.ruleErrorServices.map((service, index) => [
        `m${index}`,
        new Metric({
          namespace: 'tamperwatch',
          metricName: 'RuleRunErrors',
          dimensionsMap: { service },
          statistic: 'Sum',
          period: fiveMinutes,
        }),
      ]),
    );
    this.add(
      new Alarm(this, 'RuleErrors', {
        alarmName: `tamperwatch-${props.stage}-rule-errors`,
        alarmDescription: 'A rule failed on an event (see the function log for the rule, file and event id)',
        metric: new MathExpression({
          expression: Object.keys(usingMetrics)
            .map((name) => `FILL(${name}, 0)`)
            .join(' + '),
          usingMetrics,
          label: 'RuleRunErrors',
          period: fiveMinutes,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const ops = new SnsAction(this.opsTopic);
    const second =
      props.secondTopicArn === undefined
        ? undefined
        : new SnsAction(Topic.fromTopicArn(this, 'SecondTopic', props.secondTopicArn));
    for (const alarm of alarmsOf(stack)) notify(alarm, ops, stack);
    if (second !== undefined) for (const alarm of props.critical) notify(alarm, second, stack);

    this.node.addValidation({
      validate: () => [
        ...functionsOf(stack)
          .filter((fn) => !watchedFunctions.includes(fn))
          .map((fn) => `function ${fn.node.path} was added after HealthAlarms: build HealthAlarms last`),
        ...deadLetterQueuesOf(stack)
          .filter((queue) => !watchedQueues.includes(queue) && !alarmedQueue(stack, queue))
          .map((queue) => `dead-letter queue ${queue.node.path} has no alarm: build HealthAlarms last`),
      ],
    });
  }

  private add(alarm: Alarm): Alarm {
    this.alarms.push(alarm);
    return alarm;
  }

  private functionAlarms(stage: string, fn: LambdaFunction): void {
    const name = literal((fn.node.defaultChild as CfnFunction).functionName) ?? fn.node.id;
    const short = name.replace(`tamperwatch-${stage}-`, '');
    const id = short.replace(/[^A-Za-z0-9]/g, '');
    this.add(
      new Alarm(this, `${id}Errors`, {
        alarmName: `tamperwatch-${stage}-${short}-errors`,
        alarmDescription: `${name} failed (see its log)`,
        metric: fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    this.add(
      new Alarm(this, `${id}Throttles`, {
        alarmName: `tamperwatch-${stage}-${short}-throttles`,
        alarmDescription: `${name} was throttled: overlapping runs, the account's concurrency, or reserved concurrency 0 (the kill switch)`,
        metric: fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  private deadLetterAlarm(stage: string, queue: Queue): void {
    const name = literal((queue.node.defaultChild as CfnQueue).queueName) ?? queue.node.id;
    const short = name.replace(`tamperwatch-${stage}-`, '');
    this.add(
      new Alarm(this, `${short.replace(/[^A-Za-z0-9]/g, '')}Depth`, {
        alarmName: `tamperwatch-${stage}-${short}-depth`,
        alarmDescription: `${name} holds messages: events or runs that failed for good (inspect, fix, redrive)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

const inStack = (stack: Stack) => (construct: IConstruct) => Stack.of(construct) === stack;

/** tamperwatch's own functions (named `tamperwatch-…`); CDK helper functions are left out. */
const functionsOf = (stack: Stack): LambdaFunction[] =>
  stack.node
    .findAll()
    .filter((c): c is LambdaFunction => c instanceof LambdaFunction && inStack(stack)(c))
    .filter((fn) => literal((fn.node.defaultChild as CfnFunction).functionName)?.startsWith('tamperwatch-') === true);

/** Dead-letter queues: queues named `…-dlq`. */
const deadLetterQueuesOf = (stack: Stack): Queue[] =>
  stack.node
    .findAll()
    .filter((c): c is Queue => c instanceof Queue && inStack(stack)(c))
    .filter((queue) => literal((queue.node.defaultChild as CfnQueue).queueName)?.endsWith('-dlq') === true);

const alarmsOf = (stack: Stack): Alarm[] =>
  stack.node.findAll().filter((c): c is Alarm => c instanceof Alarm && inStack(stack)(c));

/** Some alarm already watches this queue's depth (a construct that brings its own DLQ alarm). */
const alarmedQueue = (stack: Stack, queue: Queue): boolean => {
  const name = JSON.stringify(stack.resolve(queue.queueName));
  return alarmsOf(stack).some((alarm) => {
    const cfn = alarm.node.defaultChild as CfnAlarm;
    const dimensions = (stack.resolve(cfn.dimensions) ?? []) as { name: string; value: unknown }[];
    return (
      cfn.metricName === 'ApproximateNumberOfMessagesVisible' &&
      dimensions.some((dimension) => dimension.name === 'QueueName' && JSON.stringify(dimension.value) === name)
    );
  });
};

/** Adds the action unless the alarm already has it (a construct may have been given the ops topic itself). */
const notify = (alarm: Alarm, action: IAlarmAction, stack: Stack): void => {
  const arn = JSON.stringify(stack.resolve(action.bind(alarm, alarm).alarmActionArn));
  const current = (stack.resolve((alarm.node.defaultChild as CfnAlarm).alarmActions) ?? []) as unknown[];
  if (current.some((existing) => JSON.stringify(existing) === arn)) return;
  alarm.addAlarmAction(action);
};

export { HealthAlarms, type HealthAlarmsProps };
