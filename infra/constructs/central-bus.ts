import { CfnOutput } from 'aws-cdk-lib';
import { EventBus, type Rule } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { CloudTrailIngest } from './cloudtrail-ingest.js';

type CentralBusProps = {
  /** `tamperwatch-<stage>-central`: forwarders build the same name into the target ARN. */
  readonly busName: string;
  /** Only principals of this AWS Organization may put events (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** The detector's ingest: its rules are repeated on this bus, into the same queue. */
  readonly ingest: CloudTrailIngest;
};

/**
 * The organization's central event bus in the detector account's home region (DESIGN §1.1). Forwarders in every member
 * account and region put matching CloudTrail events here; the policy admits `events:PutEvents` only from principals of
 * the organization, and the same generated ingest rules carry the events into the detector's queue.
 */
class CentralBus extends Construct {
  readonly bus: EventBus;
  readonly rules: readonly Rule[];

  constructor(scope: Construct, id: string, props: CentralBusProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: props.busName,
      description: 'tamperwatch: CloudTrail events forwarded from every account and region of the organization',
    });
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OrganizationPutEvents',
        effect: Effect.ALLOW,
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
    this.rules = props.ingest.addBus(this.bus, 'central');
    new CfnOutput(this, 'Arn', {
      value: this.bus.eventBusArn,
      description: 'forwarders in member accounts and regions target this bus',
    });
  }
}

export { CentralBus, type CentralBusProps };
