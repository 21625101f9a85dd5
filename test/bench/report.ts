import { optimizations } from './optimizations.js';
import { fmt, mib } from './stats.js';
import { type BenchResults, summaryOf } from './summary.js';

const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
const ms = (value: number | undefined, digits = 1): string =>
  value === undefined ? 'n/a' : `${fmt(value, digits)} ms`;

const headline = (r: BenchResults, b: BenchResults | undefined): string[] => {
  const s = summaryOf(r);
  const o = b === undefined ? undefined : summaryOf(b);
  const row = (name: string, target: string, now: string, before: string | undefined, ok: boolean) =>
    `| ${name} | ${target} | ${before ?? '–'} | ${now} | ${yes(ok)} |`;
  return [
    '| measure | target | before | now | met |',
    '|---|---|---|---|---|',
    row('engine / JSON.parse-only throughput', '≥ 0.5', s.ratio.toFixed(2), o?.ratio.toFixed(2), s.pass.ratio),
    row('engine throughput (events/s)', '–', fmt(s.engineEventsPerSec), o && fmt(o.engineEventsPerSec), true),
    row(
      'per-event cost, 500 / 50 rules',
      '≤ 2',
      s.perEventCost500over50.toFixed(2),
      o?.perEventCost500over50.toFixed(2),
      s.pass.scaling,
    ),
    row(
      'cold start (import + compile + 1st batch)',
      '≤ 100 ms',
      ms(s.coldStartMs ?? undefined),
      o && ms(o.coldStartMs ?? undefined),
      s.pass.coldStart,
    ),
    row('largest Lambda bundle', '≤ 1.5 MiB', mib(s.largestBundleBytes), o && mib(o.largestBundleBytes), s.pass.bundle),
    row(
      '$ per million CloudTrail events (prefiltered)',
      '< GuardDuty $4',
      `$${fmt(s.costPerMillionUsd ?? Number.NaN, 3)}`,
      o && `$${fmt(o.costPerMillionUsd ?? Number.NaN, 3)}`,
      (s.costPerMillionUsd ?? 99) < 4,
    ),
  ];
};

const throughputTable = (r: BenchResults): string[] => {
  const t = r.throughput;
  const us = (rate: number) => fmt(1e6 / rate, 2);
  return [
    `${fmt(t.events)} events (${mib(t.bytes)} of NDJSON) from ${r.workload.templates} corpus records (${r.workload.matchingTemplates} matching, ${r.workload.quietTemplates} quiet), ids, actors and resource names varied per line; ${fmt((100 * t.matchedEvents) / t.events, 2)} % of events match (${fmt(t.findings)} findings) with all ${r.workload.shippedRules} shipped rules. Median of ${t.rounds} interleaved rounds; the three paths read the same bytes.`,
    '',
    '| path | events/s | µs/event | share of engine time |',
    '|---|---|---|---|',
    `| JSON.parse only (line text + parse) | ${fmt(t.parseOnlyEventsPerSec)} | ${us(t.parseOnlyEventsPerSec)} | ${fmt((100 * t.engineEventsPerSec) / t.parseOnlyEventsPerSec)} % |`,
    `| decode only (readEvents: split, parse, unwrap, normalize) | ${fmt(t.decodeOnlyEventsPerSec)} | ${us(t.decodeOnlyEventsPerSec)} | ${fmt((100 * t.engineEventsPerSec) / t.decodeOnlyEventsPerSec)} % |`,
    `| engine (decode → normalize → match → finding) | ${fmt(t.engineEventsPerSec)} | ${us(t.engineEventsPerSec)} | 100 % |`,
    '',
    `Ratio engine / parse-only: **${t.ratio.toFixed(2)}** (target ≥ 0.5). Decode errors: ${t.errors}, notices: ${t.notices}.`,
  ];
};

const scalingTable = (r: BenchResults): string[] => [
  `${fmt(r.scaling.events)} events of the same mix; generated rules (6 in 10 AWS, 2 GCP, 2 Azure) with distinct service/operation pairs, one in twenty on an operation that occurs in the mix. Median of ${r.scaling.rounds} rounds, rule sets taking turns.`,
  '',
  '| rules | compile (warm process) | candidates / event | end-to-end µs/event | match-only µs/event | findings |',
  '|---|---|---|---|---|---|',
  ...r.scaling.points.map(
    (p) =>
      `| ${fmt(p.rules)} | ${ms(p.compileMs, 0)} | ${fmt(p.candidatesPerEvent, 3)} | ${fmt(p.endToEndUs, 2)} | ${fmt(p.matchOnlyUs, 3)} | ${fmt(p.findings)} |`,
  ),
  '',
  `Per-event cost 500 / 50: **${r.scaling.perEventCost500over50.toFixed(2)}** end to end, ${r.scaling.matchCost500over50.toFixed(2)} match-only; 5,000 / 50: ${r.scaling.perEventCost5000over50.toFixed(2)} end to end, ${r.scaling.matchCost5000over50.toFixed(2)} match-only (target ≤ 2 at 500).`,
];

