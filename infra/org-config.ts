import * as z from 'zod';

const regionText = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1');
const accountId = z.string().regex(/^\d{12}$/, '12 digits');
const ouOrRootId = z
  .string()
  .regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, 'an organization root (r-…) or OU (ou-…-…) id');
const percentage = z.number().int().min(0).max(100);

const unique = <T>(values: readonly T[]): boolean => new Set(values).size === values.length;

/**
 * The `organization` section of the `tamperwatch` context: how forwarders reach the central bus. Its presence turns the
 * central bus on; the organization id, home region and regions are the top-level keys of DESIGN §7.
 *
 * @example
 * "organization": { "stackSet": { "organizationalUnitIds": ["r-ab12"], "callAs": "DELEGATED_ADMIN" } }
 */
const orgDeployConfig = z.strictObject({
  /** Also ingest from the detector account's own default bus in the home region (off when a forwarder covers it). */
  defaultBusIngest: z.boolean().default(true),
  /** Service-managed StackSet that rolls the forwarder out to the OUs, and to accounts that join them later. */
  stackSet: z
    .strictObject({
      /** The account that owns the StackSet: the management account or a StackSets delegated administrator. */
      adminAccount: accountId.optional(),
      callAs: z.enum(['SELF', 'DELEGATED_ADMIN']).default('DELEGATED_ADMIN'),
      organizationalUnitIds: z.array(ouOrRootId).min(1),
      /** Accounts in those OUs that get no forwarder (e.g. the detector account when `defaultBusIngest` is on). */
      excludeAccounts: z.array(accountId).refine(unique, 'duplicate account').default([]),
      /** Default: the top-level `regions`. */
      regions: z.array(regionText).min(1).refine(unique, 'duplicate region').optional(),
      retainStacksOnAccountRemoval: z.boolean().default(false),
      maxConcurrentPercentage: percentage.min(1).default(25),
      failureTolerancePercentage: percentage.default(10),
    })
    .optional(),
  /** Accounts that get one `cdk deploy`-able forwarder stack per region (e.g. the management account). */
  forwarderAccounts: z.array(accountId).refine(unique, 'duplicate account').default([]),
  /** Role-name prefix in the detector account allowed to assume the watchdog read role (default `tamperwatch-<stage>-`). */
  watchdogRolePrefix: z
    .string()
    .regex(/^[\w+=,.@-]{1,40}$/, 'IAM role-name characters')
    .optional(),
});

type OrgDeployConfig = z.output<typeof orgDeployConfig>;

export { accountId, type OrgDeployConfig, orgDeployConfig, regionText, unique };
