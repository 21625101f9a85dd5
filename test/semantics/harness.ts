import { stringify } from 'yaml';
import { createFieldView } from '../../functions/core/field-view.js';
import { textOf } from '../../functions/core/sigma/event-text.js';
import { compileRules, type LoadResult } from '../../functions/core/sigma/rule-set.js';
import type { FieldSource } from '../../functions/core/sigma/types.js';

/** One row of the semantics table: a detection (object, or raw YAML for source-text cases) and an event. */
type Row = {
  readonly why: string;
  readonly detection: Record<string, unknown> | string;
  readonly condition?: string | string[];
  readonly event: Record<string, unknown>;
  readonly expected: boolean | { readonly error: string };
};

const header = [
  'title: Semantics row',
  'id: 6d1f2c1e-8f3a-4b7e-9c2d-5a4b3c2d1e0f',
  'status: test',
  'level: high',
  'author: tamperwatch',
  'logsource:',
  '  product: aws',
  '  service: cloudtrail',
].join('\n');

const ruleText = (row: Row): string => {
  if (typeof row.detection === 'string') return `${header}\n${row.detection}\n`;
  return `${header}\n${stringify({ detection: { ...row.detection, condition: row.condition ?? 'selection' } })}`;
};

/** A FieldSource without the view's caches: the matchers' fallback path must agree with the fast path. */
const plainSource = (event: Record<string, unknown>): FieldSource => {
  const view = createFieldView(event);
  return { get: (path) => view.get(path), leaves: () => view.leaves() };
};

type Outcome =
  | { readonly indexed: boolean; readonly brute: boolean; readonly fallback: boolean }
  | { readonly error: string };

/** Evaluate a row through the index and brute force (and the fallback field path); or return the load error. */
const evaluate = (row: Row): Outcome => {
  const source = { file: 'rule.yml', text: ruleText(row) };
  const indexed: LoadResult = compileRules([source]);
  const brute: LoadResult = compileRules([source], { index: false });
  const [error] = indexed.errors;
  if (error !== undefined) return { error: error.message };
  const key = {
    provider: 'aws' as const,
    service: textOf(row.event.eventSource) ?? '',
    operation: textOf(row.event.eventName) ?? '',
  };
  const run = (result: LoadResult, view: FieldSource): boolean =>
    result.ruleSet.candidates(key).some((rule) => rule.test(view) !== undefined);
  return {
    indexed: run(indexed, createFieldView(row.event)),
    brute: run(brute, createFieldView(row.event)),
    fallback: run(brute, plainSource(row.event)),
  };
};

export { evaluate, type Row, ruleText };
