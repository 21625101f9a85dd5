import { detect } from '../../functions/core/detect.js';
import { readEvents } from '../../functions/core/formats/read-input.js';
import type { RuleSet } from '../../functions/core/sigma/rule-set.js';
import { median, timed } from './stats.js';
import { chunksOf, type Workload } from './workload.js';

type EngineTally = { events: number; findings: number; matchedEvents: number; errors: number; notices: number };

/** The floor: `JSON.parse` of every line (the line's text taken out of the same bytes). */
const parseOnly = (workload: Workload): number => {
  let parsed = 0;
  for (let i = 0; i < workload.lines; i += 1) {
    const value: unknown = JSON.parse(workload.bytes.toString('utf8', workload.starts[i], workload.ends[i]));
    if (value !== null) parsed += 1;
  }
  return parsed;
};

/** What `tamperwatch scan` does per input, minus rendering: read (split, parse, decode, normalize) → detect → findings. */
const engine = async (workload: Workload, ruleSet: RuleSet | undefined, now: Date): Promise<EngineTally> => {
  const tally: EngineTally = { events: 0, findings: 0, matchedEvents: 0, errors: 0, notices: 0 };
  for await (const item of readEvents(chunksOf(workload.bytes), 'bench.ndjson')) {
    if (item.kind === 'error') tally.errors += 1;
    else if (item.kind === 'notice') tally.notices += 1;
    else {
      tally.events += 1;
      if (ruleSet === undefined) continue;
      const { findings } = detect([item.event], ruleSet, now, 'cli');
      tally.findings += findings.length;
      if (findings.length > 0) tally.matchedEvents += 1;
    }
  }
  return tally;
};

type ThroughputResult = {
  readonly events: number;
  readonly rounds: number;
  readonly slices: number;
  readonly parseOnlyEventsPerSec: number;
  readonly decodeOnlyEventsPerSec: number;
  readonly engineEventsPerSec: number;
  /** engine / parse-only: the median of the ratios of back-to-back passes over the same slice. */
  readonly ratio: number;
  readonly findings: number;
  readonly matchedEvents: number;
  readonly errors: number;
  readonly notices: number;
  readonly bytes: number;
};

/** Lines [from, to) of a workload as a workload of its own (the same bytes, no copy). */
const sliceOf = (workload: Workload, from: number, to: number): Workload => {
  const offset = workload.starts[from] ?? 0;
  const end = (workload.ends[to - 1] ?? offset) + 1;
  return {
    bytes: workload.bytes.subarray(offset, end),
    starts: workload.starts.slice(from, to).map((start) => start - offset),
    ends: workload.ends.slice(from, to).map((stop) => stop - offset),
    lines: to - from,
    seededMatches: 0,
  };
};

/**
 * The workload in slices; per round and slice, parse-only, decode-only and engine run back to back (order rotating),
 * so each engine pass has a parse-only pass next to it under the same machine load. Rates: events over the sum of
 * each slice's median time; ratio: the median of the paired ratios. One warm-up pass of each first.
 */
const measureThroughput = async (
  workload: Workload,
  ruleSet: RuleSet,
  rounds: number,
  sliceCount = 10,
): Promise<ThroughputResult> => {
  const now = new Date('2026-12-01T00:00:00Z');
  parseOnly(workload);
  await engine(workload, undefined, now);
  const tally = await engine(workload, ruleSet, now);
  const size = Math.ceil(workload.lines / sliceCount);
  const slices = Array.from({ length: sliceCount }, (_, i) =>
    sliceOf(workload, i * size, Math.min(workload.lines, (i + 1) * size)),
  ).filter((slice) => slice.lines > 0);
  const times = slices.map(() => ({ parse: [] as number[], decode: [] as number[], engine: [] as number[] }));
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, slice] of slices.entries()) {
      const passes = [
        async () => times[index]?.parse.push((await timed(() => parseOnly(slice))).ms),
        async () => times[index]?.decode.push((await timed(() => engine(slice, undefined, now))).ms),
        async () => times[index]?.engine.push((await timed(() => engine(slice, ruleSet, now))).ms),
      ];
      for (let k = 0; k < passes.length; k += 1) await passes[(k + round + index) % passes.length]?.();
      const t = times[index];
      if (t !== undefined) ratios.push((t.parse.at(-1) ?? Number.NaN) / (t.engine.at(-1) ?? Number.NaN));
    }
  }
  const rate = (pick: (t: (typeof times)[number]) => number[]) =>
    (workload.lines / times.reduce((sum, t) => sum + median(pick(t)), 0)) * 1_000;
  return {
    events: tally.events,
    rounds,
    slices: slices.length,
    parseOnlyEventsPerSec: rate((t) => t.parse),
    decodeOnlyEventsPerSec: rate((t) => t.decode),
    engineEventsPerSec: rate((t) => t.engine),
    ratio: median(ratios),
    findings: tally.findings,
    matchedEvents: tally.matchedEvents,
    errors: tally.errors,
    notices: tally.notices,
    bytes: workload.bytes.length,
  };
};

export { type EngineTally, engine, measureThroughput, parseOnly, sliceOf, type ThroughputResult };