const coldTable = (r: BenchResults): string[] => {
  const c = r.coldStart;
  const bundles = [
    'Each handler as infra/constructs/handler-asset.ts builds it (the same function the stacks call): ESM split into chunks; a cold start loads index.mjs and the chunks it imports statically, the rest on first `await import()`.',
    '',
    '| handler | all code | loaded at cold start | chunks | gzip (cold-start code) | source maps |',
    '|---|---|---|---|---|---|',
    ...r.bundles.map(
      (b) =>
        `| ${b.handler} | ${mib(b.bytes)} (${fmt(b.bytes)} B) | ${b.initialBytes === undefined ? 'n/a' : `${fmt(b.initialBytes)} B`} | ${b.chunks ?? 1} | ${mib(b.gzipBytes)} | ${mib(b.mapBytes)} |`,
    ),
  ];
  if (c === undefined) return ['No cloudtrail-queue handler to measure.', '', ...bundles];
  const variants = c.variants ?? [];
  return [
    `Median of ${c.runs} fresh \`node\` processes per variant on the detector's asset (functions/handlers/cloudtrail-queue.ts) written by infra/constructs/handler-asset.ts — code chunks, rules/aws (${c.rules} rules, no cases files), the rule pack, \`suppressions.json\` \`[]\` — and a fake environment. Cold start = import + first invocation (config, rule compile from the pack, one batch of 10 quiet records). The AWS SDK clients are not in it: they load with the first claim or publish (the last row of the second table). The stack sets no NODE_OPTIONS unless the \`sourceMaps\` deploy option asks for \`--enable-source-maps\`. Measured first in the run, while the bench process is small: a parent holding the throughput workload (~1 GB) slowed every child process on this VM by about a third (71 → 97 ms), a neighbour a Lambda sandbox does not have.`,
    '',
    '| variant | import | first invocation | **cold start** | RSS after |',
    '|---|---|---|---|---|',
    ...variants.map(
      (v) =>
        `| ${v.name} | ${ms(v.importMs)} | ${ms(v.firstInvokeMs)} | **${ms(v.coldStartMs)}** | ${mib(v.rssBytes)} |`,
    ),
    '',
    '| step | median |',
    '|---|---|',
    `| node boot before the module (not counted) | ${ms(c.nodeBootMs)} |`,
    `| code loaded at cold start / all of the asset's code | ${fmt(c.initialBytes)} B / ${fmt(c.codeBytes)} B |`,
    `| rules/aws alone, fresh process: loadRules from YAML / loadRulePack | ${ms(c.compileRulesMs)} / ${ms(c.compileRulesPackMs)} |`,
    `| loadRules(rules/) alone (${c.allRules} rules, all providers, YAML), fresh process | ${ms(c.compileAllRulesMs)} |`,
    `| warm invocation, 10 quiet records / 1 record | ${ms(c.warmInvokeMs, 2)} / ${ms(c.warmInvoke1Ms, 2)} |`,
    `| RSS / heap used after the first invocation | ${mib(c.rssBytes)} / ${mib(c.heapUsedBytes)} |`,
    `| loading the AWS SDK chunk (DynamoDB, SNS clients) when the first finding needs it | ${ms(c.sdkLoadMs)} |`,
    '',
    ...bundles,
  ];
};

const memoryTable = (r: BenchResults): string[] => {
  if (r.memory.points === undefined) return [r.memory.skipped];
  return [
    '`node bin/tamperwatch.mjs scan --format ndjson FILE > /dev/null` on generated NDJSON (the same mix), written to a temporary directory and deleted after the scan; peak RSS from `process.resourceUsage().maxRSS` (a preloaded probe).',
    '',
    '| file | events | peak RSS | heap at exit | time | events/s | exit |',
    '|---|---|---|---|---|---|---|',
    ...r.memory.points.map(
      (p) =>
        `| ${mib(p.fileBytes)} | ${fmt(p.lines)} | ${mib(p.peakRssBytes)} | ${mib(p.heapUsedAtExitBytes)} | ${fmt(p.seconds, 1)} s | ${fmt(p.eventsPerSec)} | ${p.exitCode} |`,
    ),
  ];
};

