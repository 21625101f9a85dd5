import type { RuleLocation } from './types.js';

/**
 * A problem in one rule file, with its place: `file:line:col [rule <id>] <path>: reason`.
 *
 * @example
 * throw new RuleError("unknown modifier 'contians'", { file, line: 14, col: 7, path: ['detection', 'selection'] });
 */
class RuleError extends Error {
  /** The reason alone, without the location prefix (for reports). */
  readonly reason: string;

  constructor(
    reason: string,
    readonly at: RuleLocation,
    options?: ErrorOptions,
  ) {
    const rule = at.ruleId === undefined ? '' : ` [rule ${at.ruleId}]`;
    const path = at.path.length === 0 ? '' : ` ${at.path.join('.')}`;
    super(`${at.file}:${at.line}:${at.col}${rule}${path}: ${reason}`, options);
    this.name = 'RuleError';
    this.reason = reason;
  }

  /** The same error with the rule id filled in (the id is known only after the metadata is read). */
  withRuleId(ruleId: string | undefined): RuleError {
    if (ruleId === undefined || this.at.ruleId !== undefined) return this;
    return new RuleError(this.reason, { ...this.at, ruleId }, { cause: this.cause });
  }
}

/** Every rule error of a load at once: thrown by callers that must not start with a broken rule set. */
class RuleSetError extends Error {
  constructor(
    readonly errors: readonly RuleError[],
    options?: ErrorOptions,
  ) {
    const noun = errors.length === 1 ? 'rule error' : 'rule errors';
    super([`${errors.length} ${noun}:`, ...errors.map((error) => `  ${error.message}`)].join('\n'), options);
    this.name = 'RuleSetError';
  }
}

export { RuleError, RuleSetError };
