import * as z from 'zod';
import { azurePollerFields } from '../functions/config/azure-config.js';

/**
 * The `azure` section of the `tamperwatch` context (DESIGN §7): the poller's settings plus what only the stack uses.
 * With `auth: "secret"` and no `secretArn`, the stack creates an empty secret for the operator to fill.
 *
 * @example
 * "azure": { "tenantId": "…", "clientId": "…", "workspaceIds": ["…"], "pollRate": "2 minutes" }
 */
const azureDeployConfig = z
  .strictObject({
    ...azurePollerFields(),
    enabled: z.boolean().default(true),
    /** EventBridge Scheduler rate: `N minute(s)`, 1–15. */
    pollRate: z
      .string()
      .regex(/^([1-9]|1[0-5]) minutes?$/, 'a rate such as "2 minutes" (1–15)')
      .default('2 minutes'),
    /** PollerLagSeconds above this for two 5-minute periods (or no poll at all) raises the lag alarm. */
    maxLagMinutes: z.number().int().min(5).max(1_440).default(15),
  })
  .transform((value) => ({ ...value, pollMinutes: Number.parseInt(value.pollRate, 10) }));

type AzureDeployConfig = z.output<typeof azureDeployConfig>;

export { type AzureDeployConfig, azureDeployConfig };
