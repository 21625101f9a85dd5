import * as z from 'zod';
import { expiryOf, suppressionSchema } from '../functions/core/suppress.js';
import { awsDeployConfig } from './aws-config.js';
import { azureDeployConfig } from './azure-config.js';
import { gcpDeployConfig } from './gcp-config.js';
import { orgDeployConfig } from './org-config.js';

const severities = ['info', 'low', 'medium', 'high', 'critical'] as const;
const runtimes = ['nodejs22.x', 'nodejs24.x'] as const;
/** CloudWatch Logs accepts only these retention periods (days). */
const retentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const maxSuppressionDays = 366;

/** Optional SNS filter on the `severity` attribute, e.g. `["high", "critical"]` for an e-mail list. */
const severityFilter = z.array(z.enum(severities)).min(1).optional();

const emailSubscriber = z.union(
  [
    z.email().transform((address) => ({ address, severities: undefined })),
    z.strictObject({ address: z.email(), severities: severityFilter }),
  ],
  { error: 'an e-mail address, or { "address": …, "severities": [ … ] }' },
);
const httpsSubscriber = z.union(
  [
    z.url({ protocol: /^https$/ }).transform((url) => ({ url, severities: undefined })),
    z.strictObject({ url: z.url({ protocol: /^https$/ }), severities: severityFilter }),
  ],
  { error: 'an https:// URL, or { "url": …, "severities": [ … ] }' },
);
const sqsArn = z.string().regex(/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$/, 'an SQS queue ARN');
const sqsSubscriber = z.union(
  [
    sqsArn.transform((arn) => ({ arn, severities: undefined, rawMessageDelivery: true })),
    z.strictObject({ arn: sqsArn, severities: severityFilter, rawMessageDelivery: z.boolean().default(true) }),
  ],
  { error: 'an SQS queue ARN, or { "arn": …, "severities": [ … ], "rawMessageDelivery": true }' },
);

const deployConfig = z.strictObject({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and -, starting with a letter, ≤ 20')
    .default('prod'),
  /** Optional: pin the stack to an account and region; without them the stack is environment-agnostic. */
  account: z
    .string()
    .regex(/^\d{12}$/, '12 digits')
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
    .optional(),
  runtime: z.enum(runtimes).default('nodejs24.x'),
  dedupTtlHours: z.number().int().min(1).max(8_760).default(168),
  logRetentionDays: z
    .number()
    .refine((days) => retentionDays.includes(days), `one of ${retentionDays.join(', ')}`)
    .default(90),
  /** Also deliver read-only (Get/List/Describe) management events for the rules that match such names. */
  includeReadOnly: z.boolean().default(false),
  /**
   * NODE_OPTIONS=--enable-source-maps on every function: stack traces name source files and lines, at 6–12 ms more
   * per cold start (docs/BENCHMARKS.md). Off by default; the maps are in each asset either way.
   */
  sourceMaps: z.boolean().default(false),
  alerts: z
    .strictObject({
      emails: z.array(emailSubscriber).default([]),
      https: z.array(httpsSubscriber).default([]),
      sqsSubscribers: z.array(sqsSubscriber).default([]),
    })
    .default({ emails: [], https: [], sqsSubscribers: [] }),
  suppressions: z.array(suppressionSchema()).default([]),
  // Sections read by the pollers, watchdog and forwarder stacks (DESIGN §7); accepted here so one context object serves all.
  homeRegion: z.string().optional(),
  regions: z.array(z.string()).optional(),
  organizationId: z.string().optional(),
  /** Central bus and forwarders (infra/org-settings.ts cross-checks it with organizationId, homeRegion, regions). */
  organization: orgDeployConfig.optional(),
  output: z.unknown().optional(),
  /** Trail watchdog, backfill, canary and health alarms (infra/aws-config.ts); all on by default. */
  aws: awsDeployConfig.prefault({}),
  gcp: gcpDeployConfig.optional(),
  azure: azureDeployConfig.optional(),
});

type DeployConfig = z.output<typeof deployConfig>;
type Subscribers = DeployConfig['alerts'];

class DeployConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`invalid "tamperwatch" context (${problems.length} problem(s)):\n  ${problems.join('\n  ')}`, options);
    this.name = 'DeployConfigError';
  }
}

const pathOf = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    'tamperwatch',
  );

/**
 * Rules that need the clock or span entries: suppression ids unique, expiry at most a year ahead. Run over every entry
 * that is well-formed on its own, even when other parts of the context are not, so all problems come out at once.
 */
const suppressionProblems = (raw: unknown, now: Date): string[] => {
  const entries = Array.isArray(raw) ? raw : [];
  const latest = now.getTime() + maxSuppressionDays * 86_400_000;
  const seen = new Set<string>();
  return entries.flatMap((candidate, index) => {
    const parsed = suppressionSchema().safeParse(candidate);
    if (!parsed.success) return [];
    const entry = parsed.data;
    const problems: string[] = [];
    if (seen.has(entry.id)) problems.push(`tamperwatch.suppressions[${index}].id: duplicate id '${entry.id}'`);
    seen.add(entry.id);
    if (expiryOf(entry).getTime() > latest) {
      problems.push(
        `tamperwatch.suppressions[${index}].expires: more than a year ahead (${entry.expires}); review and renew instead`,
      );
    }
    return problems;
  });
};

/** `cdk synth -c tamperwatch='{…}'` passes the context as text: it is read as JSON. */
const fromContext = (raw: unknown): unknown => {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

/**
 * The validated deploy configuration from the `tamperwatch` context. Every problem is collected and thrown at once as a
 * {@link DeployConfigError}, which fails `cdk synth`. `warnings` lists suppressions that have already expired.
 *
 * @example
 * const { config, warnings } = parseDeployConfig(app.node.tryGetContext('tamperwatch'), new Date());
 */
const parseDeployConfig = (raw: unknown, now: Date): { config: DeployConfig; warnings: string[] } => {
  const context = fromContext(raw);
  const parsed = deployConfig.safeParse(context);
  const rawSuppressions =
    typeof context === 'object' && context !== null ? (context as { suppressions?: unknown }).suppressions : undefined;
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`)),
    ...suppressionProblems(rawSuppressions, now),
  ];
  if (!parsed.success || problems.length > 0) throw new DeployConfigError(problems, { cause: parsed.error });
  const warnings = parsed.data.suppressions
    .filter((entry) => expiryOf(entry).getTime() <= now.getTime())
    .map(
      (entry) =>
        `suppression '${entry.id}' (owner ${entry.owner}) expired on ${entry.expires}: it no longer suppresses`,
    );
  return { config: parsed.data, warnings };
};

export { type DeployConfig, DeployConfigError, parseDeployConfig, type Subscribers };
