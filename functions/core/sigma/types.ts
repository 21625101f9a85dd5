/**
 * Types shared by the Sigma engine. The engine never sees provider records directly: events reach it through the
 * structural {@link FieldSource}, so the same compiled rule runs over CloudTrail, LogEntry and Azure records.
 */

/** Where something sits in a rule file: 1-based line and column, plus the path of keys inside the document. */
type RuleLocation = {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: readonly (string | number)[];
  readonly ruleId?: string;
};

/**
 * Read access to one event's fields, as the engine needs it.
 *
 * `get(path)` returns `undefined` when the field is absent, else the list of values found at the path: a path that
 * crosses arrays yields every element it reaches (any element may match); a JSON `null` is returned as `null`.
 * `leaves()` returns every scalar leaf of the record as text, for keyword search.
 */
type FieldSource = {
  get(path: string): readonly unknown[] | undefined;
  leaves(): readonly string[];
  /** Optional fast path (the field view implements it): the values at `path` with their text forms, cached per event. */
  texts?(path: string): FieldTexts | undefined;
  /** Optional fast path: `leaves()` lower-cased, cached per event. */
  foldedLeaves?(): readonly string[];
};

/**
 * The values of one field with their text forms: `raw[i]` is `values[i]` as text (numbers and booleans via `String`,
 * objects as JSON, `undefined` for `null`), `folded[i]` its lower case. Computed at most once per event and field.
 */
type FieldTexts = {
  readonly values: readonly unknown[];
  readonly raw: readonly (string | undefined)[];
  readonly folded: readonly (string | undefined)[];
};

/** Sigma `level`, in ascending order of urgency. */
type RuleLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

export type { FieldSource, FieldTexts, RuleLevel, RuleLocation };
