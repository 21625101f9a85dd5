import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, BootstraplessSynthesizer, Stage, Validations } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { ForwarderStack, type ForwarderStackProps } from '../forwarder-stack.js';
import type { StackSetSettings } from '../org-settings.js';

type ForwarderProps = Omit<ForwarderStackProps, 'env' | 'synthesizer' | 'stackName'>;

type ForwarderStackSetProps = {
  readonly forwarder: ForwarderProps;
  readonly settings: StackSetSettings;
};

/**
 * The forwarder template as StackSets deploys it: synthesized in an app of its own (its own output directory, so the
 * main assembly is untouched), without the CDK bootstrap parameter or metadata (member accounts are not bootstrapped),
 * and checked by cdk-nag AwsSolutions like the rest of the app.
 *
 * @example
 * const template = forwarderTemplate({ stage: 'prod', centralBusArn, detectorAccount, watchdogRolePrefix, patterns });
 */
const forwarderTemplate = (props: ForwarderProps): Record<string, unknown> => {
  const outdir = mkdtempSync(join(tmpdir(), 'tamperwatch-forwarder-'));
  try {
    const app = new App({
      outdir,
      autoSynth: false,
      analyticsReporting: false,
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    const stack = new ForwarderStack(app, `tamperwatch-${props.stage}-forwarder`, {
      ...props,
      synthesizer: new BootstraplessSynthesizer(),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

/**
 * The forwarder rolled out by a service-managed CloudFormation StackSet (DESIGN §1.1): one stack instance per account
 * of the organizational units × configured region, deployed automatically to accounts that join those OUs later and
 * removed from accounts that leave. The template goes to the CDK asset bucket and is referenced by URL.
 */
class ForwarderStackSet extends Construct {
  readonly stackSet: CfnStackSet;
  readonly template: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: ForwarderStackSetProps) {
    super(scope, id);
    const { settings } = props;
    const name = `tamperwatch-${props.forwarder.stage}-forwarder`;
    this.template = forwarderTemplate(props.forwarder);
    const outdir = Stage.of(this)?.outdir ?? mkdtempSync(join(tmpdir(), 'tamperwatch-stackset-'));
    const file = join(outdir, `${name}.stackset.json`);
    writeFileSync(file, `${JSON.stringify(this.template, null, 1)}\n`);
    const template = new Asset(this, 'Template', { path: file });
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: name,
      description: `tamperwatch ${props.forwarder.stage}: forwards matching CloudTrail events of every account and region to the central bus`,
      permissionModel: 'SERVICE_MANAGED',
      callAs: settings.callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: settings.retainStacksOnAccountRemoval },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        maxConcurrentPercentage: settings.maxConcurrentPercentage,
        failureTolerancePercentage: settings.failureTolerancePercentage,
      },
      stackInstancesGroup: [
        {
          deploymentTargets: {
            organizationalUnitIds: [...settings.organizationalUnitIds],
            ...(settings.excludeAccounts.length === 0
              ? {}
              : { accounts: [...settings.excludeAccounts], accountFilterType: 'DIFFERENCE' }),
          },
          regions: [...settings.regions],
        },
      ],
      templateUrl: template.httpUrl,
    });
  }
}

export { type ForwarderProps, ForwarderStackSet, type ForwarderStackSetProps, forwarderTemplate };
