import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { parseDeployConfig } from '../../infra/config.js';
import { DetectorStack } from '../../infra/detector-stack.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** A detector stack from a `tamperwatch` context; bundling is skipped unless asked for (it is slow). */
const stackFactory = (context: Record<string, unknown> = {}, options: { rulesDir?: string; bundle?: boolean } = {}) => {
  const app = new App(options.bundle === true ? {} : { context: { 'aws:cdk:bundling-stacks': [] } });
  const { config, warnings } = parseDeployConfig(context, new Date('2026-11-24T10:00:00Z'));
  const stack = new DetectorStack(app, 'tamperwatch-test-detector', {
    config,
    projectRoot,
    warnings,
    ...(options.rulesDir === undefined ? {} : { rulesDir: options.rulesDir }),
  });
  return { app, stack, config };
};

export { projectRoot, stackFactory };
