import * as z from 'zod';
import { type DeployConfig, DeployConfigError } from './config.js';
import { type OrgDeployConfig, regionText, unique } from './org-config.js';

/** IAM, STS (global endpoint), Organizations and CloudFront put their CloudTrail events on us-east-1's bus only. */
const globalEventsRegion = 'us-east-1';

type StackSetSettings = NonNullable<OrgDeployConfig['stackSet']> & { readonly regions: readonly string[] };

/** The organization settings after the cross-field checks; every name derived from the stage in one place. */
type OrgSettings = {
  readonly stage: string;
  readonly organizationId: string;
  readonly homeRegion: string;
  readonly regions: readonly string[];
  /** The detector (security) account; needed whenever a forwarder is synthesized. */
  readonly detectorAccount: string | undefined;
  readonly defaultBusIngest: boolean;
  readonly stackSet: StackSetSettings | undefined;
  readonly forwarderAccounts: readonly string[];
  readonly centralBusName: string;
  /** `arn:aws:events:<homeRegion>:<detectorAccount>:event-bus/<centralBusName>`, when the account is known. */
  readonly centralBusArn: string | undefined;
  readonly watchdogRolePrefix: string;
};

const problemsOf = (path: string, schema: z.ZodType, value: unknown): string[] => {
  const parsed = schema.safeParse(value);
  return parsed.success
    ? []
    : parsed.error.issues.map(
        (issue) => `tamperwatch.${[path, ...issue.path.map(String)].join('.')}: ${issue.message}`,
      );
};

const regionProblems = (config: DeployConfig, homeRegion: unknown): string[] => {
  const regions = config.regions ?? [];
  const listed = problemsOf(
    'regions',
    z.array(regionText).min(1, 'at least one region').refine(unique, 'duplicate region'),
    config.regions,
  );
  if (listed.length > 0) return listed;
  return [
    ...(regions.includes(globalEventsRegion)
      ? []
      : [
          `tamperwatch.regions: must include ${globalEventsRegion}: IAM, STS (global endpoint), Organizations and CloudFront events reach EventBridge there only`,
        ]),
    ...(typeof homeRegion === 'string' && !regions.includes(homeRegion)
      ? [`tamperwatch.regions: must include the home region ${homeRegion}`]
      : []),
  ];
};

/**
 * Cross-checks the organization settings with the top-level keys and derives the names; `undefined` when the context
 * has no `organization` section. Every problem is thrown at once as a {@link DeployConfigError}, which fails the synth.
 *
 * @example
 * const org = resolveOrganization(config); // org?.centralBusArn === 'arn:aws:events:eu-west-1:111122223333:event-bus/tamperwatch-prod-central'
 */
const resolveOrganization = (config: DeployConfig): OrgSettings | undefined => {
  const section = config.organization;
  if (section === undefined) return undefined;
  const homeRegion = config.homeRegion ?? config.region;
  const forwarders = section.stackSet !== undefined || section.forwarderAccounts.length > 0;
  const problems = [
    ...problemsOf(
      'organizationId',
      z
        .string({ error: 'required with "organization"' })
        .regex(/^o-[a-z0-9]{10,32}$/, 'an organization id such as o-a1b2c3d4e5'),
      config.organizationId,
    ),
    ...problemsOf(
      'homeRegion',
      regionText
        .or(z.undefined())
        .refine((value) => value !== undefined, 'required with "organization" (or set "region")'),
      homeRegion,
    ),
    ...(config.region !== undefined && config.homeRegion !== undefined && config.region !== config.homeRegion
      ? [
          `tamperwatch.region: ${config.region} differs from homeRegion ${config.homeRegion}; the detector and its central bus live in the home region`,
        ]
      : []),
    ...regionProblems(config, homeRegion),
    ...(section.stackSet?.regions !== undefined && !section.stackSet.regions.includes(globalEventsRegion)
      ? [`tamperwatch.organization.stackSet.regions: must include ${globalEventsRegion} (global-service events)`]
      : []),
    ...(forwarders && config.account === undefined
      ? [
          'tamperwatch.account: required with organization.stackSet or organization.forwarderAccounts: forwarders target the central bus in the detector account',
        ]
      : []),
  ];
  if (problems.length > 0) throw new DeployConfigError(problems);
  const home = homeRegion as string;
  const centralBusName = `tamperwatch-${config.stage}-central`;
  const regions = config.regions ?? [];
  return {
    stage: config.stage,
    organizationId: config.organizationId as string,
    homeRegion: home,
    regions,
    detectorAccount: config.account,
    defaultBusIngest: section.defaultBusIngest,
    stackSet:
      section.stackSet === undefined
        ? undefined
        : { ...section.stackSet, regions: section.stackSet.regions ?? regions },
    forwarderAccounts: section.forwarderAccounts,
    centralBusName,
    centralBusArn:
      config.account === undefined ? undefined : `arn:aws:events:${home}:${config.account}:event-bus/${centralBusName}`,
    watchdogRolePrefix: section.watchdogRolePrefix ?? `tamperwatch-${config.stage}-`,
  };
};

export { globalEventsRegion, type OrgSettings, resolveOrganization, type StackSetSettings };
