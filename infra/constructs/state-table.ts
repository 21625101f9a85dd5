import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * The state table (DESIGN §5.4): claims, scope repeat counters (and later checkpoints), `pk` prefixed per kind, TTL on
 * `expiresAt`, point-in-time recovery, retained when the stack is deleted.
 */
class StateTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: { readonly stage: string }) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      tableName: `tamperwatch-${props.stage}-state`,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Grants the item operations the dedup store uses, and names the table in the function's environment. */
  bindTo(fn: IFunction & { addEnvironment(key: string, value: string): unknown }): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [this.table.tableArn],
      }),
    );
    fn.addEnvironment('TW_STATE_TABLE', this.table.tableName);
  }
}

export { StateTable };
