// Base CloudTrail records for generated events: every record of ../shared/corpus/aws, decoded from whichever container
// its file uses (bare record, JSON array, {"Records": […]}, NDJSON, EventBridge envelope), plus pools of the real
// values seen at each path (used to pick realistic replacement values).
import { listJsonFiles, readJsonValues } from '../helpers/corpus.js';

type CloudTrailRecord = Record<string, unknown>;

type Corpus = {
  readonly records: readonly CloudTrailRecord[];
  /** Distinct string values seen at a dotted path (arrays crossed), sorted. */
  valuesAt(path: string): readonly string[];
  /** eventSource a given eventName was seen with, if any. */
  sourceOf(eventName: string): string | undefined;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isRecord = (value: unknown): boolean =>
  isObject(value) &&
  typeof value.eventSource === 'string' &&
  typeof value.eventName === 'string' &&
  'eventTime' in value;

const recordsIn = (value: unknown): CloudTrailRecord[] => {
  if (Array.isArray(value)) return value.flatMap(recordsIn);
  if (!isObject(value)) return [];
  if (isRecord(value)) return [value];
  if (Array.isArray(value.Records)) return value.Records.filter(isRecord) as CloudTrailRecord[];
  if (isObject(value.detail) && isRecord(value.detail)) return [value.detail];
  return [];
};

const collectStrings = (node: unknown, prefix: string, out: Map<string, Set<string>>): void => {
  if (Array.isArray(node)) {
    for (const element of node) collectStrings(element, prefix, out);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node))
      collectStrings(value, prefix === '' ? key : `${prefix}.${key}`, out);
  } else if (typeof node === 'string' && node !== '') {
    const set = out.get(prefix) ?? new Set<string>();
    set.add(node);
    out.set(prefix, set);
  }
};

/** Panther's fixtures are normalized (p_* fields, non-RFC 3339 times): not raw CloudTrail, so not a base. */
const excluded = /panther-analysis/;

const loadCorpus = (dir: string): Corpus => {
  const files = listJsonFiles(dir).filter((file) => !excluded.test(file));
  const records = files.flatMap((file) => readJsonValues(file).flatMap(recordsIn));
  const pools = new Map<string, Set<string>>();
  const sources = new Map<string, string>();
  for (const record of records) {
    collectStrings(record, '', pools);
    sources.set(String(record.eventName), String(record.eventSource));
  }
  const sorted = new Map([...pools].map(([path, set]) => [path, [...set].sort()]));
  return {
    records,
    valuesAt: (path) => sorted.get(path) ?? [],
    sourceOf: (eventName) => sources.get(eventName),
  };
};

export { type CloudTrailRecord, type Corpus, loadCorpus };
