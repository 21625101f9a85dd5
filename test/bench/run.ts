/**
 * `npm run bench [-- --quick] [-- --skip=latency,memory] [-- --save-baseline] [-- --no-write]`: every benchmark of
 * DESIGN §3.3 / issue 9, in one process (cold starts and the memory scans in child processes). Writes
 * docs/BENCHMARKS.md and prints one JSON summary as the last line of stdout. Not part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../../functions/load-rules.js';
import { bundleHandlers } from './bundles.js';
import { measureColdStart } from './cold-start.js';
import { classify, loadTemplates } from './corpus.js';
import { costModel } from './cost.js';
import { measureLatency } from './latency.js';
import { measureMemory } from './memory.js';
import { passFraction } from './prefilter-share.js';
import { renderReport } from './report.js';
import { measureScaling } from './scaling.js';
import { type BenchResults, summaryOf } from './summary.js';
import { measureThroughput } from './throughput.js';
import { buildWorkload } from './workload.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const corpusDir = resolve(root, '../shared/corpus');
const baselineFile = join(root, 'test/bench/baseline.json');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const skip = new Set(args.flatMap((arg) => (arg.startsWith('--skip=') ? arg.slice(7).split(',') : [])));
const sizes = quick
  ? {
      lines: 20_000,
      rounds: 2,
      scaleLines: 5_000,
      scaleRounds: 2,
      coldRuns: 3,
      files: [8 << 20, 32 << 20],
      latency: 50,
    }
  : {
      lines: 200_000,
      rounds: 3,
      scaleLines: 50_000,
      scaleRounds: 3,
      coldRuns: 11,
      files: [256 << 20, 1 << 30],
      latency: 1_000,
    };

const began = performance.now();
const log = (message: string): void =>
  void process.stderr.write(`[bench ${((performance.now() - began) / 1_000).toFixed(0).padStart(3)} s] ${message}\n`);

const main = async (): Promise<void> => {
  const started = performance.now();
  if (!existsSync(corpusDir)) throw new Error(`the corpus is missing: ${corpusDir}`);
  const workDir = mkdtempSync(join(tmpdir(), 'tamperwatch-bench-'));
  try {
    // First, while this process is small: a parent holding the throughput workload (~1 GB) slows every child process
    // on the 2-core VM by about a third (71 → 97 ms measured), which a Lambda sandbox does not share.
    log('bundles and cold start');
    const bundles = bundleHandlers(root, join(workDir, 'bundles'));
    const coldStart = await measureColdStart(root, workDir, sizes.coldRuns);

    log('loading rules and the corpus');
    const { ruleSet, errors } = loadRules([join(root, 'rules')]);
    if (errors.length > 0) throw new Error(`shipped rules refused: ${errors[0]?.message}`);
    const templates = loadTemplates(corpusDir);
    const classes = classify(templates, ruleSet);
    const mix = { matching: classes.matching, quiet: classes.quiet, matchEvery: 100 };
    const real = [...new Map(templates.map((t) => [`${t.provider}|${t.service}|${t.operation}`, t])).values()].map(
      ({ provider, service, operation }) => ({ provider, service, operation }),
    );

    log(`throughput over ${sizes.lines.toLocaleString('en-US')} events`);
    const workload = buildWorkload(mix, sizes.lines);
    const throughput = await measureThroughput(workload, ruleSet, sizes.rounds);
    const prefilter = passFraction(templates, classes.quiet, ruleSet);

    log('rule scaling 50 / 500 / 5,000');
    const scaling = await measureScaling(
      buildWorkload(mix, sizes.scaleLines),
      real,
      [50, 500, 5_000],
      sizes.scaleRounds,
    );

    let memory: BenchResults['memory'] = { skipped: 'skipped (--skip=memory)' };
    if (!skip.has('memory')) {
      log(`memory: scan of ${sizes.files.map((size) => `${size >> 20} MiB`).join(' and ')}`);
      const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`CLI build failed: ${built.stderr}`);
      memory = { points: await measureMemory(root, mix, workDir, sizes.files) };
    }

    let latency: BenchResults['latency'] = { skipped: 'skipped (--skip=latency)' };
    if (!skip.has('latency')) {
      log(`latency in moto over ${sizes.latency} events`);
      latency = await measureLatency(sizes.latency, join(root, 'rules/aws'));
    }

    const perFindingMs =
      latency.skipped === undefined && coldStart !== undefined
        ? Math.max(0, (latency.invocation.p50 - coldStart.warmInvokeMs) / 10)
        : 50;
    const cost = costModel({
      quietBatch10Ms: coldStart?.warmInvokeMs ?? Number.NaN,
      quietBatch1Ms: coldStart?.warmInvoke1Ms ?? Number.NaN,
      perFindingMs,
      passFraction: prefilter.fraction,
      findingsPerEvent: throughput.findings / Math.max(1, throughput.events),
      memoryMb: 512,
      cpuScale: 1_769 / 512,
    });

    const results: BenchResults = {
      meta: {
        date: new Date().toISOString(),
        quick,
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        loadAverage: loadavg()[0] ?? 0,
        seconds: (performance.now() - started) / 1_000,
      },
      workload: {
        templates: templates.length,
        matchingTemplates: classes.matching.length,
        quietTemplates: classes.quiet.length,
        shippedRules: ruleSet.rules.length,
      },
      throughput,
      prefilter,
      scaling,
      bundles,
      coldStart,
      memory,
      latency,
      cost,
    };
    const baseline = existsSync(baselineFile)
      ? (JSON.parse(readFileSync(baselineFile, 'utf8')) as BenchResults)
      : undefined;
    if (args.includes('--save-baseline')) writeFileSync(baselineFile, `${JSON.stringify(results, null, 2)}\n`);
    // A quick run never overwrites the published figures.
    if (!args.includes('--no-write') && !quick)
      writeFileSync(join(root, 'docs/BENCHMARKS.md'), renderReport(results, baseline));
    log(`done in ${results.meta.seconds.toFixed(0)} s`);
    process.stdout.write(`${JSON.stringify(summaryOf(results))}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
};

await main();
