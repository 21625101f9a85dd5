import { describe, expect, it } from 'vitest';
import { RuntimeConfigError } from '../../../functions/config/runtime-config.js';
import { loadCanarySettings, loadWatchdogSettings } from '../../../functions/config/tamper-config.js';

describe('Runtime configuration: watchdog and canary', () => {
  it('reads the watchdog settings the stack sets, with defaults', () => {
    // Act
    const settings = loadWatchdogSettings({
      TW_REGIONS: 'eu-west-1, us-east-1,eu-west-1',
      TW_WATCHDOG_CONFIG: JSON.stringify({ routineNames: ['StopLogging'], overlapMinutes: 15 }),
    });
    // Assess
    expect(settings).toEqual({
      regions: ['eu-west-1', 'us-east-1'],
      routineNames: ['StopLogging'],
      overlapMinutes: 15,
      initialLookbackMinutes: 60,
      settleSeconds: 120,
      maxDeliveryAgeMinutes: 30,
      keyArns: [],
    });
  });

  it('reads the ARNs of the keys to watch, and refuses anything that is not a KMS key ARN', () => {
    // Prepare
    const key = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const load = (keyArns: string[]) =>
      loadWatchdogSettings({
        TW_REGIONS: 'eu-west-1',
        TW_WATCHDOG_CONFIG: JSON.stringify({ routineNames: [], keyArns }),
      });
    // Act
    const settings = load([key]);
    // Assess
    expect(settings.keyArns).toEqual([key]);
    expect(() => load(['arn:aws:kms:eu-west-1:111122223333:alias/tamperwatch'])).toThrow(
      /TW_WATCHDOG_CONFIG\.keyArns\.0: a KMS key ARN/,
    );
  });

  it('reports every problem of the watchdog settings at once', () => {
    // Act
    const load = () =>
      loadWatchdogSettings({
        TW_REGIONS: 'eu-west-1',
        TW_WATCHDOG_CONFIG: JSON.stringify({ routineNames: ['Stop Logging'], extra: 1 }),
      });
    // Assess
    expect(load).toThrow(RuntimeConfigError);
    expect(load).toThrow(/TW_WATCHDOG_CONFIG\.routineNames\.0.*\n.*TW_WATCHDOG_CONFIG\./);
    expect(() => loadWatchdogSettings({ TW_REGIONS: 'Europe', TW_WATCHDOG_CONFIG: '{"routineNames":[]}' })).toThrow(
      /TW_REGIONS/,
    );
    expect(() => loadWatchdogSettings({ TW_REGIONS: 'eu-west-1' })).toThrow(/TW_WATCHDOG_CONFIG: missing or not JSON/);
  });

  it('reads the canary settings, tagging with the stage', () => {
    expect(
      loadCanarySettings({
        TW_REGIONS: 'eu-west-1',
        TW_STAGE: 'prod',
        TW_CANARY_PARAMETER: 'tamperwatch-prod-canary',
        TW_CANARY_MAX_DELAY: '900',
      }),
    ).toEqual({
      regions: ['eu-west-1'],
      parameterName: 'tamperwatch-prod-canary',
      maxDelaySeconds: 900,
      tags: { 'tamperwatch:stage': 'prod', 'tamperwatch:role': 'canary' },
    });
    expect(() => loadCanarySettings({ TW_REGIONS: 'eu-west-1', TW_STAGE: 'prod' })).toThrow(/TW_CANARY_PARAMETER/);
  });
});
