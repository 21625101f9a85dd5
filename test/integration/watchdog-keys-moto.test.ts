import { randomUUID } from 'node:crypto';
import {
  CreateKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { KmsKeyReader } from '../../functions/clients/kms.js';
import type { Finding } from '../../functions/core/findings/types.js';
import { SnsNotifier } from '../../functions/notifier/sns-notifier.js';
import { DynamoDbCheckpointStore } from '../../functions/stores/checkpoint-store.js';
import { DynamoDbDedupStore } from '../../functions/stores/dedup-store.js';
import { type KeyReport, watchKeys } from '../../functions/tamper-evidence/key-watch.js';
import { recordingTelemetry } from '../helpers/recording-telemetry.js';
import {
  account,
  type Clients,
  clientsFor,
  createTable,
  createTopic,
  drain,
  motoClientConfig,
  region,
  subscribeQueue,
} from './aws-fixture.js';

const endpoint = inject('motoEndpoint');
const minute = 60_000;

// The watchdog's key check against moto_server: the real KMS client (DescribeKey) on keys moto creates, disables,
// enables and schedules for deletion; state and claims in DynamoDB, findings through SNS to an SQS subscriber.
describe.skipIf(endpoint === '')('Trail watchdog: own KMS keys on moto_server', () => {
  const suffix = randomUUID().slice(0, 8);
  const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000; // hour start: health ids carry an hour bucket
  let clients: Clients;
  let kms: KMSClient;
  let keyArn = '';
  /** The bare key id: moto 5.2's DisableKey/EnableKey/ScheduleKeyDeletion fail (HTTP 500) on an ARN; AWS takes either. */
  let keyId = '';
  let alertsUrl = '';
  let now = t0;
  const received: Finding[] = [];
  let runAt: (time: number, keyArns?: readonly string[]) => Promise<KeyReport[]>;

  beforeAll(async () => {
    clients = clientsFor(endpoint);
    kms = new KMSClient(motoClientConfig(endpoint));
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ Description: `tamperwatch test findings ${suffix}` }),
    );
    keyArn = KeyMetadata?.Arn ?? '';
    keyId = KeyMetadata?.KeyId ?? '';
    const table = await createTable(clients, `tamperwatch-keys-${suffix}`);
    const topicArn = await createTopic(clients, `tamperwatch-keys-${suffix}`);
    alertsUrl = (await subscribeQueue(clients, topicArn, `keys-alerts-${suffix}`)).url;
    const ports = {
      kms: new KmsKeyReader(() => kms),
      checkpoints: new DynamoDbCheckpointStore(clients.dynamodb, table),
      dedup: new DynamoDbDedupStore(clients.dynamodb, table, { ttlSeconds: 7 * 86_400, staleAfterSeconds: 580 }),
      notifier: new SnsNotifier(clients.sns, topicArn),
      clock: () => new Date(now),
      telemetry: recordingTelemetry().telemetry,
    };
    runAt = async (time, keyArns = [keyArn]) => {
      now = time;
      const reports = await watchKeys({ account, keyArns }, ports);
      received.push(...(await drain(clients, alertsUrl)).map((m) => JSON.parse(m.Body ?? '{}') as Finding));
      return reports;
    };
  });

  it('raises nothing for an enabled key, critical on DisableKey, and the recovery on EnableKey', async () => {
    // Prepare
    const enabled = await runAt(t0);
    const quiet = received.length;
    // Act
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const disabled = await runAt(t0 + 5 * minute);
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    const restored = await runAt(t0 + 10 * minute);
    // Assess
    expect(keyArn).toMatch(new RegExp(`^arn:aws:kms:${region}:${account}:key/`));
    expect(enabled).toEqual([{ arn: keyArn, state: 'enabled', keyState: 'Enabled', published: [] }]);
    expect(quiet).toBe(0);
    expect(disabled).toMatchObject([{ state: 'impaired', keyState: 'Disabled', published: [expect.any(String)] }]);
    expect(restored).toMatchObject([{ state: 'enabled', keyState: 'Enabled', published: [expect.any(String)] }]);
    expect(received).toHaveLength(2);
    expect(received[0]).toMatchObject({
      kind: 'health',
      severity: 'critical',
      rule: { name: 'tamperwatch-kms-key-impaired' },
      attack: { techniques: [{ id: 'T1685', legacyId: 'T1562.001' }] },
      target: { account, region, resource: keyArn },
      matched: ['key-disabled'],
      event: { channel: 'poll', operation: 'KmsKeyImpaired' },
    });
    expect(received[1]).toMatchObject({
      severity: 'critical',
      rule: { name: 'tamperwatch-kms-key-restored' },
      matched: ['key-enabled'],
      raw: { previousProblem: 'key-disabled', impairedSince: new Date(t0 + 5 * minute).toISOString() },
    });
  });

  it('raises the critical finding on ScheduleKeyDeletion, and for a key that does not exist', async () => {
    // Prepare
    const before = received.length;
    const missing = `arn:aws:kms:${region}:${account}:key/${randomUUID()}`;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    // Act
    const reports = await runAt(t0 + 15 * minute, [keyArn, missing]);
    // Assess
    expect(reports).toMatchObject([
      { state: 'impaired', keyState: 'PendingDeletion' },
      { arn: missing, state: 'impaired' },
    ]);
    expect(
      received.slice(before).map((finding) => [finding.target.resource, finding.matched, finding.severity]),
    ).toEqual([
      [keyArn, ['key-pending-deletion'], 'critical'],
      [missing, ['key-not-found'], 'critical'],
    ]);
    expect(received[before]?.raw).toMatchObject({ keyState: 'PendingDeletion', deletionDate: expect.any(String) });
  });
});
