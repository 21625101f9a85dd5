import * as z from 'zod';
import { once } from '../core/once.js';
import { RuntimeConfigError } from './runtime-config.js';

// Schemas are built on first use, not at import: constructing them is a measurable part of a Lambda cold start.

/** `TW_REGIONS`: the regions the watchdog and the canary watch, comma-separated (the stack's region by default). */
const regionList = once(() =>
  z
    .string()
    .min(1)
    .transform((text) => [...new Set(text.split(',').map((region) => region.trim()))].filter((r) => r !== ''))
    .pipe(z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')).min(1)),
);

/** The watchdog's settings, non-secret JSON in `TW_WATCHDOG_CONFIG` set by infra/constructs/trail-watchdog.ts. */
const watchdogSettings = once(() =>
  z.strictObject({
    routineNames: z.array(z.string().regex(/^[A-Za-z0-9]+$/)).max(20),
    overlapMinutes: z.number().int().min(0).max(120).default(15),
    initialLookbackMinutes: z.number().int().min(5).max(1_440).default(60),
    settleSeconds: z.number().int().min(0).max(900).default(120),
    maxDeliveryAgeMinutes: z.number().int().min(5).max(1_440).default(30),
    /** tamperwatch's own KMS keys, whose state the watchdog checks every run (the stack grants DescribeKey on these). */
    keyArns: z
      .array(z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'a KMS key ARN'))
      .max(10)
      .default([]),
  }),
);
type WatchdogRuntimeSettings = z.output<ReturnType<typeof watchdogSettings>> & { readonly regions: readonly string[] };

type CanaryRuntimeSettings = {
  readonly regions: readonly string[];
  readonly parameterName: string;
  readonly maxDelaySeconds: number;
  readonly tags: Readonly<Record<string, string>>;
};

const canaryEnv = once(() =>
  z.object({
    TW_REGIONS: regionList(),
    TW_STAGE: z.string().min(1),
    TW_CANARY_PARAMETER: z.string().regex(/^[A-Za-z0-9_.\-/]{1,1011}$/, 'an SSM parameter name'),
    TW_CANARY_MAX_DELAY: z.coerce.number().int().min(60).max(86_400).default(600),
  }),
);

const fail = (error: z.ZodError, prefix = ''): never => {
  const problems = error.issues.map((issue) => `${prefix}${issue.path.join('.')}: ${issue.message}`);
  throw new RuntimeConfigError(`invalid runtime configuration:\n  ${problems.join('\n  ')}`, { cause: error });
};

/**
 * The trail watchdog's settings from `TW_REGIONS` and `TW_WATCHDOG_CONFIG`; every problem at once.
 *
 * @example
 * const watchdog = loadWatchdogSettings(); // { regions: ['eu-west-1'], routineNames: ['StopLogging', …], … }
 */
const loadWatchdogSettings = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): WatchdogRuntimeSettings => {
  const regions = regionList().safeParse(env.TW_REGIONS ?? '');
  if (!regions.success) fail(regions.error, 'TW_REGIONS');
  let raw: unknown;
  try {
    raw = JSON.parse(env.TW_WATCHDOG_CONFIG ?? '');
  } catch (error) {
    throw new RuntimeConfigError('TW_WATCHDOG_CONFIG: missing or not JSON', { cause: error });
  }
  const parsed = watchdogSettings().safeParse(raw);
  if (!parsed.success) return fail(parsed.error, 'TW_WATCHDOG_CONFIG.');
  return { ...parsed.data, regions: regions.data ?? [] };
};

/**
 * The canary's settings from `TW_REGIONS`, `TW_CANARY_PARAMETER` and `TW_CANARY_MAX_DELAY` (seconds).
 *
 * @example
 * const canary = loadCanarySettings(); // { regions: ['eu-west-1'], parameterName: 'tamperwatch-prod-canary', … }
 */
const loadCanarySettings = (env: Readonly<Record<string, string | undefined>> = process.env): CanaryRuntimeSettings => {
  const parsed = canaryEnv().safeParse(env);
  if (!parsed.success) return fail(parsed.error);
  return {
    regions: parsed.data.TW_REGIONS,
    parameterName: parsed.data.TW_CANARY_PARAMETER,
    maxDelaySeconds: parsed.data.TW_CANARY_MAX_DELAY,
    tags: { 'tamperwatch:stage': parsed.data.TW_STAGE, 'tamperwatch:role': 'canary' },
  };
};

export { type CanaryRuntimeSettings, loadCanarySettings, loadWatchdogSettings, type WatchdogRuntimeSettings };
