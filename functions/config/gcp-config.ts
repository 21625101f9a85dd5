import * as z from 'zod';
import { once } from '../core/once.js';

// Every schema here is built on first use, not at import: a cold start that never reads TW_GCP_CONFIG pays nothing.

/** https everywhere; http only to a loopback address (the integration test's local Logging API). */
const endpointUrl = once(() =>
  z.url().refine((text) => {
    const url = new URL(text);
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    );
  }, 'an https:// URL (http:// only to 127.0.0.1)'),
);

/**
 * Where the credential configuration is: a Secrets Manager secret or an SSM parameter (either may hold the
 * `external_account` JSON or, as the fallback, a service-account key), or inline: an `external_account` configuration
 * holds no secret (it names a pool, a provider and URLs), so it may sit in the environment.
 *
 * @example
 * credentialSource().parse({ secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gcp' });
 */
const credentialSource = once(() =>
  z.union([
    z.strictObject({ secretArn: z.string().startsWith('arn:', 'a Secrets Manager secret ARN') }),
    z.strictObject({ parameterName: z.string().regex(/^\/?[A-Za-z0-9_.\-/]+$/, 'an SSM parameter name') }),
    z.strictObject({
      config: z.looseObject({
        type: z.literal('external_account', 'inline only for external_account (a key belongs in a secret)'),
        audience: z.string().startsWith('//iam.googleapis.com/', 'a workload identity provider'),
      }),
    }),
  ]),
);

/** Logging API limits: ≤ 100 resource names per request, page size ≤ 1,000 (synth checks the same, with reasons). */
const resourceNames = once(() =>
  z
    .array(
      z
        .string()
        .regex(
          /^(projects|folders|organizations|billingAccounts)\/[^/\s]+(\/locations\/[^/\s]+\/buckets\/[^/\s]+\/views\/[^/\s]+)?$/,
          'projects|folders|organizations|billingAccounts/ID, or a log view',
        ),
    )
    .min(1)
    .max(100),
);

/**
 * The knobs shared by the runtime settings and the deploy configuration (infra/gcp-config.ts).
 *
 * @example
 * z.strictObject({ ...gcpPollerFields(), enabled: z.boolean() });
 */
const gcpPollerFields = once(() => ({
  /** The project the Logging client is created for (usually the one holding the central log bucket). */
  projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a GCP project id'),
  /** `projects/…`, `folders/…`, `organizations/…`, `billingAccounts/…` or a log view; one checkpoint each. */
  resourceNames: resourceNames(),
  /**
   * Audit logs read: Admin Activity, plus Data Access for the rules on `DATA_WRITE` methods (Security Command Center
   * mutes and notification configs). Data Access needs `roles/logging.privateLogViewer` and must be enabled in GCP.
   */
  auditLogs: z
    .array(z.enum(['activity', 'data_access']))
    .min(1)
    .default(['activity'])
    .transform((logs) => [...new Set(logs)]),
  apiEndpoint: endpointUrl().default('https://logging.googleapis.com'),
  pageSize: z.number().int().min(1).max(1_000).default(1_000),
  /** Calls per run, across resource names: below the 60 per minute and project quota, with room for retries. */
  maxPagesPerRun: z.number().int().min(1).max(55).default(30),
  /** A window needing more pages than this is halved (down to 10 s); the checkpoint moves only at a window's end. */
  maxPagesPerWindow: z.number().int().min(1).max(55).default(10),
  /** Retries of a 5xx or network error within a run (with backoff); a 429 is never retried in the same run. */
  serverRetries: z.number().int().min(0).max(5).default(2),
  overlapSeconds: z.number().int().min(0).max(3_600).default(300),
  settleSeconds: z.number().int().min(0).max(600).default(30),
  latenessMinutes: z.number().int().min(5).max(1_440).default(60),
  initialLookbackMinutes: z.number().int().min(1).max(10_080).default(60),
  maxWindowMinutes: z.number().int().min(1).max(1_440).default(15),
}));

/**
 * The GCP poller's non-secret settings (DESIGN §7 `TW_GCP_CONFIG`), written by the poller construct: what to read, where
 * the credential configuration is, where malformed entries go, and how windows are cut. Limits follow the Logging API
 * (≤ 100 resource names, page size ≤ 1,000) and its 60 `entries:list` calls per minute and project.
 *
 * @example
 * const parsed = gcpPollerSettings().safeParse(JSON.parse(env.TW_GCP_CONFIG));
 */
const gcpPollerSettings = once(() =>
  z.strictObject({
    ...gcpPollerFields(),
    credential: credentialSource(),
    /** The poller's DLQ: malformed entries are sent here with their location. */
    deadLetterQueueUrl: z.url(),
  }),
);

type GcpPollerSettings = z.output<ReturnType<typeof gcpPollerSettings>>;

export { credentialSource, type GcpPollerSettings, gcpPollerFields, gcpPollerSettings };