const latencyTable = (r: BenchResults): string[] => {
  const l = r.latency;
  if (l.skipped !== undefined) return [l.skipped];
  return [
    `${fmt(l.events)} StopLogging envelopes through SQS → the real handler → DynamoDB claims → SNS PublishBatch → a raw-delivery SQS subscriber, all in moto_server on 127.0.0.1 (${l.invocations} invocations, ${l.alerts} alerts, ${l.failures} record failures, ${fmt(l.alertsPerSec, 1)} alerts/s with one poller).`,
    '',
    '| measure | p50 | p95 | p99 | max |',
    '|---|---|---|---|---|',
    `| receive → publish (alert stamps) | ${ms(l.receiveToPublish.p50, 0)} | ${ms(l.receiveToPublish.p95, 0)} | ${ms(l.receiveToPublish.p99, 0)} | ${ms(l.receiveToPublish.max, 0)} |`,
    `| handler invocation (≤ 10 records, claim + publish + confirm) | ${ms(l.invocation.p50, 0)} | ${ms(l.invocation.p95, 0)} | ${ms(l.invocation.p99, 0)} | ${ms(l.invocation.max, 0)} |`,
  ];
};

const costTable = (r: BenchResults): string[] => {
  const c = r.cost;
  const items = c.scenarios[0]?.lines.map((line) => line.item) ?? [];
  return [
    `Prefilter share measured on the bench mix: ${fmt(100 * r.prefilter.fraction, 1)} % of CloudTrail records pass (${r.prefilter.names} event names${r.prefilter.services > 0 ? `, ${r.prefilter.services} event sources` : ''}${r.prefilter.unconstrained ? ', plus a catch-all' : ''}).`,
    '',
    `| $ per million CloudTrail events | ${c.scenarios.map((s) => s.name).join(' | ')} |`,
    `|---|${c.scenarios.map(() => '---').join('|')}|`,
    ...items.map(
      (item, i) => `| ${item} | ${c.scenarios.map((s) => `$${fmt(s.lines[i]?.dollars ?? 0, 4)}`).join(' | ')} |`,
    ),
    `| **total** | ${c.scenarios.map((s) => `**$${fmt(s.total, 3)}**`).join(' | ')} |`,
    `| GuardDuty (CloudTrail management events) | ${c.scenarios.map(() => `$${fmt(c.guardDutyPerMillion, 2)}`).join(' | ')} |`,
    '',
    'Assumptions:',
    ...c.assumptions.map((a) => `- ${a}`),
    '',
    'Unit prices and where they are published:',
    ...c.sources.map((source) => `- ${source}`),
  ];
};

const optimizationSection = (): string[] =>
  optimizations.length === 0
    ? ['None yet.']
    : [
        '| what | where | measured effect | differential test |',
        '|---|---|---|---|',
        ...optimizations.map((o) => `| ${o.what} | ${o.where} | ${o.effect} | ${o.test} |`),
      ];

/** docs/BENCHMARKS.md */
const renderReport = (r: BenchResults, baseline: BenchResults | undefined): string =>
  [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` on ${r.meta.date.slice(0, 10)} (${r.meta.seconds.toFixed(0)} s): Node ${r.meta.node}, ${r.meta.cpus} × ${r.meta.cpuModel}, load average ${r.meta.loadAverage.toFixed(1)} at the end. Ratios are taken within one run, so machine noise hits both sides; absolute rates move with the load.${baseline === undefined ? '' : ` "Before" is the run of ${baseline.meta.date.slice(0, 10)} saved in test/bench/baseline.json, before the optimization pass, at load average ${baseline.meta.loadAverage.toFixed(1)}: compare ratios and the variants of one run, not absolute rates across runs.`}`,
    '',
    '## Headline',
    '',
    ...headline(r, baseline),
    '',
    '## Engine throughput',
    '',
    ...throughputTable(r),
    '',
    '## Rule scaling',
    '',
    ...scalingTable(r),
    '',
    '## Cold start and bundle size',
    '',
    ...coldTable(r),
    '',
    '## Memory of `tamperwatch scan`',
    '',
    ...memoryTable(r),
    '',
    '## Latency in the emulator',
    '',
    ...latencyTable(r),
    '',
    '## Cost model',
    '',
    ...costTable(r),
    '',
    '## Optimizations',
    '',
    ...optimizationSection(),
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run bench             # full run, writes this file; last stdout line is a JSON summary',
    'npm run bench -- --quick  # small sizes, under a minute, same JSON fields, does not touch this file',
    '```',
    '',
  ].join('\n');

export { renderReport };
