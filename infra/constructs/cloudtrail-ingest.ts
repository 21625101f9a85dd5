import { Duration } from 'aws-cdk-lib';
import { type CfnRule, type EventPattern, type IEventBus, type IRuleTarget, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { IngestPatterns, EventPattern as PatternJson } from '../event-patterns.js';

type CloudTrailIngestProps = {
  readonly stage: string;
  readonly patterns: IngestPatterns;
  /** The consumer's timeout: the queue's visibility timeout is six times it (AWS guidance for SQS event sources). */
  readonly functionTimeout: Duration;
  /** Rules on the account's default bus (default true); false when only the organization's central bus feeds the queue. */
  readonly defaultBus?: boolean;
};

const maxReceiveCount = 5;

/** CDK's typed pattern only knows a few keys; the generated JSON is passed through as it is. */
const asPattern = (json: PatternJson): EventPattern => json as EventPattern;

/**
 * CloudTrail management events → EventBridge ingest rule(s) on the default bus → SQS (SSE, TLS only) → the detector,
 * with partial batch responses. Failed records return to the queue; after 5 receives they go to the DLQ (14 days),
 * which is also the rule targets' DLQ for events EventBridge could not deliver.
 */
class CloudTrailIngest extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  private readonly target: IRuleTarget;
  private readonly patterns: IngestPatterns;
  private readonly stage: string;
  private readonly allRules: Rule[] = [];

  constructor(scope: Construct, id: string, props: CloudTrailIngestProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `tamperwatch-${props.stage}-ingest-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: `tamperwatch-${props.stage}-ingest`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.functionTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });
    this.target = new SqsQueue(this.queue, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    });
    this.patterns = props.patterns;
    this.stage = props.stage;
    if (props.defaultBus !== false) this.rulesOn(undefined, '');
  }

  /** Every ingest rule, on the default bus and on the buses added with {@link addBus}. */
  get rules(): readonly Rule[] {
    return [...this.allRules];
  }

  /** The same ingest rules on another bus (the organization's central bus), into the same queue. */
  addBus(bus: IEventBus, label: string): readonly Rule[] {
    return this.rulesOn(bus, label);
  }

  private rulesOn(eventBus: IEventBus | undefined, label: string): Rule[] {
    const idPrefix = label === '' ? '' : `${label.charAt(0).toUpperCase()}${label.slice(1)}`;
    const namePrefix = label === '' ? `tamperwatch-${this.stage}` : `tamperwatch-${this.stage}-${label}`;
    const where = eventBus === undefined ? '' : ` on the ${label} bus`;
    const write = this.patterns.write.map(
      (pattern, index) =>
        new Rule(this, `${idPrefix}Ingest${index}`, {
          ruleName: `${namePrefix}-ingest-${index}`,
          description: `tamperwatch: CloudTrail write events the AWS rules can match${where} (${index + 1}/${this.patterns.write.length})`,
          eventPattern: asPattern(pattern),
          eventBus,
          targets: [this.target],
        }),
    );
    const readOnly = this.patterns.readOnly.map((pattern, index) => {
      const rule = new Rule(this, `${idPrefix}IngestReadOnly${index}`, {
        ruleName: `${namePrefix}-ingest-read-${index}`,
        description: `tamperwatch: read-only CloudTrail management events the AWS rules can match${where}`,
        eventPattern: asPattern(pattern),
        eventBus,
        targets: [this.target],
      });
      // The L2 Rule only knows ENABLED/DISABLED; read-only management events need this state on the CfnRule.
      (rule.node.defaultChild as CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
      return rule;
    });
    this.allRules.push(...write, ...readOnly);
    return [...write, ...readOnly];
  }

  /** Connects the detector: batch 10, no batching window, partial batch responses. */
  bindTo(fn: LambdaFunction): void {
    fn.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));
  }
}

export { CloudTrailIngest, maxReceiveCount };
