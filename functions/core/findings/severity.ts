import type { Outcome } from '../audit-event.js';
import type { RuleLevel } from '../sigma/types.js';
import type { Severity } from './types.js';

/** Sigma level → finding severity, in ascending order of urgency. */
const severities: Readonly<Record<RuleLevel, Severity>> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** One step down for a failed attempt; an attempt is still worth a finding, so nothing drops below `low`. */
const stepDown: Readonly<Record<Severity, Severity>> = {
  info: 'info',
  low: 'low',
  medium: 'low',
  high: 'medium',
  critical: 'high',
};

/**
 * The severity of a finding: the rule level (`informational` → `info`); a failed attempt one step lower, never below
 * `low`, unless the rule sets `tamperwatch.failure_level` (e.g. LeaveOrganization, where trying is the signal).
 *
 * @example
 * severityOf({ level: 'high', outcome: 'failure' }) // 'medium'
 * severityOf({ level: 'high', outcome: 'failure', failureLevel: 'high' }) // 'high'
 */
const severityOf = (input: { level: RuleLevel; outcome: Outcome; failureLevel?: RuleLevel | undefined }): Severity => {
  if (input.outcome !== 'failure') return severities[input.level];
  if (input.failureLevel !== undefined) return severities[input.failureLevel];
  return stepDown[severities[input.level]];
};

export { severityOf };
