import * as z from 'zod';
import { once } from '../core/once.js';
import { type AzurePollerSettings, azurePollerSettings } from './azure-config.js';
import { type GcpPollerSettings, gcpPollerSettings } from './gcp-config.js';

/**
 * Variables the stack sets (DESIGN §7); the construct that grants access to a resource also names it here. Built on
 * first use, not at import: schema construction is most of this module's share of a cold start.
 */
const runtimeEnv = once(() =>
  z.object({
    TW_STAGE: z.string().min(1),
    TW_TOPIC_ARN: z.string().startsWith('arn:', 'an SNS topic ARN'),
    TW_STATE_TABLE: z.string().min(1),
    TW_RULES_DIR: z.string().min(1),
    TW_SUPPRESSIONS_FILE: z.string().min(1).optional(),
    TW_DEDUP_TTL_HOURS: z.coerce.number().int().positive().max(8_760).default(168),
    TW_CLAIM_STALE_SECONDS: z.coerce.number().int().positive().default(60),
  }),
);

/** The parsed runtime configuration, passed down as an argument; nothing else reads the environment. */
type RuntimeConfig = {
  readonly stage: string;
  readonly topicArn: string;
  readonly stateTable: string;
  readonly rulesDir: string;
  readonly suppressionsFile: string | undefined;
  readonly dedupTtlSeconds: number;
  readonly claimStaleSeconds: number;
};

class RuntimeConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuntimeConfigError';
  }
}

/**
 * Parses the environment once per cold start; every problem is reported at once.
 *
 * @example
 * const config = loadRuntimeConfig(); // throws RuntimeConfigError naming each bad variable
 */
const loadRuntimeConfig = (env: Readonly<Record<string, string | undefined>> = process.env): RuntimeConfig => {
  const parsed = runtimeEnv().safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new RuntimeConfigError(`invalid runtime configuration:\n  ${problems.join('\n  ')}`, { cause: parsed.error });
  }
  const value = parsed.data;
  return {
    stage: value.TW_STAGE,
    topicArn: value.TW_TOPIC_ARN,
    stateTable: value.TW_STATE_TABLE,
    rulesDir: value.TW_RULES_DIR,
    suppressionsFile: value.TW_SUPPRESSIONS_FILE,
    dedupTtlSeconds: value.TW_DEDUP_TTL_HOURS * 3_600,
    claimStaleSeconds: value.TW_CLAIM_STALE_SECONDS,
  };
};

/**
 * The Azure poller's settings from `TW_AZURE_CONFIG` (non-secret JSON set by the poller construct); every problem at once.
 *
 * @example
 * const azure = loadAzurePollerSettings(); // { tenantId, clientId, workspaceIds, auth, … }
 */
const loadAzurePollerSettings = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): AzurePollerSettings => {
  let raw: unknown;
  try {
    raw = JSON.parse(env.TW_AZURE_CONFIG ?? '');
  } catch (error) {
    throw new RuntimeConfigError('TW_AZURE_CONFIG: missing or not JSON', { cause: error });
  }
  const parsed = azurePollerSettings().safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `TW_AZURE_CONFIG.${issue.path.join('.')}: ${issue.message}`);
  throw new RuntimeConfigError(`invalid runtime configuration:\n  ${problems.join('\n  ')}`, { cause: parsed.error });
};

/**
 * The GCP poller's settings from `TW_GCP_CONFIG` (non-secret JSON set by the poller construct); every problem at once.
 *
 * @example
 * const gcp = loadGcpPollerSettings(); // { projectId, resourceNames, credential, deadLetterQueueUrl, … }
 */
const loadGcpPollerSettings = (env: Readonly<Record<string, string | undefined>> = process.env): GcpPollerSettings => {
  let raw: unknown;
  try {
    raw = JSON.parse(env.TW_GCP_CONFIG ?? '');
  } catch (error) {
    throw new RuntimeConfigError('TW_GCP_CONFIG: missing or not JSON', { cause: error });
  }
  const parsed = gcpPollerSettings().safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `TW_GCP_CONFIG.${issue.path.join('.')}: ${issue.message}`);
  throw new RuntimeConfigError(`invalid runtime configuration:\n  ${problems.join('\n  ')}`, { cause: parsed.error });
};

export { loadAzurePollerSettings, loadGcpPollerSettings, loadRuntimeConfig, type RuntimeConfig, RuntimeConfigError };
