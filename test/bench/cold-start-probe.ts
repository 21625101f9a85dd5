import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cloudTrailRecord, eventBridgeEnvelope } from '../helpers/cloudtrail-event-factory.js';

/** The scripts and environment of the cold-start processes (see cold-start.ts). */
const marker = '@@BENCH';

const probe = `
const started = performance.now();
const mod = await import(process.argv[2]);
const imported = performance.now();
const batch = JSON.parse(process.env.BENCH_EVENT);
const context = { functionName: 'tamperwatch-bench-detector', awsRequestId: 'r1', memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:tamperwatch-bench-detector',
  getRemainingTimeInMillis: () => 30000 };
const first = await mod.handler(batch, context);
const invoked = performance.now();
const memory = process.memoryUsage();
const warmOf = async (event) => {
  const times = [];
  for (let i = 0; i < 21; i += 1) {
    const t = performance.now();
    await mod.handler(event, { ...context, awsRequestId: 'w' + i });
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[10];
};
const warm10 = await warmOf(batch);
const warm1 = await warmOf({ Records: batch.Records.slice(0, 1) });
const lazyStarted = performance.now();
if (process.env.BENCH_LAZY_IMPORT) await import(process.env.BENCH_LAZY_IMPORT);
const lazyImportMs = performance.now() - lazyStarted;
console.log('${marker}' + JSON.stringify({ bootMs: started, importMs: imported - started, firstInvokeMs: invoked - imported,
  warmInvokeMs: warm10, warmInvoke1Ms: warm1, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed,
  failures: first.batchItemFailures.length, lazyImportMs }));
`;

/** A batch of ten CloudTrail envelopes that no shipped rule matches (the common case: no network call). */
const quietBatch = () => ({
  Records: Array.from({ length: 10 }, (_, i) => ({
    messageId: `m${i}`,
    receiptHandle: `h${i}`,
    body: JSON.stringify(
      eventBridgeEnvelope(
        cloudTrailRecord({
          eventID: `00000000-0000-4000-8000-00000000000${i}`,
          eventName: 'DescribeInstances',
          eventSource: 'ec2.amazonaws.com',
        }),
      ),
    ),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:tamperwatch-bench-ingest',
    awsRegion: 'us-east-1',
  })),
});

const lambdaEnv = (taskRoot: string, extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'tamperwatch-bench-detector',
  TW_STAGE: 'bench',
  TW_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:tamperwatch-bench-findings',
  TW_STATE_TABLE: 'tamperwatch-bench-state',
  TW_RULES_DIR: join(taskRoot, 'rules/aws'),
  TW_SUPPRESSIONS_FILE: join(taskRoot, 'suppressions.json'),
  POWERTOOLS_SERVICE_NAME: 'tamperwatch-bench-detector',
  POWERTOOLS_METRICS_NAMESPACE: 'tamperwatch',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  ...extra,
});

const runNode = (args: readonly string[], env: Record<string, string>, cwd: string): Record<string, number> => {
  const result = spawnSync(process.execPath, args, { env, cwd, encoding: 'utf8', timeout: 60_000 });
  const line = result.stdout.split('\n').find((text) => text.startsWith(marker));
  if (result.status !== 0 || line === undefined)
    throw new Error(`cold-start probe failed (${result.status}): ${result.stderr.slice(-800)}`);
  return JSON.parse(line.slice(marker.length)) as Record<string, number>;
};

const compileProbe = `import { loadRules } from './functions/load-rules.ts';
import { loadRulePack } from './functions/load-rule-pack.ts';
const dir = process.env.TW_RULES_DIR;
const t0 = performance.now();
const { ruleSet, errors } = process.env.BENCH_PACK ? loadRulePack(dir) : loadRules([dir]);
const t1 = performance.now();
console.log('${marker}' + JSON.stringify({ compileMs: t1 - t0, rules: ruleSet.rules.length, errors: errors.length }));`;

export { compileProbe, lambdaEnv, probe, quietBatch, runNode };
