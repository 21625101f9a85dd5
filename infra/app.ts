import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeployConfigError, parseDeployConfig } from './config.js';
import { DetectorStack } from './detector-stack.js';
import { addOrganizationStacks } from './org-stacks.js';
import { RuleLoadError } from './rules-asset.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** cdk.json → validated config → stack props. Config and rule problems fail the synth with every problem listed. */
const main = (): void => {
  const app = new App();
  const { config, warnings } = parseDeployConfig(app.node.tryGetContext('tamperwatch'), new Date());
  const env =
    config.account !== undefined && config.region !== undefined
      ? { account: config.account, region: config.region }
      : undefined;
  new DetectorStack(app, `tamperwatch-${config.stage}-detector`, {
    config,
    projectRoot,
    warnings,
    ...(env && { env }),
  });
  addOrganizationStacks(app, { config, projectRoot });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
};

try {
  main();
} catch (error) {
  if (!(error instanceof DeployConfigError || error instanceof RuleLoadError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
