import { Annotations, CfnOutput, Stack, type StackProps, Stage, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config.js';
import { AzurePoller } from './constructs/azure-poller.js';
import { CentralBus } from './constructs/central-bus.js';
import { CloudTrailIngest } from './constructs/cloudtrail-ingest.js';
import { DetectorFunction } from './constructs/detector-function.js';
import { GcpPoller } from './constructs/gcp-poller.js';
import { StateTable } from './constructs/state-table.js';
import { TamperEvidence } from './constructs/tamper-evidence.js';
import { FindingsTopic } from './constructs/topics.js';
import { ingestPatterns } from './event-patterns.js';
import { resolveOrganization } from './org-settings.js';
import { loadAwsRuleIndex, writeSuppressionsFile } from './rules-asset.js';
import { writeBoundRules } from './self-protection.js';

type DetectorStackProps = StackProps & {
  readonly config: DeployConfig;
  /** Absolute path of the project (package.json, package-lock.json, functions/, rules/). */
  readonly projectRoot: string;
  /** AWS rules, relative to the project root (default `rules/aws`). */
  readonly rulesDir?: string;
  /** Deploy-time warnings (expired suppressions) to surface as annotations. */
  readonly warnings?: readonly string[];
};

type PollerBinding = {
  readonly table: StateTable;
  readonly topic: FindingsTopic;
  readonly runtime: DeployConfig['runtime'];
  /** The output naming the poller's credential secret, when it has one. */
  readonly secretOutputId: string;
};

const acknowledgeRuntime = (fn: IFunction, runtime: DeployConfig['runtime']): void => {
  if (runtime === 'nodejs24.x') return;
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: `runtime ${runtime} chosen in the tamperwatch context (supported until 2027-04-30); nodejs24.x is the default`,
  });
};

/**
 * The real-time AWS path (DESIGN §1.1) in one account and region: ingest rules → SQS (+ DLQ) → detector → SNS, with
 * the state table for dedup. Composition only: each construct grants access and names its resource in the environment.
 */
