import type { AuditEvent, Provider } from '../audit-event.js';
import type { Blueprint, CompiledRule } from './compile.js';
import type { ConditionNode } from './condition.js';
import type { Selection, SelectionShape } from './detection.js';

type Dimension = 'service' | 'operation';
/** Values a match requires (lower-cased, the event's must be one of them), or undefined: no constraint. */
type Constraint = ReadonlySet<string> | undefined;
type EventKey = Pick<AuditEvent, 'provider' | 'service' | 'operation'>;

/** The fields, per provider, whose plain values become index keys (SigmaHQ names and native names alike). */
const indexFields: Readonly<Record<Provider, Readonly<Record<Dimension, readonly string[]>>>> = {
  aws: { service: ['eventSource'], operation: ['eventName'] },
  gcp: {
    service: ['protoPayload.serviceName', 'gcp.audit.service_name', 'data.protoPayload.serviceName'],
    operation: ['protoPayload.methodName', 'gcp.audit.method_name', 'data.protoPayload.methodName'],
  },
  azure: { service: [], operation: ['operationName', 'OperationNameValue', 'operationName.value'] },
};

const intersect = (constraints: readonly Constraint[]): Constraint => {
  const defined = constraints.filter((constraint): constraint is ReadonlySet<string> => constraint !== undefined);
  if (defined.length === 0) return undefined;
  const [first, ...rest] = defined as [ReadonlySet<string>, ...ReadonlySet<string>[]];
  const result = new Set([...first].filter((value) => rest.every((set) => set.has(value))));
  return result.size === 0 ? undefined : result; // contradictory: never matches; '*' keeps it safe
};

const unite = (constraints: readonly Constraint[]): Constraint => {
  if (constraints.some((constraint) => constraint === undefined)) return undefined;
  return new Set(constraints.flatMap((constraint) => [...(constraint as ReadonlySet<string>)]));
};

const shapeConstraint = (shape: SelectionShape, fields: ReadonlySet<string>): Constraint => {
  if (shape.kind === 'item') {
    const { field, plain } = shape.item;
    return field !== undefined && plain !== undefined && fields.has(field) ? new Set(plain) : undefined;
  }
  const parts = shape.parts.map((part) => shapeConstraint(part, fields));
  return shape.kind === 'and' ? intersect(parts) : unite(parts);
};

const conditionConstraint = (
  node: ConditionNode,
  selections: ReadonlyMap<string, Selection>,
  fields: ReadonlySet<string>,
): Constraint => {
  switch (node.kind) {
    case 'id': {
      const selection = selections.get(node.name);
      return selection === undefined ? undefined : shapeConstraint(selection.shape, fields);
    }
    case 'not':
      return undefined;
    case 'and':
      return intersect(node.items.map((item) => conditionConstraint(item, selections, fields)));
    case 'or':
      return unite(node.items.map((item) => conditionConstraint(item, selections, fields)));
  }
};

/** What a rule requires of one dimension: AND unions constraints, OR keeps one only if every branch has it, NOT drops. */
const requiredValues = (blueprint: Blueprint, provider: Provider, dimension: Dimension): Constraint => {
  const fields = new Set(indexFields[provider][dimension]);
  if (fields.size === 0) return undefined;
  return unite(blueprint.conditions.map((condition) => conditionConstraint(condition, blueprint.selections, fields)));
};

type ProviderIndex = {
  readonly both: Map<string, Map<string, number[]>>;
  readonly serviceOnly: Map<string, number[]>;
  readonly operationOnly: Map<string, number[]>;
  readonly neither: number[];
};

const push = <K>(map: Map<K, number[]>, key: K, value: number): void => {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
};

const mergeSorted = (lists: readonly (readonly number[])[]): number[] => {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length === 1) return [...(nonEmpty[0] as number[])];
  return [...new Set(nonEmpty.flat())].sort((a, b) => a - b);
};

const CACHE_LIMIT = 10_000;

/** Rules by provider, service and operation (lower-cased); candidates keep rule file order. */
class RuleIndex {
  readonly #rules: readonly CompiledRule[];
  readonly #providers = new Map<Provider, ProviderIndex>();
  readonly #cache = new Map<Provider, Map<string, Map<string, readonly CompiledRule[]>>>();
  #cached = 0;

  constructor(blueprints: readonly Blueprint[]) {
    this.#rules = blueprints.map((blueprint) => blueprint.rule);
    blueprints.forEach((blueprint, position) => {
      const { provider } = blueprint.rule;
      if (provider === undefined) return;
      let index = this.#providers.get(provider);
      if (index === undefined) {
        index = { both: new Map(), serviceOnly: new Map(), operationOnly: new Map(), neither: [] };
        this.#providers.set(provider, index);
      }
      const services = requiredValues(blueprint, provider, 'service');
      const operations = requiredValues(blueprint, provider, 'operation');
      if (services === undefined && operations === undefined) index.neither.push(position);
      else if (operations === undefined)
        for (const service of services ?? []) push(index.serviceOnly, service, position);
      else if (services === undefined)
        for (const operation of operations) push(index.operationOnly, operation, position);
      else {
        for (const service of services) {
          const byOperation = index.both.get(service) ?? new Map<string, number[]>();
          index.both.set(service, byOperation);
          for (const operation of operations) push(byOperation, operation, position);
        }
      }
    });
  }

  candidates(event: EventKey): readonly CompiledRule[] {
    // Cached by the raw service and operation, so a hit costs two Map lookups and no lower-casing.
    let byService = this.#cache.get(event.provider);
    if (byService === undefined) {
      byService = new Map();
      this.#cache.set(event.provider, byService);
    }
    let byOperation = byService.get(event.service);
    if (byOperation === undefined) {
      byOperation = new Map();
      byService.set(event.service, byOperation);
    }
    const cached = byOperation.get(event.operation);
    if (cached !== undefined) return cached;
    const rules = this.#lookup(event);
    if (++this.#cached > CACHE_LIMIT) {
      this.#cache.clear();
      this.#cached = 0;
    }
    byOperation.set(event.operation, rules);
    return rules;
  }

  #lookup(event: EventKey): readonly CompiledRule[] {
    const index = this.#providers.get(event.provider);
    if (index === undefined) return [];
    const service = event.service.toLowerCase();
    const operation = event.operation.toLowerCase();
    const positions = mergeSorted([
      index.both.get(service)?.get(operation) ?? [],
      index.serviceOnly.get(service) ?? [],
      index.operationOnly.get(operation) ?? [],
      index.neither,
    ]);
    return positions.map((position) => this.#rules[position] as CompiledRule);
  }

  operations(provider: Provider): {
    names: readonly string[];
    services: readonly string[];
    any: boolean;
    unconstrained: boolean;
  } {
    const index = this.#providers.get(provider);
    if (index === undefined) return { names: [], services: [], any: false, unconstrained: false };
    const names = new Set([
      ...index.operationOnly.keys(),
      ...[...index.both.values()].flatMap((map) => [...map.keys()]),
    ]);
    return {
      names: [...names].sort(),
      services: index.neither.length > 0 ? [] : [...index.serviceOnly.keys()].sort(),
      any: index.serviceOnly.size > 0 || index.neither.length > 0,
      unconstrained: index.neither.length > 0,
    };
  }
}

export { type Constraint, type Dimension, indexFields, RuleIndex, requiredValues };
