// Turns a plan (which selections must be true or false, and how) into pinned field values, then into a CloudTrail
// record built on a real corpus record. Every selection's truth is fixed by pinned fields alone, so unpinned fields
// of the base record cannot change the expected verdict.
import type { CloudTrailRecord, Corpus } from './corpus.js';
import type { Random } from './prng.js';
import { deletePath, setPath } from './record-paths.js';
import type { Item, RuleModel } from './rule-model.js';
import { has, holds, isNullItem, type Pin, refOf, satisfyingText } from './values.js';

type Falsify = 'perturb' | 'drop' | 'null';
type Plan = {
  readonly truth: ReadonlyMap<string, boolean>;
  /** true selections: which alternative (map) to satisfy; default 0 */
  readonly alternative?: ReadonlyMap<string, number>;
  /** true selections: `selection.field` → which value of a value list to use; default 0 */
  readonly valueIndex?: ReadonlyMap<string, number>;
  /** false selections: which item to falsify first and how; default item 0, perturb */
  readonly falsify?: ReadonlyMap<string, { readonly item: number; readonly mode: Falsify }>;
};

const fallbackSources: Record<string, string> = {
  DeleteBucket: 's3.amazonaws.com',
  ConsoleLogin: 'signin.amazonaws.com',
  DeleteFlowLogs: 'ec2.amazonaws.com',
  CreateNetworkAclEntry: 'ec2.amazonaws.com',
};

const synthetic = ['tamperwatch-crosscheck', 'AwsApiCall', 'none', '0'];

const candidatesFor = (path: string, corpus: Corpus, pins: ReadonlyMap<string, Pin>, random: Random): string[] => {
  const pool = [...corpus.valuesAt(path)];
  if (path === 'eventName') {
    const source = pins.get('eventSource');
    const sameSource =
      source?.kind === 'value'
        ? corpus.records.filter((r) => r.eventSource === source.value).map((r) => String(r.eventName))
        : [];
    pool.unshift(...new Set(sameSource));
  }
  const start = pool.length === 0 ? 0 : Math.floor(random.next() * pool.length);
  return [...pool.slice(start), ...pool.slice(0, start), ...synthetic].filter((value) => value.length < 200);
};

const wrapFor = (path: string, corpus: Corpus, random: Random) => {
  const pool = corpus.valuesAt(path).filter((value) => value.length < 120);
  return {
    prefix: pool.length > 0 ? `${random.pick(pool)} ` : random.pick(['sh -c ', 'tw ', '']),
    suffix: random.pick(['', '20150331v2', ' tw']),
    fill: 'tw-bucket',
  };
};

/** Pins that make `item` true; false if the pins already there contradict it. */
const satisfy = (item: Item, index: number, pins: Map<string, Pin>, corpus: Corpus, random: Random): boolean => {
  const ref = refOf(item);
  const fresh = !pins.has(item.field);
  if (ref !== undefined) {
    const known = pins.get(item.field) ?? pins.get(ref);
    const value: Pin = known ?? { kind: 'value', value: random.pick(corpus.valuesAt(ref).concat(['alice'])) };
    if (!pins.has(item.field)) pins.set(item.field, value);
    if (!pins.has(ref)) pins.set(ref, value);
  } else if (fresh) {
    const wrap = wrapFor(item.field, corpus, random);
    pins.set(
      item.field,
      isNullItem(item) ? { kind: 'absent' } : { kind: 'value', value: satisfyingText(item, index, wrap) },
    );
  }
  const verdict = holds(pins.get(item.field) ?? { kind: 'absent' }, item, pins) === true;
  if (fresh && !verdict) throw new Error(`generator: could not satisfy ${item.field}|${item.modifiers.join('|')}`);
  return verdict;
};

