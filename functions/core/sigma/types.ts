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
};

/** Sigma `level`, in ascending order of urgency. */
type RuleLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

export type { FieldSource, RuleLevel, RuleLocation };
