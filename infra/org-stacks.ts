import { type App, Stack } from 'aws-cdk-lib';
import type { DeployConfig } from './config.js';
import { type ForwarderProps, ForwarderStackSet } from './constructs/forwarder-stackset.js';
import { ingestPatterns } from './event-patterns.js';
import { ForwarderStack } from './forwarder-stack.js';
import { resolveOrganization } from './org-settings.js';
import { loadAwsRuleIndex } from './rules-asset.js';

type OrganizationStacks = {
  /** One per `organization.forwarderAccounts` × region: `cdk deploy tamperwatch-<stage>-forwarder-<account>-<region>`. */
  readonly forwarders: readonly ForwarderStack[];
  /** `tamperwatch-<stage>-forwarders`, holding the StackSet, when `organization.stackSet` is configured. */
  readonly stackSetStack: Stack | undefined;
};

/**
 * Adds the forwarder stacks and the StackSet stack the `organization` section asks for. Patterns come from the same
 * rule index and generator as the detector's ingest rules, so forwarders send exactly what the central bus takes.
 *
 * @example
 * addOrganizationStacks(app, { config, projectRoot }); // after the DetectorStack
 */
const addOrganizationStacks = (
  app: App,
  props: { readonly config: DeployConfig; readonly projectRoot: string; readonly rulesDir?: string },
): OrganizationStacks => {
  const { config } = props;
  const org = resolveOrganization(config);
  if (org === undefined || org.centralBusArn === undefined || org.detectorAccount === undefined) {
    return { forwarders: [], stackSetStack: undefined };
  }
  const { operations } = loadAwsRuleIndex(props.projectRoot, props.rulesDir ?? 'rules/aws');
  const forwarder: ForwarderProps = {
    stage: org.stage,
    centralBusArn: org.centralBusArn,
    detectorAccount: org.detectorAccount,
    watchdogRolePrefix: org.watchdogRolePrefix,
    patterns: ingestPatterns(operations, { includeReadOnly: config.includeReadOnly }),
  };
  const forwarders = org.forwarderAccounts.flatMap((account) =>
    org.regions.map(
      (region) =>
        new ForwarderStack(app, `tamperwatch-${org.stage}-forwarder-${account}-${region}`, {
          ...forwarder,
          env: { account, region },
        }),
    ),
  );
  if (org.stackSet === undefined) return { forwarders, stackSetStack: undefined };
  const stackSetStack = new Stack(app, `tamperwatch-${org.stage}-forwarders`, {
    env: { account: org.stackSet.adminAccount ?? org.detectorAccount, region: org.homeRegion },
    description: `tamperwatch ${org.stage}: the StackSet that rolls the forwarder out to the organization`,
  });
  new ForwarderStackSet(stackSetStack, 'Forwarders', { forwarder, settings: org.stackSet });
  return { forwarders, stackSetStack };
};

export { addOrganizationStacks, type OrganizationStacks };
