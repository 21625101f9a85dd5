// Generates, for one rule, CloudTrail records that satisfy or fail its own detection: positives for the ways to make
// the condition true (every value of a list and every map of a list of maps), negatives that perturb, drop or null one
// required value or flip a filter, and edge variants for the semantics that implementations are known to disagree on.
import { type Falsify, materialize, type Plan, pinsFor } from './build-event.js';
import type { CloudTrailRecord, Corpus } from './corpus.js';
import { edgeVariants } from './edge-variants.js';
import { createRandom } from './prng.js';
import { evaluateCondition, type Item, type RuleModel } from './rule-model.js';
import type { Pin } from './values.js';

type Intent = 'match' | 'no_match';
type GeneratedEvent = {
  readonly id: string;
  readonly rule: string;
  readonly variant: string;
  readonly intent: Intent;
  readonly record: CloudTrailRecord;
};

const maxPositiveAssignments = 3;

const assignments = (rule: RuleModel): Map<string, boolean>[] => {
  const names = rule.selections.map((selection) => selection.name);
  if (names.length > 10) throw new Error(`${rule.file}: too many selections to enumerate`);
  const all = Array.from(
    { length: 2 ** names.length },
    (_, mask) => new Map(names.map((name, i) => [name, (mask & (1 << i)) !== 0])),
  );
  const count = (truth: Map<string, boolean>) => [...truth.values()].filter(Boolean).length;
  return all.sort((a, b) => count(a) - count(b));
};

const labelOf = (truth: ReadonlyMap<string, boolean>): string =>
  [...truth]
    .filter(([, value]) => value)
    .map(([name]) => name)
    .join('+') || 'none';

const generateForRule = (rule: RuleModel, corpus: Corpus): GeneratedEvent[] => {
  const events: GeneratedEvent[] = [];
  const seen = new Set<string>();
  const fieldItems = new Map<string, { selection: string; item: Item }[]>();
  for (const selection of rule.selections) {
    for (const item of selection.alternatives.flat()) {
      fieldItems.set(item.field, [...(fieldItems.get(item.field) ?? []), { selection: selection.name, item }]);
    }
  }
  const intentOf = (truth: ReadonlyMap<string, boolean>): Intent =>
    evaluateCondition(rule.condition, truth) ? 'match' : 'no_match';
  const add = (variant: string, intent: Intent, record: CloudTrailRecord): void => {
    const key = JSON.stringify({ ...record, eventID: '' });
    if (seen.has(key)) return;
    seen.add(key);
    events.push({ id: `${rule.stem}/${variant}`, rule: rule.file, variant, intent, record });
  };
  const realize = (variant: string, plan: Plan): Map<string, Pin> | undefined => {
    const random = createRandom(`${rule.stem}/${variant}`);
    const pins = pinsFor(rule, plan, corpus, random);
    if (pins !== undefined) add(variant, intentOf(plan.truth), materialize(pins, corpus, random));
    return pins;
  };
  const edges = (label: string, truth: ReadonlyMap<string, boolean>, pins: Map<string, Pin>, only?: string): void => {
    const random = createRandom(`${rule.stem}/edges/${label}`);
    const selections = rule.selections.filter(
      (s) => truth.get(s.name) === true && (only === undefined || s.name === only),
    );
    const intentWith = (name: string, stillTrue: boolean) => intentOf(new Map(truth).set(name, stillTrue));
    const base = materialize(pins, corpus, random);
    for (const edge of edgeVariants({ selections, pins, base, corpus, random, intentWith, fieldItems })) {
      add(label === '' ? edge.variant : `${edge.variant}@${label}`, edge.intent, edge.record);
    }
  };

  const positives = assignments(rule).filter((truth) => evaluateCondition(rule.condition, truth));
  const realized = positives
    .map((truth) => ({ truth, pins: realize(`p:${labelOf(truth)}`, { truth }) }))
    .filter((entry) => entry.pins !== undefined)
    .slice(0, maxPositiveAssignments);
  const base = realized[0];
  if (base === undefined) throw new Error(`${rule.file}: no satisfiable assignment`);
  const truth = base.truth;
  const trueSelections = rule.selections.filter((s) => truth.get(s.name) === true);
  const falseSelections = rule.selections.filter((s) => truth.get(s.name) !== true);

  // every value of a value list, every map of a list of maps
  for (const selection of trueSelections) {
    selection.alternatives.forEach((alternative, alt) => {
      if (alt > 0) realize(`p:alt:${selection.name}=${alt}`, { truth, alternative: new Map([[selection.name, alt]]) });
      if (alt > 0) return;
      for (const item of alternative) {
        for (let index = 1; index < item.values.length && !item.modifiers.includes('all'); index += 1) {
          const key = `${selection.name}.${item.field}`;
          realize(`p:value:${key}=${index}`, { truth, valueIndex: new Map([[key, index]]) });
        }
      }
    });
  }

  // one required item perturbed, dropped or nulled at a time
  const modes: Falsify[] = ['perturb', 'drop', 'null'];
  for (const selection of trueSelections) {
    const flipped = new Map(truth).set(selection.name, false);
    (selection.alternatives[0] ?? []).forEach((item, index) => {
      for (const mode of modes) {
        realize(`n:${mode}:${selection.name}.${item.field}`, {
          truth: flipped,
          falsify: new Map([[selection.name, { item: index, mode }]]),
        });
      }
    });
  }

  // filters: flipped to true (each map, with its edge variants), and kept false by a perturbed, absent or null value
  for (const selection of falseSelections) {
    selection.alternatives.forEach((_, alt) => {
      const flipped = new Map(truth).set(selection.name, true);
      const label = `flip:${selection.name}${alt > 0 ? `=${alt}` : ''}`;
      const pins = realize(`n:${label}`, { truth: flipped, alternative: new Map([[selection.name, alt]]) });
      if (pins !== undefined) edges(label, flipped, pins, selection.name);
    });
    (selection.alternatives[0] ?? []).forEach((item, index) => {
      for (const mode of modes) {
        realize(`p:${mode}:${selection.name}.${item.field}`, {
          truth,
          falsify: new Map([[selection.name, { item: index, mode }]]),
        });
      }
    });
  }

  // edge variants of each positive assignment
  realized.forEach((positive, index) => {
    edges(index === 0 ? '' : labelOf(positive.truth), positive.truth, positive.pins as Map<string, Pin>);
  });
  return events;
};

export { type GeneratedEvent, generateForRule, type Intent };
