import type { BundleInfo } from './bundles.js';
import type { ColdStartResult } from './cold-start.js';
import type { CostModel } from './cost.js';
import type { LatencyResult } from './latency.js';
import type { MemoryPoint } from './memory.js';
import type { PrefilterShare } from './prefilter-share.js';
import type { ScalingResult } from './scaling.js';
import type { ThroughputResult } from './throughput.js';

/** Everything one run measured (also the shape of test/bench/baseline.json). */
type BenchResults = {
  readonly meta: {
    date: string;
    quick: boolean;
    node: string;
    cpus: number;
    cpuModel: string;
    loadAverage: number;
    seconds: number;
  };
  readonly workload: { templates: number; matchingTemplates: number; quietTemplates: number; shippedRules: number };
  readonly throughput: ThroughputResult;
  readonly prefilter: PrefilterShare;
  readonly scaling: ScalingResult;
  /** Runs before the split build (baseline.json) have no `initialBytes` / `chunks`. */
  readonly bundles: readonly (Omit<BundleInfo, 'initialBytes' | 'chunks' | 'dir'> & Partial<BundleInfo>)[];
  readonly coldStart: ColdStartResult | undefined;
  readonly memory:
    | { readonly skipped: string; readonly points?: undefined }
    | { readonly skipped?: undefined; readonly points: readonly MemoryPoint[] };
  readonly latency: LatencyResult;
  readonly cost: CostModel;
};

const targets = { ratio: 0.5, scaling: 2, coldStartMs: 100, bundleBytes: 1.5 * 1024 * 1024 };

/** The machine-readable last line of `npm run bench`. */
const summaryOf = (r: BenchResults) => {
  const largest = Math.max(0, ...r.bundles.map((bundle) => bundle.bytes));
  const prefiltered = r.cost.scenarios[0];
  return {
    quick: r.meta.quick,
    engineEventsPerSec: Math.round(r.throughput.engineEventsPerSec),
    parseOnlyEventsPerSec: Math.round(r.throughput.parseOnlyEventsPerSec),
    decodeOnlyEventsPerSec: Math.round(r.throughput.decodeOnlyEventsPerSec),
    ratio: Number(r.throughput.ratio.toFixed(3)),
    events: r.throughput.events,
    matchedShare: Number((r.throughput.matchedEvents / Math.max(1, r.throughput.events)).toFixed(4)),
    perEventCost500over50: Number(r.scaling.perEventCost500over50.toFixed(3)),
    matchCost500over50: Number(r.scaling.matchCost500over50.toFixed(3)),
    perEventCost5000over50: Number(r.scaling.perEventCost5000over50.toFixed(3)),
    coldStartMs: r.coldStart === undefined ? null : Number(r.coldStart.coldStartMs.toFixed(1)),
    coldStartVariantsMs:
      r.coldStart?.variants === undefined
        ? null
        : Object.fromEntries(r.coldStart.variants.map((v) => [v.name, Number(v.coldStartMs.toFixed(1))])),
    compileRulesMs: r.coldStart === undefined ? null : Number(r.coldStart.compileRulesMs.toFixed(1)),
    compileRulesPackMs:
      r.coldStart?.compileRulesPackMs === undefined ? null : Number(r.coldStart.compileRulesPackMs.toFixed(1)),
    sdkLoadMs: r.coldStart?.sdkLoadMs === undefined ? null : Number(r.coldStart.sdkLoadMs.toFixed(1)),
    detectorInitialBytes: r.coldStart?.initialBytes ?? null,
    largestBundleBytes: largest,
    bundles: Object.fromEntries(r.bundles.map((bundle) => [bundle.handler, bundle.bytes])),
    peakRssBytes:
      r.memory.points?.map((point) => ({ fileBytes: point.fileBytes, peakRssBytes: point.peakRssBytes })) ?? null,
    latencyMs:
      r.latency.skipped === undefined
        ? {
            p50: r.latency.receiveToPublish.p50,
            p95: r.latency.receiveToPublish.p95,
            p99: r.latency.receiveToPublish.p99,
          }
        : null,
    costPerMillionUsd: prefiltered === undefined ? null : Number(prefiltered.total.toFixed(4)),
    guardDutyPerMillionUsd: r.cost.guardDutyPerMillion,
    pass: {
      ratio: r.throughput.ratio >= targets.ratio,
      scaling: r.scaling.perEventCost500over50 <= targets.scaling,
      coldStart: r.coldStart !== undefined && r.coldStart.coldStartMs <= targets.coldStartMs,
      bundle: largest <= targets.bundleBytes,
    },
    seconds: Math.round(r.meta.seconds),
  };
};

export { type BenchResults, summaryOf, targets };
