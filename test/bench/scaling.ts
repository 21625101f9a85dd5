import type { AuditEvent } from '../../functions/core/audit-event.js';
import { detect } from '../../functions/core/detect.js';
import { readEvents } from '../../functions/core/formats/read-input.js';
import { compileRules, type RuleSet } from '../../functions/core/sigma/rule-set.js';
import { generateRules, type RealOperation } from './rule-variants.js';
import { median, timed } from './stats.js';
import { engine, sliceOf } from './throughput.js';
import { chunksOf, type Workload } from './workload.js';

type ScalePoint = {
  readonly rules: number;
  readonly compileMs: number;
  /** decode → match → finding, µs per event (median of rounds). */
  readonly endToEndUs: number;
  /** detect() alone over already-decoded events (fresh field views each round), µs per event. */
  readonly matchOnlyUs: number;
  /** Mean number of candidate rules the index returns per event. */
  readonly candidatesPerEvent: number;
  readonly findings: number;
};

type ScalingResult = {
  readonly events: number;
  readonly rounds: number;
  readonly points: readonly ScalePoint[];
  readonly perEventCost500over50: number;
  readonly matchCost500over50: number;
  readonly perEventCost5000over50: number;
  readonly matchCost5000over50: number;
};

const timedSync = <T>(fn: () => T): { ms: number; value: T } => {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
};

const decodeAll = async (workload: Workload): Promise<AuditEvent[]> => {
  const events: AuditEvent[] = [];
  for await (const item of readEvents(chunksOf(workload.bytes), 'bench.ndjson'))
    if (item.kind === 'event') events.push(item.event);
  return events;
};

const candidateMean = (events: readonly AuditEvent[], ruleSet: RuleSet): number => {
  let total = 0;
  for (const event of events) total += ruleSet.candidates(event).length;
  return total / Math.max(1, events.length);
};

/**
 * Per-event cost with 50, 500 and 5,000 generated rules over the same events. The workload is cut in slices; in each
 * round every slice runs under each rule set back to back (order rotating), and the cost ratios are the medians of
 * those paired ratios, so machine noise hits the rule sets alike. Match-only times detect() over events decoded afresh
 * for each rule set (untimed), so no field view cache carries over from one rule set to the next.
 */
const measureScaling = async (
  workload: Workload,
  real: readonly RealOperation[],
  counts: readonly number[],
  rounds: number,
  sliceCount = 10,
): Promise<ScalingResult> => {
  const now = new Date('2026-12-01T00:00:00Z');
  const sets = counts.map((count) => {
    const sources = generateRules(count, real);
    const { value, ms } = timedSync(() => compileRules(sources));
    if (value.errors.length > 0) throw new Error(`generated rules refused: ${value.errors[0]?.message}`);
    if (value.ruleSet.rules.length !== count)
      throw new Error(`expected ${count} rules, got ${value.ruleSet.rules.length}`);
    return { count, ruleSet: value.ruleSet, compileMs: ms };
  });
  const sample = await decodeAll(workload);
  const size = Math.ceil(workload.lines / sliceCount);
  const slices = Array.from({ length: sliceCount }, (_, i) =>
    sliceOf(workload, i * size, Math.min(workload.lines, (i + 1) * size)),
  ).filter((slice) => slice.lines > 0);
  const endToEnd = sets.map(() => slices.map(() => [] as number[]));
  const matchOnly = sets.map(() => slices.map(() => [] as number[]));
  const endRatios = sets.map(() => [] as number[]);
  const matchRatios = sets.map(() => [] as number[]);
  const findings = sets.map(() => 0);
  for (const [index, set] of sets.entries()) findings[index] = (await engine(workload, set.ruleSet, now)).findings; // warm-up
  for (let round = 0; round < rounds; round += 1) {
    for (const [slot, slice] of slices.entries()) {
      const order = sets.map((_, k) => (k + round + slot) % sets.length);
      const times = sets.map(() => 0);
      for (const index of order) {
        const set = sets[index];
        if (set === undefined) continue;
        times[index] = (await timed(() => engine(slice, set.ruleSet, now))).ms;
        endToEnd[index]?.[slot]?.push(times[index] ?? 0);
      }
      for (const index of sets.keys()) endRatios[index]?.push((times[index] ?? 0) / (times[0] ?? Number.NaN));
      const copies = await Promise.all(sets.map(() => decodeAll(slice)));
      const matchTimes = sets.map(() => 0);
      for (const index of order) {
        const set = sets[index];
        const events = copies[index];
        if (set === undefined || events === undefined) continue;
        matchTimes[index] = (await timed(() => detect(events, set.ruleSet, now, 'cli'))).ms;
        matchOnly[index]?.[slot]?.push(matchTimes[index] ?? 0);
      }
      for (const index of sets.keys())
        matchRatios[index]?.push((matchTimes[index] ?? 0) / (matchTimes[0] ?? Number.NaN));
    }
  }
  const perEvent = (perSlice: readonly (readonly number[])[]) =>
    (perSlice.reduce((sum, times) => sum + median(times), 0) * 1_000) / workload.lines;
  const points = sets.map(
    (set, index): ScalePoint => ({
      rules: set.count,
      compileMs: set.compileMs,
      endToEndUs: perEvent(endToEnd[index] ?? []),
      matchOnlyUs: perEvent(matchOnly[index] ?? []),
      candidatesPerEvent: candidateMean(sample, set.ruleSet),
      findings: findings[index] ?? 0,
    }),
  );
  const ratio = (rules: number, ratios: readonly (readonly number[])[]) =>
    median(ratios[counts.indexOf(rules)] ?? [Number.NaN]);
  return {
    events: workload.lines,
    rounds,
    points,
    perEventCost500over50: ratio(500, endRatios),
    matchCost500over50: ratio(500, matchRatios),
    perEventCost5000over50: ratio(5_000, endRatios),
    matchCost5000over50: ratio(5_000, matchRatios),
  };
};

export { measureScaling, type ScalePoint, type ScalingResult };
