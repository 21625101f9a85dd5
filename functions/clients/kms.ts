import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeySnapshot } from '../core/key-health.js';

/** The watchdog's view of one KMS key. Never throws: a failed call is in the snapshot's `error`. */
type KeyReader = { describe(arn: string): Promise<KeySnapshot> };

/** `arn:aws:kms:<region>:<account>:key/<id>` → its region (undefined for anything else). */
const regionOfKey = (arn: string): string | undefined => {
  const [prefix, , service, region] = arn.split(':');
  return prefix === 'arn' && service === 'kms' && region !== undefined && region !== '' ? region : undefined;
};

/**
 * DescribeKey for each key, with a client for the key's region (the stack's keys live in its region).
 *
 * @example
 * const reader = new KmsKeyReader((region) => new KMSClient({ region }));
 * const snapshot = await reader.describe('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-…');
 */
class KmsKeyReader implements KeyReader {
  private readonly clients = new Map<string, KMSClient>();

  constructor(private readonly clientFor: (region: string | undefined) => KMSClient) {}

  async describe(arn: string): Promise<KeySnapshot> {
    try {
      const { KeyMetadata: key } = await this.client(regionOfKey(arn)).send(new DescribeKeyCommand({ KeyId: arn }));
      return {
        arn,
        ...(key?.KeyState === undefined ? {} : { keyState: key.KeyState }),
        ...(key?.DeletionDate === undefined ? {} : { deletionDate: key.DeletionDate.getTime() }),
        ...(key?.Description === undefined || key.Description === '' ? {} : { description: key.Description }),
      };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      return { arn, error: { name, message } };
    }
  }

  private client(region: string | undefined): KMSClient {
    const id = region ?? '';
    let client = this.clients.get(id);
    if (client === undefined) {
      client = this.clientFor(region);
      this.clients.set(id, client);
    }
    return client;
  }
}

export { type KeyReader, KmsKeyReader, regionOfKey };
