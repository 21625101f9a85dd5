/**
 * Receive→publish latency of the real handler through moto_server (not a test: run with
 * `npx tsx test/bench/aws-latency.ts [events]`). CloudTrail envelopes go into the ingest queue, a loop does what the
 * event source mapping does (receive 10, invoke, delete), and each alert's `delivery.receivedAt` / `publishedAt` stamps,
 * read back from a raw-delivery SQS subscriber, give the distribution. Emulator numbers: they measure the code path and
 * local round trips, not AWS.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { cloudTrailRecord, eventBridgeEnvelope } from '../helpers/cloudtrail-event-factory.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import {
  clientsFor,
  createIngestQueues,
  createTable,
  createTopic,
  drain,
  handlerEnvironment,
  pollOnce,
  subscribeQueue,
} from '../integration/aws-fixture.js';
import { ensureMoto, startMoto } from '../integration/moto-server.js';

const count = Number(process.argv[2] ?? 1_000);

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

const main = async (): Promise<void> => {
  const reason = ensureMoto();
  if (reason !== undefined) throw new Error(`moto_server is needed: ${reason}`);
  const moto = await startMoto();
  try {
    const clients = clientsFor(moto.endpoint);
    const ingest = await createIngestQueues(clients, 'tamperwatch-bench');
    const table = await createTable(clients, 'tamperwatch-bench-state');
    const topicArn = await createTopic(clients, 'tamperwatch-bench-findings');
    const alerts = await subscribeQueue(clients, topicArn, 'bench-alerts');
    const rulesDir = fileURLToPath(new URL('../../rules/aws', import.meta.url));
    Object.assign(process.env, handlerEnvironment(moto.endpoint, { topicArn, table, rulesDir }));
    const { handler } = await import('../../functions/handlers/cloudtrail-queue.js');

    for (let start = 0; start < count; start += 10) {
      const entries = Array.from({ length: Math.min(10, count - start) }, (_, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(
          eventBridgeEnvelope(cloudTrailRecord({ eventID: randomUUID(), actor: `user${(start + i) % 50}` })),
        ),
      }));
      await clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: ingest.queue.url, Entries: entries }));
    }

    const began = performance.now();
    const batchMs: number[] = [];
    const pollMs: number[] = [];
    let failures = 0;
    const timed = async (event: Parameters<typeof handler>[0]) => {
      const t = performance.now();
      const response = await handler(event, lambdaContext());
      batchMs.push(performance.now() - t);
      return response;
    };
    for (;;) {
      const t = performance.now();
      const { received, failed } = await pollOnce(clients, ingest.queue, timed);
      if (received === 0) break;
      pollMs.push(performance.now() - t);
      failures += failed.length;
    }
    const elapsedMs = performance.now() - began;

    const bodies = (await drain(clients, alerts.url)).map((message) => JSON.parse(message.Body ?? '{}'));
    const latencies = bodies
      .map((body) => Date.parse(body.delivery.publishedAt) - Date.parse(body.delivery.receivedAt))
      .sort((a, b) => a - b);
    const batches = [...batchMs].sort((a, b) => a - b);
    const polls = [...pollMs].sort((a, b) => a - b);
    const row = (name: string, sorted: readonly number[]) =>
      `${name.padEnd(34)} p50 ${percentile(sorted, 50).toFixed(0).padStart(4)} ms   p95 ${percentile(sorted, 95).toFixed(0).padStart(4)} ms   p99 ${percentile(sorted, 99).toFixed(0).padStart(4)} ms   max ${(sorted.at(-1) ?? 0).toFixed(0).padStart(4)} ms`;
    console.log(`events sent ${count}, alerts received ${bodies.length}, record failures ${failures}`);
    console.log(row('receive→publish (per alert)', latencies));
    console.log(row('handler invocation (batch of ≤ 10)', batches));
    console.log(row('poll: receive + invoke + delete', polls));
    console.log(
      `throughput ${((bodies.length / elapsedMs) * 1000).toFixed(0)} alerts/s over ${(elapsedMs / 1000).toFixed(1)} s (one poller, 2-core machine)`,
    );
    if (bodies.length !== count || failures > 0) process.exitCode = 1;
  } finally {
    await moto.stop();
  }
};

await main();
