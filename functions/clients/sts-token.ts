import { GetWebIdentityTokenCommand, type STSClient } from '@aws-sdk/client-sts';

/** The audience Microsoft Entra ID expects in a federated client assertion. */
const azureTokenExchangeAudience = 'api://AzureADTokenExchange';

type WebIdentityTokenOptions = {
  /** `aud` of the token; Entra ID's federated credential must list the same value. */
  readonly audience?: string;
  /** 60–3,600 s; Entra ID only needs the assertion for the one token request. */
  readonly durationSeconds?: number;
  /** RS256 is what Entra ID validates for client assertions. */
  readonly signingAlgorithm?: 'RS256' | 'ES384';
};

class WebIdentityTokenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebIdentityTokenError';
  }
}

/**
 * A source of short-lived JWTs for this Lambda's AWS identity, from STS `GetWebIdentityToken` (IAM outbound identity
 * federation; `sub` is the role ARN). Used as the client assertion of Azure's `ClientAssertionCredential`, which calls it
 * only when it needs a new access token. The account must have outbound federation enabled, and the role
 * `sts:GetWebIdentityToken` (the operation is regional: the STS global endpoint does not serve it).
 *
 * @example
 * const credential = new ClientAssertionCredential(tenantId, clientId, webIdentityTokenSource(new STSClient({})));
 */
const webIdentityTokenSource =
  (client: STSClient, options: WebIdentityTokenOptions = {}): (() => Promise<string>) =>
  async () => {
    const response = await client.send(
      new GetWebIdentityTokenCommand({
        Audience: [options.audience ?? azureTokenExchangeAudience],
        DurationSeconds: options.durationSeconds ?? 300,
        SigningAlgorithm: options.signingAlgorithm ?? 'RS256',
      }),
    );
    if (response.WebIdentityToken === undefined || response.WebIdentityToken === '')
      throw new WebIdentityTokenError('STS GetWebIdentityToken returned no token');
    return response.WebIdentityToken;
  };

export { azureTokenExchangeAudience, WebIdentityTokenError, type WebIdentityTokenOptions, webIdentityTokenSource };
