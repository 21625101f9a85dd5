import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig, RuntimeConfigError } from '../../../functions/config/runtime-config.js';

const env = {
  TW_STAGE: 'prod',
  TW_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:tamperwatch-prod-findings',
  TW_STATE_TABLE: 'tamperwatch-prod-state',
  TW_RULES_DIR: '/var/task/rules/aws',
};

describe('loadRuntimeConfig()', () => {
  it('parses the environment the stack sets, with defaults', () => {
    expect(loadRuntimeConfig(env)).toEqual({
      stage: 'prod',
      topicArn: env.TW_TOPIC_ARN,
      stateTable: 'tamperwatch-prod-state',
      rulesDir: '/var/task/rules/aws',
      suppressionsFile: undefined,
      dedupTtlSeconds: 168 * 3_600,
      claimStaleSeconds: 60,
    });
  });

  it('reports every bad variable at once', () => {
    // Act
    const error = (() => {
      try {
        loadRuntimeConfig({ TW_TOPIC_ARN: 'not-an-arn', TW_DEDUP_TTL_HOURS: 'soon' });
      } catch (caught) {
        return caught;
      }
    })();
    // Assess
    expect(error).toBeInstanceOf(RuntimeConfigError);
    const message = (error as Error).message;
    for (const name of ['TW_STAGE', 'TW_TOPIC_ARN', 'TW_STATE_TABLE', 'TW_RULES_DIR', 'TW_DEDUP_TTL_HOURS']) {
      expect(message).toContain(name);
    }
  });
});
