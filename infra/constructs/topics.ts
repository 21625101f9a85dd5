import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SqsSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Subscribers } from '../config.js';

const filterOf = (severities: readonly string[] | undefined) =>
  severities === undefined ? undefined : { severity: SubscriptionFilter.stringFilter({ allowlist: [...severities] }) };

/**
 * The findings topic (DESIGN §5.3): standard, encrypted with a customer-managed KMS key that rotates, TLS-only, with the
 * e-mail, HTTPS and SQS subscriptions from the configuration (each optionally filtered on `severity`).
 */
class FindingsTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: { readonly stage: string; readonly subscribers: Subscribers }) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `tamperwatch ${props.stage} findings topic`,
      enableKeyRotation: true,
      // Only in-flight messages depend on it: deleted (after the pending window) with the stack rather than kept at $1/month.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topic = new Topic(this, 'Topic', {
      topicName: `tamperwatch-${props.stage}-findings`,
      displayName: 'tamperwatch findings',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.subscribers.emails) {
      this.topic.addSubscription(new EmailSubscription(email.address, { filterPolicy: filterOf(email.severities) }));
    }
    for (const endpoint of props.subscribers.https) {
      this.topic.addSubscription(new UrlSubscription(endpoint.url, { filterPolicy: filterOf(endpoint.severities) }));
    }
    props.subscribers.sqsSubscribers.forEach((subscriber, index) => {
      const queue = Queue.fromQueueArn(this, `Subscriber${index}`, subscriber.arn);
      this.topic.addSubscription(
        new SqsSubscription(queue, {
          rawMessageDelivery: subscriber.rawMessageDelivery,
          filterPolicy: filterOf(subscriber.severities),
        }),
      );
    });
  }

  /** Grants publishing (sns:Publish covers PublishBatch) and the key use it needs; names the topic in the environment. */
  bindTo(fn: IFunction & { addEnvironment(key: string, value: string): unknown }): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.keyArn] }),
    );
    fn.addEnvironment('TW_TOPIC_ARN', this.topic.topicArn);
  }
}

export { FindingsTopic };
