import type { KeyReader } from '../../functions/clients/kms.js';
import type { KeySnapshot } from '../../functions/core/key-health.js';

/**
 * KMS in memory: `keys` maps an ARN to what DescribeKey says (a state, or an error such as AccessDeniedException);
 * an ARN not in the map is not found. `calls` records each DescribeKey.
 */
class FakeKms implements KeyReader {
  readonly keys = new Map<string, { keyState: string; deletionDate?: number } | { error: string }>();
  readonly calls: string[] = [];

  async describe(arn: string): Promise<KeySnapshot> {
    this.calls.push(arn);
    const key = this.keys.get(arn);
    if (key === undefined) return { arn, error: { name: 'NotFoundException', message: `Key '${arn}' does not exist` } };
    if ('error' in key) return { arn, error: { name: key.error, message: 'from the fake' } };
    return { arn, ...key };
  }
}

export { FakeKms };
