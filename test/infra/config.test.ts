import { describe, expect, it } from 'vitest';
import { DeployConfigError, parseDeployConfig } from '../../infra/config.js';

const fixedNow = new Date('2026-11-24T10:00:00Z');

const problemsOf = (raw: unknown): readonly string[] => {
  try {
    parseDeployConfig(raw, fixedNow);
  } catch (error) {
    if (error instanceof DeployConfigError) return error.problems;
    throw error;
  }
  return [];
};

const suppression = {
  id: 'trail-rotation',
  match: { rule: 'cloudtrail-stop-logging', actor: 'arn:aws:sts::111122223333:assumed-role/TrailAdmin/*' },
  owner: 'secops@example.com',
  reason: 'quarterly trail rotation runbook',
  ticket: 'SEC-1234',
  expires: '2027-03-31',
};

describe('parseDeployConfig()', () => {
  it('fills the defaults for an empty context', () => {
    // Act
    const { config, warnings } = parseDeployConfig(undefined, fixedNow);
    // Assess
    expect(config).toMatchObject({
      stage: 'prod',
      runtime: 'nodejs24.x',
      dedupTtlHours: 168,
      logRetentionDays: 90,
      includeReadOnly: false,
      alerts: { emails: [], https: [], sqsSubscribers: [] },
      suppressions: [],
    });
    expect(warnings).toEqual([]);
  });

  it('accepts subscribers as plain strings or with a severity filter', () => {
    // Act
    const { config } = parseDeployConfig(
      {
        alerts: {
          emails: ['oncall@example.com', { address: 'cso@example.com', severities: ['critical'] }],
          https: ['https://hooks.example.com/tamperwatch'],
          sqsSubscribers: [{ arn: 'arn:aws:sqs:eu-west-1:111122223333:siem', severities: ['high', 'critical'] }],
        },
        suppressions: [suppression],
      },
      fixedNow,
    );
    // Assess
    expect(config.alerts.emails).toEqual([
      { address: 'oncall@example.com', severities: undefined },
      { address: 'cso@example.com', severities: ['critical'] },
    ]);
    expect(config.alerts.sqsSubscribers[0]).toEqual({
      arn: 'arn:aws:sqs:eu-west-1:111122223333:siem',
      severities: ['high', 'critical'],
      rawMessageDelivery: true,
    });
    expect(config.suppressions).toEqual([suppression]);
  });

  it('reports every problem at once, each with its path', () => {
    // Act
    const problems = problemsOf({
      stage: 'Prod!',
      runtime: 'nodejs20.x',
      logRetentionDays: 42,
      alerts: { emails: ['not-an-email'], https: ['http://insecure.example.com'], sqsSubscribers: ['arn:aws:sns:x'] },
      suppressions: [
        { id: 'a', match: {}, expires: '2027-01-01' },
        { ...suppression, expires: '2030-01-01' },
      ],
      surprise: true,
    });
    // Assess
    const paths = problems.map((problem) => problem.slice(0, problem.indexOf(':')));
    expect(paths).toEqual(
      expect.arrayContaining([
        'tamperwatch.stage',
        'tamperwatch.runtime',
        'tamperwatch.logRetentionDays',
        'tamperwatch.alerts.emails[0]',
        'tamperwatch.alerts.https[0]',
        'tamperwatch.alerts.sqsSubscribers[0]',
        'tamperwatch.suppressions[0].match',
        'tamperwatch.suppressions[0].owner',
        'tamperwatch.suppressions[0].reason',
        'tamperwatch.suppressions[1].expires',
        'tamperwatch',
      ]),
    );
  });

  it('refuses a suppression that expires more than a year ahead, and duplicate ids', () => {
    // Act
    const problems = problemsOf({ suppressions: [{ ...suppression, expires: '2028-06-01' }, suppression] });
    // Assess
    expect(problems).toEqual([
      'tamperwatch.suppressions[0].expires: more than a year ahead (2028-06-01); review and renew instead',
      "tamperwatch.suppressions[1].id: duplicate id 'trail-rotation'",
    ]);
  });

  it('warns about a suppression that has already expired', () => {
    const { warnings } = parseDeployConfig({ suppressions: [{ ...suppression, expires: '2026-10-01' }] }, fixedNow);
    expect(warnings).toEqual([
      "suppression 'trail-rotation' (owner secops@example.com) expired on 2026-10-01: it no longer suppresses",
    ]);
  });
});
