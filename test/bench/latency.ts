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
import { percentile, uuidOf } from './stats.js';

/**
 * Receive → publish through the real handler (functions/handlers/cloudtrail-queue.ts, wired from the environment as
 * in Lambda) with SQS, SNS and DynamoDB in moto_server: CloudTrail envelopes go into the ingest queue, a loop does what
 * the event source mapping does (receive 10, invoke, delete), and each alert read back from a raw-delivery SQS
 * subscriber carries the pipeline's own `delivery.receivedAt` / `publishedAt` stamps. Emulator numbers: they measure
 * the code path and local round trips, not AWS. Reuses the integration layer's moto helpers.
 */
type Distribution = { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
type LatencyResult =
  | { readonly skipped: string }
  | {
      readonly skipped?: undefined;
      readonly events: number;
      readonly alerts: number;
      readonly failures: number;
      /** receivedAt → publishedAt stamped in each alert (ms resolution: ISO timestamps). */
      readonly receiveToPublish: Distribution;
      /** One handler invocation (≤ 10 records: decode, detect, claim, publish, confirm), ms; the first is the cold one. */
      readonly invocation: Distribution;
      readonly invocations: number;
      readonly alertsPerSec: number;
    };

const distribution = (values: readonly number[]): Distribution => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
  max: Math.max(...values),
});

const measureLatency = async (count: number, rulesDir: string): Promise<LatencyResult> => {
  const reason = ensureMoto();
  if (reason !== undefined) return { skipped: `moto_server unavailable: ${reason}` };
  const moto = await startMoto();
  try {
    const clients = clientsFor(moto.endpoint);
    const ingest = await createIngestQueues(clients, 'tamperwatch-bench');
    const table = await createTable(clients, 'tamperwatch-bench-state');
    const topicArn = await createTopic(clients, 'tamperwatch-bench-findings');
    const alerts = await subscribeQueue(clients, topicArn, 'bench-alerts');
    Object.assign(process.env, handlerEnvironment(moto.endpoint, { topicArn, table, rulesDir }));
    const { handler } = await import('../../functions/handlers/cloudtrail-queue.js');

    for (let start = 0; start < count; start += 10) {
      const entries = Array.from({ length: Math.min(10, count - start) }, (_, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(
          eventBridgeEnvelope(cloudTrailRecord({ eventID: uuidOf(start + i), actor: `user${(start + i) % 50}` })),
        ),
      }));
      await clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: ingest.queue.url, Entries: entries }));
    }

    const began = performance.now();
    const invocationMs: number[] = [];
    let failures = 0;
    const timedHandler = async (event: Parameters<typeof handler>[0]) => {
      const started = performance.now();
      const response = await handler(event, lambdaContext());
      invocationMs.push(performance.now() - started);
      return response;
    };
    for (;;) {
      const { received, failed } = await pollOnce(clients, ingest.queue, timedHandler);
      if (received === 0) break;
      failures += failed.length;
    }
    const elapsedMs = performance.now() - began;
    const bodies = (await drain(clients, alerts.url)).map(
      (message) => JSON.parse(message.Body ?? '{}') as { delivery: { receivedAt: string; publishedAt: string } },
    );
    const latencies = bodies.map(
      (body) => Date.parse(body.delivery.publishedAt) - Date.parse(body.delivery.receivedAt),
    );
    return {
      events: count,
      alerts: bodies.length,
      failures,
      receiveToPublish: distribution(latencies),
      invocation: distribution(invocationMs),
      invocations: invocationMs.length,
      alertsPerSec: (bodies.length / elapsedMs) * 1_000,
    };
  } finally {
    await moto.stop();
  }
};

export { type Distribution, type LatencyResult, measureLatency };