class DetectorStack extends Stack {
  constructor(scope: Construct, id: string, props: DetectorStackProps) {
    super(scope, id, props);
    const { config } = props;
    const organization = resolveOrganization(config);
    const rulesDir = props.rulesDir ?? 'rules/aws';
    const { operations, ruleCount } = loadAwsRuleIndex(props.projectRoot, rulesDir);
    const patterns = ingestPatterns(operations, { includeReadOnly: config.includeReadOnly });
    if (!config.includeReadOnly && patterns.readOnlyNames.length > 0) {
      Annotations.of(this).addWarningV2(
        'tamperwatch:read-only-off',
        `rules match read-only events (${patterns.readOnlyNames.join(', ')}) but includeReadOnly is false: those rules never fire in real time`,
      );
    }
    for (const warning of props.warnings ?? [])
      Annotations.of(this).addWarningV2('tamperwatch:suppression-expired', warning);

    // Read by every DetectorFunction below (construct context is inherited by children).
    this.node.setContext(DetectorFunction.sourceMapsContext, config.sourceMaps);
    const table = new StateTable(this, 'State', { stage: config.stage });
    const topic = new FindingsTopic(this, 'Findings', { stage: config.stage, subscribers: config.alerts });
    const suppressionsFile = writeSuppressionsFile(Stage.of(this)?.outdir ?? '.', config.stage, config.suppressions);
    // Self-protection rules bound to this stage's resource names (DESIGN §9.3), copied over the rules in each asset.
    const ruleOverlay = writeBoundRules(Stage.of(this)?.outdir ?? '.', config.stage, props.projectRoot, rulesDir);
    const detector = new DetectorFunction(this, 'Detector', {
      stage: config.stage,
      projectRoot: props.projectRoot,
      entry: 'functions/handlers/cloudtrail-queue.ts',
      name: 'detector',
      runtime: config.runtime,
      logRetention: config.logRetentionDays,
      rulesDir,
      suppressionsFile,
      ...(ruleOverlay === undefined ? {} : { ruleOverlay }),
      environment: {
        TW_DEDUP_TTL_HOURS: String(config.dedupTtlHours),
        // A pending claim older than two function timeouts belongs to a crashed publisher (DESIGN §5.4).
        TW_CLAIM_STALE_SECONDS: String(DetectorFunction.timeout.toSeconds() * 2),
      },
    });
    const ingest = new CloudTrailIngest(this, 'Ingest', {
      stage: config.stage,
      patterns,
      functionTimeout: DetectorFunction.timeout,
      defaultBus: organization?.defaultBusIngest ?? true,
    });
    if (organization !== undefined) {
      new CentralBus(this, 'CentralBus', {
        busName: organization.centralBusName,
        organizationId: organization.organizationId,
        ingest,
      });
    }
    ingest.bindTo(detector.fn);
    table.bindTo(detector.fn);
    topic.bindTo(detector.fn);

    const pollerProps = {
      stage: config.stage,
      projectRoot: props.projectRoot,
      runtime: config.runtime,
      logRetention: config.logRetentionDays,
      suppressionsFile,
      dedupTtlHours: config.dedupTtlHours,
    };
    if (config.gcp?.enabled === true) {
      const gcp = new GcpPoller(this, 'GcpPoller', { ...pollerProps, settings: config.gcp });
      this.bindPoller(gcp, { table, topic, runtime: config.runtime, secretOutputId: 'GcpCredentialSecretArn' });
    }
    if (config.azure?.enabled === true) {
      const azure = new AzurePoller(this, 'AzurePoller', { ...pollerProps, settings: config.azure });
      this.bindPoller(azure, { table, topic, runtime: config.runtime, secretOutputId: 'AzureClientSecretArn' });
    }
    acknowledgeRuntime(detector.fn, config.runtime);

    // Watchdog, backfill, canary, health alarms and dashboard (DESIGN §9). Keep it last: it alarms on every function
    // and dead-letter queue built above.
    new TamperEvidence(this, 'TamperEvidence', {
      config,
      projectRoot: props.projectRoot,
      rulesDir,
      ruleOverlay,
      suppressionsFile,
      operations,
      table,
      topic,
      ingest,
      detector: detector.fn,
    });

    new CfnOutput(this, 'FindingsTopicArn', { value: topic.topic.topicArn, description: 'subscribe responders here' });
    new CfnOutput(this, 'IngestQueueUrl', { value: ingest.queue.queueUrl });
    new CfnOutput(this, 'IngestDeadLetterQueueUrl', { value: ingest.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'StateTableName', { value: table.table.tableName });
    new CfnOutput(this, 'DetectorFunctionName', { value: detector.fn.functionName });
    new CfnOutput(this, 'AwsRuleCount', { value: String(ruleCount) });
    new CfnOutput(this, 'IngestRuleCount', { value: String(ingest.rules.length) });
  }

  /**
   * A poller's state and findings, and the outputs the operator wires into the other cloud: the poller's role ARN is
   * what the GCP workload identity provider's attribute condition pins (docs/gcp.md) and the `sub` of the STS web
   * identity token the Entra ID federated credential names (docs/azure.md).
   */
  private bindPoller(poller: GcpPoller | AzurePoller, bind: PollerBinding): void {
    const { id } = poller.node;
    bind.table.bindTo(poller.fn);
    bind.topic.bindTo(poller.fn);
    acknowledgeRuntime(poller.fn, bind.runtime);
    new CfnOutput(this, `${id}FunctionName`, { value: poller.fn.functionName });
    new CfnOutput(this, `${id}DeadLetterQueueUrl`, { value: poller.deadLetterQueue.queueUrl });
    new CfnOutput(this, `${id}RoleArn`, { value: poller.fn.role?.roleArn ?? '' });
    if (poller.secret !== undefined) new CfnOutput(this, bind.secretOutputId, { value: poller.secret.secretArn });
  }
}

export { DetectorStack, type DetectorStackProps };
