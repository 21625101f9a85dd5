import * as z from 'zod';

/**
 * Names looked up on every watchdog run (≤ 20: LookupEvents takes one name per call, 2 calls per second): the calls that
 * blind CloudTrail or silence tamperwatch's own path, as CloudTrail logs them (Lambda with its API-version suffixes).
 */
const defaultRoutineNames = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'DisableRule',
  'DeleteRule',
  'RemoveTargets',
  'PutTargets',
  'PutRule',
  'PutFunctionConcurrency20171031',
  'DeleteFunction20150331',
  'UpdateFunctionCode20150331v2',
  'UpdateFunctionConfiguration20150331v2',
  'DeleteEventSourceMapping20150331',
  'UpdateEventSourceMapping20150331',
  'PurgeQueue',
  'DeleteQueue',
  'SetQueueAttributes',
  'PutRolePolicy',
  'DeleteStack',
];

/** EventBridge Scheduler rate in minutes: `N minute(s)`, 1–60. */
const rate = (fallback: string) =>
  z
    .string()
    .regex(/^([1-9]|[1-5]\d|60) minutes?$/, 'a rate such as "5 minutes" (1–60)')
    .default(fallback)
    .transform((text) => Number.parseInt(text, 10));

const snsTopicArn = z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN');

/**
 * The `aws` section of the `tamperwatch` context (DESIGN §7, §9): trail watchdog and backfill, canary, health alarms.
 * Every key has a default, so `"aws": {}` (or no section) deploys all of it.
 *
 * @example
 * "aws": { "watchdogRate": "5 minutes", "canary": { "maxDelaySeconds": 600 }, "alarms": { "emails": ["ops@example.com"] } }
 */
const awsDeployConfig = z.strictObject({
  /** How often the trail watchdog (health + backfill) runs. */
  watchdogRate: rate('5 minutes'),
  /** A logging trail whose last delivery is older than this is unhealthy. */
  maxDeliveryAgeMinutes: z.number().int().min(10).max(1_440).default(30),
  backfill: z
    .strictObject({
      routineNames: z
        .array(z.string().regex(/^[A-Za-z0-9]+$/, 'an event name as CloudTrail logs it'))
        .min(1)
        .max(20, 'at most 20 names: each costs one LookupEvents call (2 per second) per region and run')
        .default(defaultRoutineNames),
      /** LookupEvents shows events minutes late: each window reaches this far before the watermark. */
      overlapMinutes: z.number().int().min(5).max(120).default(15),
      /** The first run (no watermark yet) looks back this far. */
      initialLookbackMinutes: z.number().int().min(5).max(1_440).default(60),
    })
    .prefault({}),
  canary: z
    .strictObject({
      enabled: z.boolean().default(true),
      rate: rate('5 minutes'),
      /** The canary's event must reach the detector within this long (DESIGN: 10 min). */
      maxDelaySeconds: z.number().int().min(120).max(3_600).default(600),
    })
    .prefault({}),
  alarms: z
    .strictObject({
      /** Subscribed to the ops topic (alarm notifications carry no attributes, so no filter). */
      emails: z.array(z.email()).default([]),
      /** A topic, e.g. in another account, that the heartbeat and trail alarms notify as well. */
      secondTopicArn: snsTopicArn.optional(),
    })
    .prefault({}),
  /** Accounts the watchdog reads through the forwarder's read-only role (organization deployments). */
  watchAccounts: z.array(z.string().regex(/^\d{12}$/, '12 digits')).default([]),
});

type AwsDeployConfig = z.output<typeof awsDeployConfig>;

export { type AwsDeployConfig, awsDeployConfig, defaultRoutineNames };
