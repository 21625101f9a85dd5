import { Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AwsDeployConfig } from '../aws-config.js';
import { DetectorFunction } from './detector-function.js';
import { ScheduledRun } from './schedule.js';

type TrailWatchdogProps = {
  readonly stage: string;
  readonly projectRoot: string;
  readonly runtime: 'nodejs22.x' | 'nodejs24.x';
  readonly logRetention: RetentionDays;
  readonly rulesDir: string;
  readonly ruleOverlay: string | undefined;
  readonly suppressionsFile: string;
  readonly dedupTtlHours: number;
  /** Regions to watch (the stack's own by default); may hold the stack region's token. */
  readonly regions: readonly string[];
  /** Routine names some AWS rule can match (infra checks them against the rule index). */
  readonly routineNames: readonly string[];
  readonly settings: AwsDeployConfig;
};

/** The watchdog's Powertools service name, the `service` dimension of its metrics (functions/handlers/trail-watchdog.ts). */
const watchdogService = 'tamperwatch-trail-watchdog';

/**
 * What the watchdog reads of CloudTrail: in this account (its own role) and in member accounts (the role the forwarder
 * stack creates for it), so a new call is granted in both.
 */
const trailReadStatement = (): PolicyStatement =>
  new PolicyStatement({
    actions: [
      'cloudtrail:DescribeTrails',
      'cloudtrail:GetTrailStatus',
      'cloudtrail:GetEventSelectors',
      'cloudtrail:LookupEvents',
    ],
    resources: ['*'],
  });

/** A run ends 10 s before the next starts (reserved concurrency 1 would throttle an overlap); at most 10 minutes. */
const timeoutFor = (rateMinutes: number): Duration => Duration.seconds(Math.min(rateMinutes * 60 - 10, 600));

/**
 * The trail watchdog (DESIGN §1.1, §9.1): Scheduler every `watchdogRate` → watchdog (reserved concurrency 1) with
 * read-only CloudTrail access, the state table and the findings topic (the stack binds those). Alarms: `TrailUnhealthy`
 * ≥ 1 per region, and the watchdog silent (no `TrailUnhealthy` datapoint) for three runs.
 */
class TrailWatchdog extends Construct {
  readonly fn: LambdaFunction;
  readonly run: ScheduledRun;
  readonly unhealthyAlarms: readonly Alarm[];
  readonly silentAlarm: Alarm;
  /** tamperwatch's own keys the watchdog checks every run ({@link TrailWatchdog.watchKeys}). */
  private readonly keys: IKey[] = [];

  constructor(scope: Construct, id: string, props: TrailWatchdogProps) {
    super(scope, id);
    const { settings, stage } = props;
    const timeout = timeoutFor(settings.watchdogRate);
    const watchdog = new DetectorFunction(this, 'Watchdog', {
      stage,
      projectRoot: props.projectRoot,
      entry: 'functions/handlers/trail-watchdog.ts',
      name: 'trail-watchdog',
      runtime: props.runtime,
      logRetention: props.logRetention,
      rulesDir: props.rulesDir,
      ...(props.ruleOverlay === undefined ? {} : { ruleOverlay: props.ruleOverlay }),
      suppressionsFile: props.suppressionsFile,
      environment: {
        TW_REGIONS: props.regions.join(','),
        // Lazy: the keys are added by watchKeys(), after the ops topic's key exists; key ARNs are tokens until deploy.
        TW_WATCHDOG_CONFIG: Lazy.string({
          produce: () =>
            Stack.of(this).toJsonString({
              routineNames: props.routineNames,
              overlapMinutes: settings.backfill.overlapMinutes,
              initialLookbackMinutes: settings.backfill.initialLookbackMinutes,
              maxDeliveryAgeMinutes: settings.maxDeliveryAgeMinutes,
              keyArns: this.keys.map((key) => key.keyArn),
            }),
        }),
        TW_DEDUP_TTL_HOURS: String(props.dedupTtlHours),
        TW_CLAIM_STALE_SECONDS: String(timeout.toSeconds() * 2),
      },
    });
    this.fn = watchdog.fn;
    const cfn = this.fn.node.defaultChild as CfnFunction;
    cfn.timeout = timeout.toSeconds();
    cfn.reservedConcurrentExecutions = 1;
    this.fn.addToRolePolicy(trailReadStatement());
    Validations.of(this.fn.role ?? this.fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudtrail:DescribeTrails and LookupEvents have no resource type; GetTrailStatus and GetEventSelectors must read organization and shadow trails whose ARNs the stack cannot know. All four only read.',
    });
    this.run = new ScheduledRun(this, 'Schedule', {
      stage,
      name: 'trail-watchdog',
      fn: this.fn,
      rateMinutes: settings.watchdogRate,
      description: 'tamperwatch: check CloudTrail coverage and backfill missed events with LookupEvents',
      input: { source: 'tamperwatch.schedule', job: 'trail-watchdog' },
    });
    this.unhealthyAlarms = props.regions.map(
      (region, index) =>
        new Alarm(this, `Unhealthy${index}`, {
          alarmName: `tamperwatch-${stage}-trail-unhealthy-${region}`,
          alarmDescription: `No logging CloudTrail trail covers ${region}: real-time detection is blind there (see the health finding)`,
          metric: this.metric('TrailUnhealthy', 'Maximum', settings.watchdogRate, region),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
    );
    this.silentAlarm = new Alarm(this, 'Silent', {
      alarmName: `tamperwatch-${stage}-trail-watchdog-silent`,
      alarmDescription:
        'The trail watchdog has reported nothing for three runs: it is failing, throttled or unscheduled',
      // Any region's series shows the watchdog ran; the first is enough.
      metric: this.metric(
        'TrailUnhealthy',
        'SampleCount',
        settings.watchdogRate,
        props.regions[0] ?? Stack.of(this).region,
      ),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });
  }

  /**
   * Watch these KMS keys by state (issue 8): grants `kms:DescribeKey` on exactly them and names them in the watchdog's
   * settings (`keyArns`), so each run raises a critical health finding when one is disabled, pending deletion or
   * unreadable. The keys' default policy lets the account's IAM policies grant this.
   */
  watchKeys(keys: readonly IKey[]): void {
    const added = keys.filter((key) => !this.keys.includes(key));
    if (added.length === 0) return;
    this.keys.push(...added);
    this.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['kms:DescribeKey'], resources: added.map((key) => key.keyArn) }),
    );
  }

  /** A watchdog metric of one region, over one run's period (at least 5 minutes). */
  private metric(name: string, statistic: string, rateMinutes: number, region: string): Metric {
    return new Metric({
      namespace: 'tamperwatch',
      metricName: name,
      dimensionsMap: { service: watchdogService, region },
      statistic,
      period: Duration.minutes(Math.max(5, rateMinutes)),
    });
  }
}

export { TrailWatchdog, type TrailWatchdogProps, timeoutFor, trailReadStatement, watchdogService };
