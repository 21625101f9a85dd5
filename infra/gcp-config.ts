import * as z from 'zod';
import { credentialSource, gcpPollerFields } from '../functions/config/gcp-config.js';
import { resourceNameProblems } from '../functions/core/sources/gcp/poll-window.js';

/**
 * The `gcp` section of the `tamperwatch` context (DESIGN §7): the poller's settings plus what only the stack uses.
 * Without `credential`, the stack creates an empty secret for the operator to fill with the credential configuration.
 *
 * @example
 * "gcp": { "projectId": "central-logs", "resourceNames": ["projects/central-logs/locations/global/buckets/audit/views/_AllLogs"] }
 */
const gcpDeployConfig = z
  .strictObject({
    ...gcpPollerFields(),
    resourceNames: gcpPollerFields().resourceNames.superRefine((names, context) => {
      for (const message of resourceNameProblems(names)) context.addIssue({ code: 'custom', message });
    }),
    credential: credentialSource().optional(),
    enabled: z.boolean().default(true),
    /** The organization whose sinks the watchdog checks (DESIGN §9.1); the poller itself reads `resourceNames`. */
    organization: z
      .string()
      .regex(/^organizations\/\d+$/, 'organizations/<number>')
      .optional(),
    /** EventBridge Scheduler rate: `N minute(s)`, 1–15. */
    pollRate: z
      .string()
      .regex(/^([1-9]|1[0-5]) minutes?$/, 'a rate such as "1 minute" (1–15)')
      .default('1 minute'),
    /** PollerLagSeconds above this for two 5-minute periods (or no lag reported at all) raises the lag alarm. */
    maxLagMinutes: z.number().int().min(5).max(1_440).default(15),
  })
  .transform((value) => ({ ...value, pollMinutes: Number.parseInt(value.pollRate, 10) }));

type GcpDeployConfig = z.output<typeof gcpDeployConfig>;

export { type GcpDeployConfig, gcpDeployConfig };
