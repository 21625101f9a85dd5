import { describe, expect, it } from 'vitest';
import { healthFinding, hourBucket } from '../../../../functions/core/findings/health.js';
import { toSnsMessage } from '../../../../functions/core/findings/sns-message.js';
import { findingSchemaErrors } from './finding-schema.js';

const now = new Date('2026-11-24T10:17:42Z');
const input = {
  check: 'trail-coverage-lost' as const,
  severity: 'critical' as const,
  summary:
    'CloudTrail coverage lost in 111122223333/eu-west-1 since 2026-11-24T10:12:00.000Z:\ntrail org-trail is not logging',
  eventId: `trail-watchdog/111122223333/eu-west-1/coverage-lost/${hourBucket(now)}`,
  account: '111122223333',
  region: 'eu-west-1',
  resource: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
  reporter: 'trail-watchdog',
  matched: ['not-logging'],
  details: { blindSince: '2026-11-24T10:12:00.000Z' },
  now,
};

describe('Health findings', () => {
  it('builds a v1 health finding with T1685.002 / T1562.008 that validates against the schema', () => {
    // Act
    const finding = healthFinding(input);
    // Assess
    expect(findingSchemaErrors(JSON.parse(JSON.stringify(finding)))).toEqual([]);
    expect(finding).toMatchObject({
      kind: 'health',
      severity: 'critical',
      provider: 'aws',
      rule: { name: 'tamperwatch-trail-coverage-lost', level: 'critical', author: 'tamperwatch' },
      event: { operation: 'TrailCoverageLost', channel: 'poll', outcome: 'success' },
      target: { account: '111122223333', region: 'eu-west-1' },
      attack: { techniques: [{ id: 'T1685.002', legacyId: 'T1562.008' }] },
    });
    expect(finding.summary).not.toMatch(/[\r\n]/);
  });

  it('keeps the id within the hour and changes it the next hour, so a lasting problem re-alerts hourly', () => {
    // Act
    const same = healthFinding({ ...input, now: new Date('2026-11-24T10:59:00Z') });
    const next = healthFinding({ ...input, eventId: input.eventId.replace('T10', 'T11') });
    // Assess
    expect(same.id).toBe(healthFinding(input).id);
    expect(next.id).not.toBe(healthFinding(input).id);
    expect(hourBucket(now)).toBe('2026-11-24T10');
  });

  it('carries kind=health as an SNS attribute for filter policies', () => {
    // Act
    const message = toSnsMessage(healthFinding(input), { receivedAt: now, publishedAt: now });
    // Assess
    expect(message.attributes).toMatchObject({ kind: 'health', severity: 'critical', provider: 'aws' });
    expect(message.subject).toBe('[CRITICAL] aws 111122223333: CloudTrail Coverage Lost: Real-Time Detection Blind');
  });
});
