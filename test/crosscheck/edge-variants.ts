// Edge variants of a record whose selections are known to be true, one per semantic that Sigma implementations are
// known to read differently (DESIGN §3.1): letter case of values and of keys, a value inside an array (also nested,
// next to a null), an array of objects on the way,
// native JSON booleans and numbers, a literal dotted key, an object searched as text, JSON null for a `null` value,
// an empty string or array, a newline where a wildcard stands, a case change under a case-sensitive regex, `|all`
// values spread over array elements, and arrays on either side of a `fieldref`.
import type { CloudTrailRecord, Corpus } from './corpus.js';
import type { Intent } from './generate.js';
import type { Random } from './prng.js';
import { deletePath, getPath, isObject, setPath } from './record-paths.js';
import type { Item, Selection } from './rule-model.js';
import { expandSigma, has, holds, isNullItem, type Pin, refOf, satisfyingText } from './values.js';

type Edge = { readonly variant: string; readonly intent: Intent; readonly record: CloudTrailRecord };
type EdgeInput = {
  readonly selections: readonly Selection[];
  readonly pins: ReadonlyMap<string, Pin>;
  readonly base: CloudTrailRecord;
  readonly corpus: Corpus;
  readonly random: Random;
  /** every item of the rule on a field, with its selection: decoys must fail them all */
  readonly fieldItems: ReadonlyMap<string, readonly { readonly selection: string; readonly item: Item }[]>;
  /** the expected verdict when `selection` stays true (the edge keeps it satisfied) or turns false */
  readonly intentWith: (selection: string, stillTrue: boolean) => Intent;
};

const containers = new Set(['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails']);

const swapCase = (text: string): string =>
  [...text].map((char) => (char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase())).join('');

const decoyFor = (items: readonly Item[], field: string, pins: ReadonlyMap<string, Pin>, corpus: Corpus): string =>
  [...corpus.valuesAt(field), 'tamperwatch-decoy'].find((value) =>
    items.every((item) => holds({ kind: 'value', value }, item, pins) === false),
  ) ?? 'tamperwatch-decoy';

const nativeOf = (text: string): boolean | number | undefined => {
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return undefined;
};

/** The value with each wildcard's expansion replaced by a run holding a newline (for values with an inner `*`). */
const withNewline = (item: Item, value: string): string | undefined => {
  const inner = item.values.map(String).find((v) => /[^*]\*[^*]/.test(v.replace(/\\[*?\\]/g, '')));
  if (inner === undefined || has(item, 're')) return undefined;
  const plain = expandSigma(inner, 'tw-bucket');
  return value.includes(plain) ? value.replace(plain, expandSigma(inner, 'tw\nbucket')) : undefined;
};

