import { describe, expect, it } from 'vitest';
import { ingestPatterns, maxPatternLength } from '../../infra/event-patterns.js';

const index = (names: string[], extra: Partial<{ services: string[]; any: boolean; unconstrained: boolean }> = {}) => ({
  names,
  services: extra.services ?? [],
  any: extra.any ?? false,
  unconstrained: extra.unconstrained ?? false,
});

const namesOf = (pattern: Readonly<Record<string, unknown>>): string[] =>
  ((pattern.detail as { eventName?: { 'equals-ignore-case': string }[] }).eventName ?? []).map(
    (v) => v['equals-ignore-case'],
  );

describe('ingestPatterns()', () => {
  it('matches the CloudTrail detail types and the rule names, case-insensitively', () => {
    // Act
    const { write, readOnly } = ingestPatterns(index(['stoplogging', 'deletetrail']), { includeReadOnly: false });
    // Assess
    expect(write).toEqual([
      {
        'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
        detail: { eventName: [{ 'equals-ignore-case': 'deletetrail' }, { 'equals-ignore-case': 'stoplogging' }] },
      },
    ]);
    expect(readOnly).toEqual([]);
  });

  it('splits many names into disjoint patterns of at most 2,048 characters that together cover them all', () => {
    // Prepare
    const names = Array.from({ length: 300 }, (_, i) => `deletesomethingquitelong${String(i).padStart(3, '0')}`);
    // Act
    const { write } = ingestPatterns(index(names), { includeReadOnly: false });
    // Assess
    expect(write.length).toBeGreaterThan(3);
    for (const pattern of write) expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(maxPatternLength);
    const covered = write.flatMap(namesOf);
    expect(covered).toEqual([...names].sort());
    expect(new Set(covered).size).toBe(covered.length);
  });

  it('routes read-only names to the read-only patterns only when asked for', () => {
    // Act
    const off = ingestPatterns(index(['getkeypolicy', 'putkeypolicy']), { includeReadOnly: false });
    const on = ingestPatterns(index(['getkeypolicy', 'putkeypolicy']), { includeReadOnly: true });
    // Assess
    expect(off.write.flatMap(namesOf)).toEqual(['putkeypolicy']);
    expect(off.readOnly).toEqual([]);
    expect(off.readOnlyNames).toEqual(['getkeypolicy']);
    expect(on.readOnly.flatMap(namesOf)).toEqual(['getkeypolicy']);
  });

  it('adds event-source patterns for rules without a name constraint', () => {
    const { write } = ingestPatterns(index(['stoplogging'], { any: true, services: ['guardduty.amazonaws.com'] }), {
      includeReadOnly: false,
    });
    expect(write[1]).toEqual({
      'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
      detail: { eventSource: ['guardduty.amazonaws.com'] },
    });
  });

  it('falls back to every CloudTrail event when a rule constrains neither name nor service', () => {
    const { write } = ingestPatterns(index(['stoplogging'], { any: true, unconstrained: true }), {
      includeReadOnly: false,
    });
    expect(write[1]).toEqual({ 'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'] });
  });
});
