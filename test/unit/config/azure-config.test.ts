import { describe, expect, it } from 'vitest';
import { loadAzurePollerSettings, RuntimeConfigError } from '../../../functions/config/runtime-config.js';

const settings = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '0f5b2a1c-3d4e-4f60-8a7b-9c0d1e2f3a4b',
  workspaceIds: ['a1a1a1a1-0000-4000-8000-00000000000a'],
  deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/tamperwatch-prod-azure-poller-dlq',
};
const env = (value: unknown) => ({ TW_AZURE_CONFIG: typeof value === 'string' ? value : JSON.stringify(value) });

describe('loadAzurePollerSettings()', () => {
  it('reads TW_AZURE_CONFIG with federation and the design defaults', () => {
    expect(loadAzurePollerSettings(env(settings))).toEqual({
      ...settings,
      auth: 'federated',
      audience: 'api://AzureADTokenExchange',
      overlapMinutes: 5,
      initialLookbackMinutes: 60,
    });
  });

  it.each([
    { why: 'the secret path without a secret ARN', value: { ...settings, auth: 'secret' }, problem: 'secretArn' },
    {
      why: 'a workspace id that is no GUID',
      value: { ...settings, workspaceIds: ['prod-logs'] },
      problem: 'workspaceIds.0',
    },
    { why: 'an unknown key (a secret value would be one)', value: { ...settings, clientSecret: 'x' }, problem: '' },
    {
      why: 'plain HTTP for the query endpoint',
      value: { ...settings, endpoint: 'http://x.example/v1' },
      problem: 'endpoint',
    },
  ])('refuses $why', ({ value, problem }) => {
    expect(() => loadAzurePollerSettings(env(value))).toThrow(
      expect.objectContaining({
        name: 'RuntimeConfigError',
        message: expect.stringContaining(`TW_AZURE_CONFIG.${problem}`),
      }),
    );
  });

  it('refuses a missing or non-JSON variable', () => {
    expect(() => loadAzurePollerSettings({})).toThrow(RuntimeConfigError);
    expect(() => loadAzurePollerSettings(env('{tenantId:'))).toThrow(/TW_AZURE_CONFIG: missing or not JSON/);
  });
});
