import { AssetHashType, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HandlerAssetBundling } from './handler-asset.js';

type DetectorFunctionProps = {
  readonly stage: string;
  readonly projectRoot: string;
  /** Handler source, relative to the project root. */
  readonly entry: string;
  readonly name: string;
  readonly runtime: 'nodejs22.x' | 'nodejs24.x';
  readonly logRetention: RetentionDays;
  /** Rule YAML (relative to the project root) the asset step (handler-asset.ts) copies in, read via `TW_RULES_DIR`. */
  readonly rulesDir: string;
  /** A JSON file written at synth, copied into the asset as `suppressions.json`. */
  readonly suppressionsFile: string;
  readonly environment: Readonly<Record<string, string>>;
  /** A folder written at synth whose files replace the same paths under the rules dir (stage-bound self-protection rules). */
  readonly ruleOverlay?: string;
};

const runtimes = { 'nodejs22.x': Runtime.NODEJS_22_X, 'nodejs24.x': Runtime.NODEJS_24_X } as const;
const timeout = Duration.seconds(30);
const taskRoot = '/var/task';

/**
 * Every tamperwatch function: the asset built locally by handler-asset.ts (esbuild in process, never Docker; ESM split
 * into chunks, rules, rule pack, suppressions), arm64, its own role (no managed policies) and a log group with retention.
 */
class DetectorFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DetectorFunctionProps) {
    super(scope, id);
    const functionName = `tamperwatch-${props.stage}-${props.name}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const rulesDir = props.rulesDir.replace(/\/+$/, '');
    const local = new HandlerAssetBundling({
      projectRoot: props.projectRoot,
      entry: props.entry,
      rulesDir,
      suppressionsFile: props.suppressionsFile,
      ...(props.ruleOverlay === undefined ? {} : { ruleOverlay: props.ruleOverlay }),
    });
    this.fn = new LambdaFunction(this, 'Function', {
      functionName,
      handler: 'index.handler',
      code: Code.fromAsset(props.projectRoot, {
        assetHashType: AssetHashType.OUTPUT,
        // Never pulled: the local bundling always succeeds or throws.
        bundling: { image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'), local },
      }),
      runtime: runtimes[props.runtime],
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout,
      role,
      logGroup: this.logGroup,
      environment: {
        TW_STAGE: props.stage,
        TW_RULES_DIR: `${taskRoot}/${rulesDir}`,
        TW_SUPPRESSIONS_FILE: `${taskRoot}/suppressions.json`,
        POWERTOOLS_SERVICE_NAME: functionName,
        POWERTOOLS_METRICS_NAMESPACE: 'tamperwatch',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...(this.node.tryGetContext(DetectorFunction.sourceMapsContext) === true
          ? { NODE_OPTIONS: '--enable-source-maps' }
          : {}),
        ...props.environment,
      },
    });
  }

  static readonly timeout = timeout;
  /** Construct context key: true sets NODE_OPTIONS=--enable-source-maps (the `sourceMaps` deploy option). */
  static readonly sourceMapsContext = 'tamperwatch:sourceMaps';
}

export { DetectorFunction, type DetectorFunctionProps };
