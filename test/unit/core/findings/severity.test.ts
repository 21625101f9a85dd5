import { describe, expect, it } from 'vitest';
import { severityOf } from '../../../../functions/core/findings/severity.js';
import type { RuleLevel } from '../../../../functions/core/sigma/types.js';

describe('severityOf()', () => {
  const rows: { level: RuleLevel; success: string; failure: string }[] = [
    { level: 'informational', success: 'info', failure: 'info' },
    { level: 'low', success: 'low', failure: 'low' },
    { level: 'medium', success: 'medium', failure: 'low' },
    { level: 'high', success: 'high', failure: 'medium' },
    { level: 'critical', success: 'critical', failure: 'high' },
  ];

  it.each(rows)('maps level $level to $success, and a failed attempt to $failure', ({ level, success, failure }) => {
    // Act
    const succeeded = severityOf({ level, outcome: 'success' });
    const failed = severityOf({ level, outcome: 'failure' });
    // Assess
    expect(succeeded).toBe(success);
    expect(failed).toBe(failure);
  });

  it('keeps tamperwatch.failure_level for a failed attempt', () => {
    expect(severityOf({ level: 'high', outcome: 'failure', failureLevel: 'high' })).toBe('high');
    expect(severityOf({ level: 'medium', outcome: 'failure', failureLevel: 'critical' })).toBe('critical');
  });

  it('ignores failure_level when the call succeeded', () => {
    expect(severityOf({ level: 'medium', outcome: 'success', failureLevel: 'critical' })).toBe('medium');
  });
});