const failingPin = (
  item: Item,
  mode: Falsify,
  pins: Map<string, Pin>,
  corpus: Corpus,
  random: Random,
): Pin | undefined => {
  if (mode === 'drop' && !isNullItem(item)) return { kind: 'absent' };
  if (mode === 'null' && !isNullItem(item) && !has(item, 'fieldref')) return { kind: 'null' };
  for (const candidate of candidatesFor(item.field, corpus, pins, random)) {
    const pin: Pin = { kind: 'value', value: candidate };
    if (holds(pin, item, pins) === false) return pin;
  }
  return isNullItem(item) ? undefined : { kind: 'absent' };
};

/** Pins making every alternative of a selection false, or false when that is impossible with the pins there. */
const falsify = (
  items: readonly Item[],
  first: number,
  mode: Falsify,
  pins: Map<string, Pin>,
  corpus: Corpus,
  random: Random,
) => {
  if (items.some((item) => pins.has(item.field) && holds(pins.get(item.field) as Pin, item, pins) === false))
    return true;
  for (let step = 0; step < items.length; step += 1) {
    const item = items[(first + step) % items.length] as Item;
    const ref = refOf(item);
    if (pins.has(item.field)) continue;
    if (ref !== undefined && !pins.has(ref))
      pins.set(ref, { kind: 'value', value: random.pick(corpus.valuesAt(ref).concat(['bob'])) });
    const pin = failingPin(item, mode, pins, corpus, random);
    if (pin === undefined) continue;
    pins.set(item.field, pin);
    return true;
  }
  return false;
};

/** The pinned fields realizing a plan, or undefined when the plan is contradictory. */
const pinsFor = (rule: RuleModel, plan: Plan, corpus: Corpus, random: Random): Map<string, Pin> | undefined => {
  const pins = new Map<string, Pin>();
  for (const selection of rule.selections.filter((s) => plan.truth.get(s.name) === true)) {
    const alternative = selection.alternatives[plan.alternative?.get(selection.name) ?? 0] ?? [];
    for (const item of alternative) {
      const index = plan.valueIndex?.get(`${selection.name}.${item.field}`) ?? 0;
      if (!satisfy(item, index, pins, corpus, random)) return undefined;
    }
  }
  for (const selection of rule.selections.filter((s) => plan.truth.get(s.name) !== true)) {
    const how = plan.falsify?.get(selection.name) ?? { item: 0, mode: 'perturb' };
    for (const alternative of selection.alternatives) {
      if (!falsify(alternative, how.item, how.mode, pins, corpus, random)) return undefined;
    }
  }
  return pins;
};

const baseRecord = (pins: ReadonlyMap<string, Pin>, corpus: Corpus, random: Random): CloudTrailRecord => {
  const name = pins.get('eventName');
  const source = pins.get('eventSource');
  const wanted =
    source?.kind === 'value'
      ? source.value
      : name?.kind === 'value'
        ? (corpus.sourceOf(name.value) ?? fallbackSources[name.value])
        : undefined;
  const matching = corpus.records.filter((record) => record.eventSource === wanted);
  const base = random.pick(matching.length > 0 ? matching : corpus.records);
  const record = structuredClone(base) as CloudTrailRecord;
  if (wanted !== undefined && record.eventSource !== wanted) {
    // no corpus record of that service: keep the envelope of another one, not its service-specific payload
    record.eventSource = wanted;
    record.requestParameters = null;
    record.responseElements = null;
    delete record.additionalEventData;
    delete record.serviceEventDetails;
  }
  const id = random.hex(32);
  record.eventID = `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-a${id.slice(17, 20)}-${id.slice(20)}`;
  return record;
};

/** A CloudTrail record with the pins applied to a real corpus record. */
const materialize = (pins: ReadonlyMap<string, Pin>, corpus: Corpus, random: Random): CloudTrailRecord => {
  const record = baseRecord(pins, corpus, random);
  for (const [path, pin] of pins) {
    if (pin.kind === 'absent') deletePath(record, path);
    else setPath(record, path, pin.kind === 'null' ? null : pin.value);
  }
  return record;
};

export { type Falsify, materialize, type Plan, pinsFor };
