/** What the AWS rule index says rules can match (plain data from `RuleSet.operations('aws')`, lower-cased). */
type OperationIndex = {
  readonly names: readonly string[];
  readonly services: readonly string[];
  readonly any: boolean;
  /** Some rule constrains neither operation nor service: only a catch-all pattern covers it. */
  readonly unconstrained: boolean;
};

/** An EventBridge event pattern, as JSON. */
type EventPattern = Readonly<Record<string, unknown>>;

type IngestPatterns = {
  /** For rules in state `ENABLED`: write management events (and everything else CloudTrail sends but read-only). */
  readonly write: readonly EventPattern[];
  /** For a rule in state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`; empty unless read-only events are wanted. */
  readonly readOnly: readonly EventPattern[];
  /** Lower-cased read-only names rules can match; reported when read-only delivery is off. */
  readonly readOnlyNames: readonly string[];
};

/** Default EventBridge quota for one pattern (adjustable; the API maximum is 4,096). */
const maxPatternLength = 2_048;
const detailTypes = ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'] as const;

/** EventBridge's read-only management events are the Get*, List* and Describe* calls. */
const isReadOnlyName = (name: string): boolean => /^(get|list|describe)/.test(name);

const namePattern = (names: readonly string[]): EventPattern => ({
  'detail-type': [...detailTypes],
  detail: { eventName: names.map((name) => ({ 'equals-ignore-case': name })) },
});

const sourcePattern = (services: readonly string[]): EventPattern => ({
  'detail-type': [...detailTypes],
  detail: { eventSource: [...services] },
});

/** Greedy split, in sorted order, so that each pattern's JSON stays within `maxPatternLength` characters. */
const split = (values: readonly string[], build: (chunk: readonly string[]) => EventPattern): EventPattern[] => {
  const patterns: EventPattern[] = [];
  let chunk: string[] = [];
  for (const value of [...new Set(values)].sort()) {
    const next = [...chunk, value];
    if (chunk.length > 0 && JSON.stringify(build(next)).length > maxPatternLength) {
      patterns.push(build(chunk));
      chunk = [value];
    } else {
      chunk = next;
    }
  }
  if (chunk.length > 0) patterns.push(build(chunk));
  const tooLong = patterns.find((pattern) => JSON.stringify(pattern).length > maxPatternLength);
  if (tooLong !== undefined) throw new Error(`an event pattern cannot be kept under ${maxPatternLength} characters`);
  return patterns;
};

/** A catch-all over the CloudTrail detail types, when some rule constrains neither operation nor service. */
const everything = (): EventPattern => ({ 'detail-type': [...detailTypes] });

/**
 * The ingest prefilter (DESIGN §1.1): the union of the event names the AWS rules can match, compared case-insensitively,
 * plus `detail.eventSource` when some rule has no name constraint, split into disjoint patterns of ≤ 2,048 characters.
 * Coarse on purpose: exact matching happens in the function.
 *
 * @example
 * const { write, readOnly } = ingestPatterns(ruleSet.operations('aws'), { includeReadOnly: false });
 */
const ingestPatterns = (index: OperationIndex, options: { readonly includeReadOnly: boolean }): IngestPatterns => {
  const readOnlyNames = index.names.filter(isReadOnlyName);
  const writeNames = index.names.filter((name) => !isReadOnlyName(name));
  const unconstrained = !index.any ? [] : index.unconstrained ? [everything()] : split(index.services, sourcePattern);
  const write = [...split(writeNames, namePattern), ...unconstrained];
  if (!options.includeReadOnly) return { write, readOnly: [], readOnlyNames };
  return { write, readOnly: [...split(readOnlyNames, namePattern), ...unconstrained], readOnlyNames };
};

export {
  type EventPattern,
  type IngestPatterns,
  ingestPatterns,
  isReadOnlyName,
  maxPatternLength,
  type OperationIndex,
};
