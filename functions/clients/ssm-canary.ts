import { AddTagsToResourceCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** The canary's write port: one harmless management write event per call, in `region`. */
type CanaryWriter = { write(region: string, value: string): Promise<void> };

/**
 * Writes the canary parameter with SSM `PutParameter` (a write management event CloudTrail delivers to EventBridge).
 * The stack creates the parameter, tagged, in its own region; in another region the first write of a cold start also
 * tags it (`PutParameter` cannot tag and overwrite in one call).
 *
 * @example
 * const writer = new SsmCanaryWriter((region) => new SSMClient({ region }), 'tamperwatch-prod-canary', { 'tamperwatch:stage': 'prod' });
 * await writer.write('eu-west-1', new Date().toISOString());
 */
class SsmCanaryWriter implements CanaryWriter {
  private readonly clients = new Map<string, SSMClient>();
  private readonly tagged = new Set<string>();

  constructor(
    private readonly clientFor: (region: string) => SSMClient,
    private readonly parameterName: string,
    private readonly tags: Readonly<Record<string, string>>,
  ) {}

  async write(region: string, value: string): Promise<void> {
    const client = this.client(region);
    await client.send(
      new PutParameterCommand({
        Name: this.parameterName,
        Value: value,
        Type: 'String',
        Overwrite: true,
        Description: 'tamperwatch canary: written every few minutes; its CloudTrail event proves the real-time path',
      }),
    );
    if (this.tagged.has(region) || Object.keys(this.tags).length === 0) return;
    await client.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: this.parameterName,
        Tags: Object.entries(this.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    this.tagged.add(region);
  }

  private client(region: string): SSMClient {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = this.clientFor(region);
      this.clients.set(region, client);
    }
    return client;
  }
}

export { type CanaryWriter, SsmCanaryWriter };
