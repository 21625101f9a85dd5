import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

type HealthDashboardProps = {
  readonly stage: string;
  readonly regions: readonly string[];
  readonly ingestQueue: IQueue;
  readonly detector: IFunction;
  readonly findingsTopic: ITopic;
  /** Services that publish findings through the pipeline (detector, watchdog backfill, pollers). */
  readonly services: readonly string[];
  /** Pollers whose `PollerLagSeconds` to chart. */
  readonly pollers: readonly string[];
};

const period = Duration.minutes(5);

const custom = (metricName: string, service: string, statistic: string, extra: Record<string, string> = {}) =>
  new Metric({
    namespace: 'tamperwatch',
    metricName,
    dimensionsMap: { service, ...extra },
    statistic,
    period,
    label: `${metricName} ${service.replace('tamperwatch-', '')}${Object.values(extra)
      .map((v) => ` ${v}`)
      .join('')}`,
  });

const graph = (title: string, left: IMetric[], right: IMetric[] = []): GraphWidget =>
  new GraphWidget({ title, left, right, width: 12, height: 6 });

/**
 * The health dashboard `tamperwatch-<stage>-health` (DESIGN §9): events in, findings out (real time, backfill, pollers),
 * latency (event → publish, canary round trip), lag (pollers, ingest backlog), trail health and heartbeat per region,
 * and the state of every alarm of the stack.
 */
class HealthDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: HealthDashboardProps) {
    super(scope, id);
    const detector = 'tamperwatch-detector';
    const watchdog = 'tamperwatch-trail-watchdog';
    const perRegion = (name: string, service: string, statistic: string) =>
      props.regions.map((region) => custom(name, service, statistic, { region }));
    const alarms = Stack.of(this)
      .node.findAll()
      .filter((c): c is Alarm => c instanceof Alarm);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `tamperwatch-${props.stage}-health`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# tamperwatch ${props.stage}\nEvents in → findings out; a finding from *backfill* is one the real-time path missed. Runbook: docs/tamper-evidence.md`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Events in',
        [props.ingestQueue.metricNumberOfMessagesReceived({ period, statistic: 'Sum', label: 'ingest messages' })],
        [props.detector.metricInvocations({ period, statistic: 'Sum', label: 'detector invocations' })],
      ),
      graph(
        'Findings out',
        [
          ...props.services.map((service) => custom('Published', service, 'Sum')),
          ...perRegion('BackfillFindings', watchdog, 'Sum'),
        ],
        [props.findingsTopic.metricNumberOfMessagesPublished({ period, statistic: 'Sum', label: 'SNS published' })],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Latency',
        [
          custom('EventToPublish', detector, 'p50'),
          custom('EventToPublish', detector, 'p99'),
          custom('ReceiveToPublish', detector, 'p99'),
        ],
        perRegion('CanaryLatencySeconds', detector, 'Maximum'),
      ),
      graph(
        'Lag',
        props.pollers.map((service) => custom('PollerLagSeconds', service, 'Maximum')),
        [
          props.ingestQueue.metricApproximateAgeOfOldestMessage({
            period,
            statistic: 'Maximum',
            label: 'ingest backlog age (s)',
          }),
        ],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Heartbeat and trail health',
        perRegion('Heartbeat', detector, 'Sum'),
        perRegion('TrailUnhealthy', watchdog, 'Maximum'),
      ),
      new AlarmStatusWidget({ title: 'Alarms', alarms, width: 12, height: 6 }),
    );
  }
}

export { HealthDashboard, type HealthDashboardProps };
