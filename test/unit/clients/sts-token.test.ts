import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webIdentityTokenSource } from '../../../functions/clients/sts-token.js';
import { type FakeSts, startFakeSts } from '../../helpers/fake-sts.js';

describe('webIdentityTokenSource()', () => {
  let sts: FakeSts;
  let client: STSClient;

  beforeAll(async () => {
    sts = await startFakeSts();
    client = new STSClient({
      endpoint: sts.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });
  afterAll(() => sts.close());

  it('asks STS for an RS256 token for Entra ID token exchange, valid 300 s', async () => {
    // Act
    const token = await webIdentityTokenSource(client)();
    // Assess
    const request = sts.requests.at(-1);
    expect(request?.get('Action')).toBe('GetWebIdentityToken');
    expect(request?.get('Audience.member.1')).toBe('api://AzureADTokenExchange');
    expect(request?.get('DurationSeconds')).toBe('300');
    expect(request?.get('SigningAlgorithm')).toBe('RS256');
    expect(token).toBe(sts.tokens.at(-1));
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({
      aud: 'api://AzureADTokenExchange',
      sub: 'arn:aws:iam::111122223333:role/tamperwatch-prod-azure-poller',
    });
  });

  it('passes a configured audience', async () => {
    // Act
    await webIdentityTokenSource(client, { audience: 'api://AzureADTokenExchangeChina' })();
    // Assess
    expect(sts.requests.at(-1)?.get('Audience.member.1')).toBe('api://AzureADTokenExchangeChina');
  });

  it('fails with the STS error when outbound federation is not enabled in the account', async () => {
    // Prepare
    sts.failNext('OutboundWebIdentityFederationDisabledException', 'outbound federation is disabled');
    // Act
    const attempt = webIdentityTokenSource(client)();
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'OutboundWebIdentityFederationDisabledException' });
  });
});
