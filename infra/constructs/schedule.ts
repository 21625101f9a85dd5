import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

type ScheduledRunProps = {
  readonly stage: string;
  /** Names the schedule and the DLQ: `tamperwatch-<stage>-<name>` and `…-dlq`. */
  readonly name: string;
  readonly fn: LambdaFunction;
  readonly rateMinutes: number;
  readonly description: string;
  readonly input: Readonly<Record<string, unknown>>;
};

/**
 * EventBridge Scheduler every `rateMinutes` → one function, with a DLQ (14 days, SSE, TLS only) for runs that cannot be
 * delivered or that fail (the function's on-failure destination, no async retry: the next run starts over). The
 * schedule's role can invoke this function only, from this account.
 */
class ScheduledRun extends Construct {
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ScheduledRunProps) {
    super(scope, id);
    const name = `tamperwatch-${props.stage}-${props.name}`;
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: `${name}-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'this queue is itself the dead-letter queue: of the schedule target and of the function (on-failure destination)',
    });
    props.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(Math.min(props.rateMinutes, 60)),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.schedule = new Schedule(this, 'Schedule', {
      scheduleName: name,
      description: props.description,
      schedule: ScheduleExpression.rate(Duration.minutes(props.rateMinutes)),
      target: new LambdaInvoke(props.fn, {
        input: ScheduleTargetInput.fromObject(props.input),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(Math.min(props.rateMinutes, 60)),
        role,
      }),
    });
    const functionId = Stack.of(this).resolve((props.fn.node.defaultChild as CfnFunction).logicalId) as string;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      reason:
        'the LambdaInvoke target grants invoking the function and its versions (`:*`); the role can invoke nothing else',
    });
  }
}

export { ScheduledRun, type ScheduledRunProps };
