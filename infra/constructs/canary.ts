import { Duration, Stack, Tags } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { canaryParameterName } from '../../functions/core/canary.js';
import { DetectorFunction } from './detector-function.js';
import { ScheduledRun } from './schedule.js';

type CanaryProps = {
  readonly stage: string;
  readonly projectRoot: string;
  readonly runtime: 'nodejs22.x' | 'nodejs24.x';
  readonly logRetention: RetentionDays;
  readonly rulesDir: string;
  readonly suppressionsFile: string;
  readonly dedupTtlHours: number;
  readonly regions: readonly string[];
  readonly rateMinutes: number;
  readonly maxDelaySeconds: number;
};

/** The detector's Powertools service name: `Heartbeat` and `CanaryLatencySeconds` carry it (functions/handlers/cloudtrail-queue.ts). */
const detectorService = 'tamperwatch-detector';
const timeout = Duration.seconds(60);

/**
 * Periods of 5 minutes in which a `Heartbeat` must show: the allowed delay plus one canary interval (DESIGN §9.2:
 * 600 s + 300 s → missing for 15 minutes).
 */
const heartbeatPeriods = (maxDelaySeconds: number, rateMinutes: number): number =>
  Math.max(2, Math.ceil((maxDelaySeconds + rateMinutes * 60) / 300));

/**
 * The canary (DESIGN §9.1): the tagged parameter `tamperwatch-<stage>-canary`, Scheduler every `rate` → canary
 * function (SSM PutParameter in each region; it judges the previous round trip from the state table), and one
 * `Heartbeat` alarm per region that treats missing data as breaching, so it fires even when every function is dead.
 */
class Canary extends Construct {
  readonly fn: LambdaFunction;
  readonly parameter: StringParameter;
  readonly run: ScheduledRun;
  readonly heartbeatAlarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    const { stage } = props;
    const parameterName = canaryParameterName(stage);
    this.parameter = new StringParameter(this, 'Parameter', {
      parameterName,
      stringValue: 'created by the stack; the canary writes the time here',
      description: 'tamperwatch canary: written every few minutes; its CloudTrail event proves the real-time path',
      tier: ParameterTier.STANDARD,
    });
    Tags.of(this.parameter).add('tamperwatch:stage', stage);
    Tags.of(this.parameter).add('tamperwatch:role', 'canary');
    const canary = new DetectorFunction(this, 'Canary', {
      stage,
      projectRoot: props.projectRoot,
      entry: 'functions/handlers/canary.ts',
      name: 'canary',
      runtime: props.runtime,
      logRetention: props.logRetention,
      rulesDir: props.rulesDir,
      suppressionsFile: props.suppressionsFile,
      environment: {
        TW_REGIONS: props.regions.join(','),
        TW_CANARY_PARAMETER: parameterName,
        TW_CANARY_MAX_DELAY: String(props.maxDelaySeconds),
        TW_DEDUP_TTL_HOURS: String(props.dedupTtlHours),
        TW_CLAIM_STALE_SECONDS: String(timeout.toSeconds() * 2),
      },
    });
    this.fn = canary.fn;
    const cfn = this.fn.node.defaultChild as CfnFunction;
    cfn.timeout = timeout.toSeconds();
    cfn.reservedConcurrentExecutions = 1;
    const { account, partition } = Stack.of(this);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ssm:PutParameter', 'ssm:AddTagsToResource'],
        resources: props.regions.map(
          (region) => `arn:${partition}:ssm:${region}:${account}:parameter/${parameterName}`,
        ),
      }),
    );
    this.run = new ScheduledRun(this, 'Schedule', {
      stage,
      name: 'canary',
      fn: this.fn,
      rateMinutes: props.rateMinutes,
      description: 'tamperwatch: write the canary parameter and judge the previous round trip',
      input: { source: 'tamperwatch.schedule', job: 'canary' },
    });
    const periods = heartbeatPeriods(props.maxDelaySeconds, props.rateMinutes);
    this.heartbeatAlarms = props.regions.map(
      (region, index) =>
        new Alarm(this, `Heartbeat${index}`, {
          alarmName: `tamperwatch-${stage}-heartbeat-${region}`,
          alarmDescription: `No canary event from ${region} reached the detector for ${periods * 5} minutes: the real-time path (CloudTrail → EventBridge → SQS → detector) or the canary is down`,
          metric: new Metric({
            namespace: 'tamperwatch',
            metricName: 'Heartbeat',
            dimensionsMap: { service: detectorService, region },
            statistic: 'Sum',
            period: Duration.minutes(5),
          }),
          threshold: 1,
          evaluationPeriods: periods,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.BREACHING,
        }),
    );
  }
}

export { Canary, type CanaryProps, detectorService, heartbeatPeriods };
