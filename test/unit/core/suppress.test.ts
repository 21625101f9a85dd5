import { describe, expect, it } from 'vitest';
import { expiryOf, type Suppression, suppressionFor, suppressionSchema } from '../../../functions/core/suppress.js';
import { findingFactory } from '../../helpers/finding-factory.js';

const fixedNow = new Date('2026-11-24T10:05:00Z');

const entry = (match: Suppression['match'], expires = '2027-01-31', id = 's1'): Suppression => ({
  id,
  match,
  owner: 'secops@example.com',
  reason: 'trail rotation runbook stops and restarts logging',
  expires,
});

describe('suppressionFor()', () => {
  it.each([
    { why: 'rule id', match: { rule: '6f1d2a7e-3c4b-4d5e-8f90-1a2b3c4d5e6f' }, expected: true },
    { why: 'rule name', match: { rule: 'cloudtrail-stop-logging' }, expected: true },
    { why: 'another rule', match: { rule: 'guardduty-detector-deleted' }, expected: false },
    { why: 'provider', match: { provider: 'aws' as const }, expected: true },
    { why: 'another provider', match: { provider: 'gcp' as const }, expected: false },
    { why: 'account', match: { account: '111122223333' }, expected: true },
    { why: 'another account', match: { account: '999999999999' }, expected: false },
    {
      why: 'actor glob on the ARN',
      match: { actor: 'arn:aws:sts::111122223333:assumed-role/Admin/*' },
      expected: true,
    },
    { why: 'actor glob on the name', match: { actor: 'ali?e' }, expected: true },
    { why: 'actor globs are case-sensitive', match: { actor: 'ALICE' }, expected: false },
    { why: 'resource glob', match: { resource: '*:trail/org-*' }, expected: true },
    { why: 'resource glob that does not cover', match: { resource: '*:trail/dev-*' }, expected: false },
    { why: 'operation, any case', match: { operation: 'stoplogging' }, expected: true },
    { why: 'every matcher must hold', match: { account: '111122223333', operation: 'DeleteTrail' }, expected: false },
    {
      why: 'glob metacharacters are literal',
      match: { resource: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org.trail' },
      expected: false,
    },
  ])('matches on $why: $expected', ({ match, expected }) => {
    // Prepare
    const finding = findingFactory();
    // Act
    const verdict = suppressionFor(finding, [entry(match)], fixedNow);
    // Assess
    expect(verdict.suppressedBy !== undefined).toBe(expected);
    expect(verdict.expired).toEqual([]);
  });

  it('stops suppressing once expired and reports the entry', () => {
    // Prepare
    const stale = entry({ rule: 'cloudtrail-stop-logging' }, '2026-11-23', 'old');
    // Act
    const verdict = suppressionFor(findingFactory(), [stale], fixedNow);
    // Assess
    expect(verdict.suppressedBy).toBeUndefined();
    expect(verdict.expired).toEqual([stale]);
  });

  it('keeps a date-only entry alive through the end of that day (UTC)', () => {
    // Prepare
    const today = entry({ rule: 'cloudtrail-stop-logging' }, '2026-11-24');
    // Act
    const verdict = suppressionFor(findingFactory(), [today], fixedNow);
    // Assess
    expect(verdict.suppressedBy?.id).toBe('s1');
    expect(expiryOf(today).toISOString()).toBe('2026-11-25T00:00:00.000Z');
  });

  it('prefers a live entry and still reports an expired one that matched', () => {
    // Prepare
    const stale = entry({ account: '111122223333' }, '2026-01-01T00:00:00Z', 'old');
    const live = entry({ rule: 'cloudtrail-stop-logging' }, '2027-01-31', 'new');
    // Act
    const verdict = suppressionFor(findingFactory(), [stale, live], fixedNow);
    // Assess
    expect(verdict.suppressedBy?.id).toBe('new');
    expect(verdict.expired.map((e) => e.id)).toEqual(['old']);
  });
});

describe('suppressionSchema', () => {
  it('refuses an entry without owner, reason, expiry or matcher, naming each problem', () => {
    // Act
    const parsed = suppressionSchema().safeParse({ id: 'x', match: {}, owner: '', reason: ' ' });
    // Assess
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['expires', 'match', 'owner', 'reason']);
  });

  it('refuses an expiry that is not an ISO date', () => {
    const parsed = suppressionSchema().safeParse({ ...entry({ rule: 'r' }), expires: 'next tuesday' });
    expect(parsed.success).toBe(false);
  });
});
