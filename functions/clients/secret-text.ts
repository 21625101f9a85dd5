import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A secret's text, read from Secrets Manager on first use and kept for the life of the container; a failed read is
 * forgotten, so the next call tries again. Errors name the secret, never its value.
 *
 * @example
 * const secret = secretTextSource(new SecretsManagerClient({}), secretArn);
 * const text = await secret();
 */
const secretTextSource = (client: SecretsManagerClient, secretArn: string): (() => Promise<string>) => {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= client
      .send(new GetSecretValueCommand({ SecretId: secretArn }))
      .then(({ SecretString }) => {
        if (SecretString === undefined || SecretString === '')
          throw new Error(`secret ${secretArn} holds no SecretString`);
        return SecretString;
      })
      .catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
    return cached;
  };
};

export { secretTextSource };
