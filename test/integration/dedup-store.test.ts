import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbDedupStore } from '../../functions/stores/dedup-store.js';
import { type Clients, clientsFor, createTable } from './aws-fixture.js';

const endpoint = inject('motoEndpoint');
const t0 = new Date('2026-11-24T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

// The DynamoDB claim protocol of DESIGN §5.4 against moto_server's DynamoDB.
describe.skipIf(endpoint === '')('DynamoDbDedupStore on moto_server', () => {
  let clients: Clients;
  let store: DynamoDbDedupStore;
  let table: string;

  const item = async (pk: string) =>
    (
      await clients.dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }),
      )
    ).Item;

  beforeAll(async () => {
    clients = clientsFor(endpoint);
    table = await createTable(clients, 'tamperwatch-dedup-test');
    store = new DynamoDbDedupStore(clients.dynamodb, table, { ttlSeconds: 3_600, staleAfterSeconds: 60 });
  });

  it('claims once; a duplicate records the repeat on the claim and on the scope', async () => {
    // Act
    const first = await store.claim({ findingId: 'f1', scopeKey: 's1', now: t0 });
    const second = await store.claim({ findingId: 'f1', scopeKey: 's1', now: at(5) });
    // Assess
    expect(first).toMatchObject({ findingId: 'f1', claimedAt: t0.getTime() });
    expect(first?.repeats).toBeUndefined();
    expect(second).toBeUndefined();
    expect(await item('finding#f1')).toMatchObject({
      state: { S: 'pending' },
      repeats: { N: '1' },
      lastSeen: { S: at(5).toISOString() },
    });
    expect(await item('scope#s1')).toMatchObject({ repeats: { N: '1' }, firstRepeatAt: { S: at(5).toISOString() } });
  });

  it('reports pending repeats on the next claim of the scope and subtracts them once published', async () => {
    // Prepare
    const first = await store.claim({ findingId: 'g1', scopeKey: 's2', now: t0 });
    if (first === undefined) throw new Error('no claim');
    await store.confirm(first, 'sent', at(1));
    await store.claim({ findingId: 'g1', scopeKey: 's2', now: at(2) });
    await store.claim({ findingId: 'g1', scopeKey: 's2', now: at(3) });
    // Act
    const next = await store.claim({ findingId: 'g2', scopeKey: 's2', now: at(4) });
    if (next === undefined) throw new Error('no claim');
    await store.confirm(next, 'sent', at(5));
    // Assess
    expect(next.repeats).toEqual({ count: 2, since: at(1).toISOString() });
    expect(await item('finding#g1')).toMatchObject({ state: { S: 'sent' } });
    expect(await item('scope#s2')).toMatchObject({ repeats: { N: '0' }, lastPublishedAt: { S: at(5).toISOString() } });
  });

  it('takes over a stale pending claim, not a fresh one', async () => {
    // Prepare
    await store.claim({ findingId: 'h1', scopeKey: 's3', now: t0 });
    // Act
    const fresh = await store.claim({ findingId: 'h1', scopeKey: 's3', now: at(30) });
    const stale = await store.claim({ findingId: 'h1', scopeKey: 's3', now: at(61) });
    // Assess
    expect(fresh).toBeUndefined();
    expect(stale?.claimedAt).toBe(at(61).getTime());
  });

  it('never takes over a sent claim before it expires, and does after (TTL deletes late)', async () => {
    // Prepare
    const claim = await store.claim({ findingId: 'i1', scopeKey: 's4', now: t0 });
    if (claim === undefined) throw new Error('no claim');
    await store.confirm(claim, 'sent', t0);
    // Act
    const beforeExpiry = await store.claim({ findingId: 'i1', scopeKey: 's4', now: at(3_000) });
    const afterExpiry = await store.claim({ findingId: 'i1', scopeKey: 's4', now: at(3_601) });
    // Assess
    expect(beforeExpiry).toBeUndefined();
    expect(afterExpiry).toBeDefined();
  });

  it('releases only its own pending claim', async () => {
    // Prepare
    const mine = await store.claim({ findingId: 'j1', scopeKey: 's5', now: t0 });
    if (mine === undefined) throw new Error('no claim');
    const theirs = await store.claim({ findingId: 'j1', scopeKey: 's5', now: at(120) });
    // Act
    await store.release(mine);
    const afterStaleRelease = await item('finding#j1');
    if (theirs !== undefined) await store.release(theirs);
    // Assess
    expect(theirs).toBeDefined();
    expect(afterStaleRelease?.claimedAt).toEqual({ N: String(at(120).getTime()) });
    expect(await item('finding#j1')).toBeUndefined();
  });

  it('does not create a bare claim item when recording a repeat for a vanished claim', async () => {
    // Prepare: a scope whose claim vanished between the failed put and the repeat update is simulated by a foreign item.
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'finding#k1' }, state: { S: 'sent' }, claimedAt: { N: '1' }, expiresAt: { N: '9999999999' } },
      }),
    );
    // Act
    const duplicate = await store.claim({ findingId: 'k1', scopeKey: 's6', now: t0 });
    // Assess
    expect(duplicate).toBeUndefined();
    expect(await item('finding#k1')).toMatchObject({ repeats: { N: '1' } });
  });
});
