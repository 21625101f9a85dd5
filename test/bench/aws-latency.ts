/**
 * Receive→publish latency of the real handler through moto_server alone (not a test: run with
 * `npm run bench:aws` or `npx tsx test/bench/aws-latency.ts [events]`). The measurement is the one `npm run bench`
 * runs (latency.ts); this entry only prints it.
 */
import { fileURLToPath } from 'node:url';
import { type Distribution, measureLatency } from './latency.js';

const count = Number(process.argv[2] ?? 1_000);
const row = (name: string, d: Distribution): string =>
  `${name.padEnd(34)} p50 ${d.p50.toFixed(0).padStart(4)} ms   p95 ${d.p95.toFixed(0).padStart(4)} ms   p99 ${d.p99.toFixed(0).padStart(4)} ms   max ${d.max.toFixed(0).padStart(4)} ms`;

const result = await measureLatency(count, fileURLToPath(new URL('../../rules/aws', import.meta.url)));
if (result.skipped !== undefined) throw new Error(`moto_server is needed: ${result.skipped}`);
console.log(`events sent ${result.events}, alerts received ${result.alerts}, record failures ${result.failures}`);
console.log(row('receive→publish (per alert)', result.receiveToPublish));
console.log(row('handler invocation (batch of ≤ 10)', result.invocation));
console.log(`throughput ${result.alertsPerSec.toFixed(0)} alerts/s (one poller, 2-core machine)`);
if (result.alerts !== result.events || result.failures > 0) process.exitCode = 1;
