import * as z from 'zod';
import { once } from '../core/once.js';

// Every schema here is built on first use, not at import: a cold start that never reads TW_AZURE_CONFIG pays nothing.

/**
 * The fields of the Azure poller's settings, shared with the deploy configuration (infra/azure-config.ts).
 *
 * @example
 * z.strictObject({ ...azurePollerFields(), enabled: z.boolean() });
 */
const azurePollerFields = once(() => {
  const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a GUID');
  return {
    tenantId: guid,
    clientId: guid,
    /** Log Analytics workspace ids (the GUID shown as "Workspace ID"), each with its own checkpoint. */
    workspaceIds: z.array(guid).min(1),
    auth: z.enum(['federated', 'secret']).default('federated'),
    secretArn: z.string().startsWith('arn:', 'a Secrets Manager secret ARN').optional(),
    /** `aud` of the AWS web identity token; must equal the federated credential's audience. */
    audience: z.string().min(1).default('api://AzureADTokenExchange'),
    /** Sovereign clouds: query API base with version (e.g. https://api.loganalytics.azure.cn/v1) and Entra ID host. */
    endpoint: z.url({ protocol: /^https$/ }).optional(),
    authorityHost: z.url({ protocol: /^https$/ }).optional(),
    /** Rows ingested this long before the checkpoint are read again (late indexing); dedup absorbs the repeats. */
    overlapMinutes: z.number().min(1).max(60).default(5), // indexing can take ~5 min at low volume
    /** Where a workspace without a checkpoint starts reading. */
    initialLookbackMinutes: z.number().int().min(5).max(2_880).default(60),
  };
});

/**
 * The Azure poller's non-secret settings (DESIGN §7 `TW_AZURE_CONFIG`): the app registration, the workspaces that
 * receive the subscriptions' Activity Log, and how to sign in. The client secret itself never appears here: with
 * `auth: "secret"` only the Secrets Manager ARN does.
 *
 * @example
 * const parsed = azurePollerSettings().safeParse(JSON.parse(env.TW_AZURE_CONFIG));
 */
const azurePollerSettings = once(() =>
  z
    .strictObject({
      ...azurePollerFields(),
      /** The poller's DLQ (set by the stack): rows that cannot be read are parked there with their location. */
      deadLetterQueueUrl: z.url({ protocol: /^https$/ }),
    })
    .refine((value) => value.auth !== 'secret' || value.secretArn !== undefined, {
      message: 'auth "secret" needs secretArn',
      path: ['secretArn'],
    }),
);

type AzurePollerSettings = z.output<ReturnType<typeof azurePollerSettings>>;

export { type AzurePollerSettings, azurePollerFields, azurePollerSettings };