const edgeVariants = (input: EdgeInput): Edge[] => {
  const { selections, pins, base, corpus, random, intentWith, fieldItems } = input;
  const edges: Edge[] = [];
  const variant = (name: string, intent: Intent, change: (record: CloudTrailRecord) => void): void => {
    const record = structuredClone(base);
    change(record);
    record.eventID = `${String(base.eventID).slice(0, 24)}${random.hex(12)}`;
    edges.push({ variant: name, intent, record });
  };
  const cased: [string, string][] = [];
  let caseIntent: Intent | undefined;
  for (const selection of selections) {
    const keep = intentWith(selection.name, true);
    for (const item of selection.alternatives[0] ?? []) {
      const key = `${selection.name}.${item.field}`;
      const pin = pins.get(item.field);
      const stays = (value: string): Intent =>
        intentWith(selection.name, holds({ kind: 'value', value }, item, pins) === true);
      if (isNullItem(item) && pin?.kind === 'absent') {
        variant(`e:json-null:${key}`, keep, (r) => setPath(r, item.field, null));
        variant(`e:empty-array:${key}`, intentWith(selection.name, false), (r) => setPath(r, item.field, []));
        variant(`e:empty-string:${key}`, intentWith(selection.name, false), (r) => setPath(r, item.field, ''));
      }
      if (pin?.kind !== 'value') continue;
      const value = pin.value;
      if (has(item, 're'))
        variant(`e:re-case:${key}`, stays(swapCase(value)), (r) => setPath(r, item.field, swapCase(value)));
      else if (!has(item, 'cased')) {
        cased.push([item.field, swapCase(value)]);
        caseIntent = keep;
      }
      const ref = refOf(item);
      if (ref !== undefined) {
        const other = pins.get(ref);
        if (other?.kind === 'value') {
          variant(`e:fieldref-array:${key}`, keep, (r) => setPath(r, item.field, ['tamperwatch-decoy', value]));
          variant(`e:fieldref-target-array:${key}`, keep, (r) => setPath(r, ref, ['tamperwatch-decoy', other.value]));
        }
        continue;
      }
      if (has(item, 'all') && item.values.length > 1 && !has(item, 're')) {
        const single = (index: number): Item => ({
          ...item,
          modifiers: item.modifiers.filter((m) => m !== 'all'),
          values: [item.values[index] ?? ''],
        });
        const parts = item.values.map((_, index) =>
          satisfyingText(single(index), 0, { prefix: 'tw ', suffix: '', fill: 'tw-bucket' }),
        );
        variant(`e:all-split:${key}`, keep, (r) => setPath(r, item.field, parts));
      }
      const sameField = fieldItems.get(item.field) ?? [];
      const decoy = decoyFor(
        sameField.map((entry) => entry.item),
        item.field,
        pins,
        corpus,
      );
      variant(`e:array:${key}`, keep, (r) => setPath(r, item.field, [decoy, value]));
      variant(`e:nested-array:${key}`, keep, (r) => setPath(r, item.field, [[decoy], [null, value]]));
      // these change what other selections on the same field see: only where no other selection looks at it
      if (sameField.every((entry) => entry.selection === selection.name)) {
        const otherCase = item.field.toLowerCase() === item.field ? item.field.toUpperCase() : item.field.toLowerCase();
        variant(`e:key-case:${key}`, intentWith(selection.name, false), (r) => {
          deletePath(r, item.field);
          setPath(r, otherCase, value);
        });
        variant(`e:empty-array:${key}`, intentWith(selection.name, false), (r) => setPath(r, item.field, []));
        variant(`e:empty-string:${key}`, stays(''), (r) => setPath(r, item.field, ''));
      }
      const native = nativeOf(value);
      if (native !== undefined) variant(`e:native:${key}`, keep, (r) => setPath(r, item.field, native));
      const newline = withNewline(item, value);
      if (newline !== undefined) variant(`e:newline-in-wildcard:${key}`, keep, (r) => setPath(r, item.field, newline));
      const segments = item.field.split('.');
      if (segments.length > 1) {
        variant(`e:flatkey:${key}`, keep, (r) => {
          deletePath(r, item.field);
          r[item.field] = value;
        });
        variant(`e:flatkey-shadows-path:${key}`, stays(decoy), (r) => {
          r[item.field] = decoy;
        });
        const parent = segments.slice(0, -1).join('.');
        const last = segments.at(-1) ?? '';
        const siblings = getPath(base, parent);
        const element = (v: string) => ({ ...(isObject(siblings) ? siblings : {}), [last]: v });
        variant(`e:object-array:${key}`, keep, (r) => setPath(r, parent, [element(decoy), element(value)]));
      }
      const existing = getPath(base, item.field);
      if (has(item, 'contains') && (isObject(existing) || containers.has(item.field))) {
        const object = { ...(isObject(existing) ? existing : {}), detail: { text: value } };
        variant(`e:object:${key}`, stays(JSON.stringify(object)), (r) => setPath(r, item.field, object));
      }
    }
  }
  if (caseIntent !== undefined) {
    variant('e:case', caseIntent, (record) => {
      for (const [field, value] of cased) setPath(record, field, value);
    });
  }
  return edges;
};

export { edgeVariants };
