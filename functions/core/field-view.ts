import { textOf } from './sigma/event-text.js';
import type { FieldSource, FieldTexts } from './sigma/types.js';

/** Maps a Sigma field name to the raw paths to try, in order; the first present wins. `undefined`: use the name. */
type AliasResolver = (path: string) => readonly string[] | undefined;

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const emit = (value: unknown, out: unknown[]): void => {
  if (Array.isArray(value)) for (const element of value) emit(element, out);
  else out.push(value);
};

/** A dotted path, split once: the whole rest as a literal key, then each head with the plan of what follows. */
type PathPlan = {
  readonly full: string;
  readonly splits: readonly { readonly head: string; readonly rest: PathPlan }[];
};

const plans = new Map<string, PathPlan>();
const PLAN_CACHE_LIMIT = 10_000;

/** Paths come from rules and alias tables (a bounded set): their substrings are made and hashed once, not per event. */
const planOf = (path: string): PathPlan => {
  const cached = plans.get(path);
  if (cached !== undefined) return cached;
  const splits: { head: string; rest: PathPlan }[] = [];
  for (let dot = path.indexOf('.'); dot !== -1; dot = path.indexOf('.', dot + 1)) {
    splits.push({ head: path.slice(0, dot), rest: planOf(path.slice(dot + 1)) });
  }
  const plan = { full: path, splits };
  if (plans.size < PLAN_CACHE_LIMIT) plans.set(path, plan);
  return plan;
};

/** Visit `path` under `node`; literal keys (`"a.b"`) win over nesting; arrays are crossed element by element. */
const visit = (node: unknown, plan: PathPlan, out: unknown[]): boolean => {
  if (Array.isArray(node)) {
    let found = false;
    for (const element of node) found = visit(element, plan, out) || found;
    return found;
  }
  if (!isObject(node)) return false;
  if (Object.hasOwn(node, plan.full)) {
    emit(node[plan.full], out);
    return true;
  }
  for (const { head, rest } of plan.splits) {
    if (Object.hasOwn(node, head) && visit(node[head], rest, out)) return true;
  }
  return false;
};

const lookup = (raw: JsonObject, path: string): unknown[] | undefined => {
  const out: unknown[] = [];
  return visit(raw, planOf(path), out) ? out : undefined;
};

const collectLeaves = (node: unknown, out: string[]): void => {
  if (Array.isArray(node)) for (const element of node) collectLeaves(element, out);
  else if (isObject(node)) for (const key in node) collectLeaves(node[key], out);
  else if (node !== null && node !== undefined) out.push(String(node));
};

class Texts implements FieldTexts {
  #raw: readonly (string | undefined)[] | undefined;
  #folded: (string | undefined)[] | undefined;

  constructor(readonly values: readonly unknown[]) {}

  get raw(): readonly (string | undefined)[] {
    // Most values are strings already: then the values are their own text.
    this.#raw ??= this.values.every((value) => typeof value === 'string')
      ? (this.values as readonly string[])
      : this.values.map(textOf);
    return this.#raw;
  }

  get folded(): readonly (string | undefined)[] {
    this.#folded ??= this.raw.map((text) => text?.toLowerCase());
    return this.#folded;
  }
}

class FieldView implements FieldSource {
  readonly #raw: JsonObject;
  readonly #aliases: AliasResolver | undefined;
  #cache: Map<string, Texts | null> | undefined;
  #leaves: string[] | undefined;
  #foldedLeaves: string[] | undefined;

  constructor(raw: JsonObject, aliases: AliasResolver | undefined) {
    this.#raw = raw;
    this.#aliases = aliases;
  }

  get(path: string): readonly unknown[] | undefined {
    return this.texts(path)?.values;
  }

  texts(path: string): FieldTexts | undefined {
    this.#cache ??= new Map();
    const cached = this.#cache.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const values = this.#resolve(path);
    const entry = values === undefined ? null : new Texts(values);
    this.#cache.set(path, entry);
    return entry ?? undefined;
  }

  leaves(): readonly string[] {
    if (this.#leaves === undefined) {
      this.#leaves = [];
      collectLeaves(this.#raw, this.#leaves);
    }
    return this.#leaves;
  }

  foldedLeaves(): readonly string[] {
    this.#foldedLeaves ??= this.leaves().map((leaf) => leaf.toLowerCase());
    return this.#foldedLeaves;
  }

  #resolve(path: string): unknown[] | undefined {
    const candidates = this.#aliases?.(path);
    if (candidates === undefined) return lookup(this.#raw, path);
    for (const candidate of candidates) {
      const values = lookup(this.#raw, candidate);
      if (values !== undefined) return values;
    }
    return undefined;
  }
}

/**
 * A {@link FieldSource} over one raw record: a literal flat key first (`"a.b"` as one key), then the dotted path;
 * arrays are crossed (every element is reached); absent → `undefined`; JSON `null` → `[null]`. Results and their
 * text forms are cached for the life of the view (one event).
 *
 * @example
 * const view = createFieldView(record, (path) => (path === 'gcp.audit.method_name' ? ['protoPayload.methodName'] : undefined));
 * view.get('protoPayload.methodName'); // ['google.logging.v2.ConfigServiceV2.DeleteSink']
 */
const createFieldView = (raw: Readonly<Record<string, unknown>>, aliases?: AliasResolver): FieldSource =>
  new FieldView(raw, aliases);

export { type AliasResolver, createFieldView };
