import type { Finding } from '../../functions/core/findings/types.js';

type Overrides = {
  readonly severity?: Finding['severity'];
  readonly rule?: Partial<Finding['rule']>;
  readonly event?: Partial<Finding['event']>;
  readonly actor?: Partial<Finding['actor']>;
  readonly target?: Partial<Finding['target']>;
  readonly raw?: unknown;
  readonly id?: string;
};

/** A realistic v1 finding (CloudTrail StopLogging), with the parts a test cares about overridden. */
const findingFactory = (overrides: Overrides = {}): Finding => ({
  schema: 'tamperwatch.finding/v1',
  id: overrides.id ?? 'tw1-5f0c9a4e1b7d2c8a3e6f90b1d4c7a2e8',
  kind: 'detection',
  severity: overrides.severity ?? 'high',
  summary: 'alice (AssumedRole) called cloudtrail:StopLogging on trail org-trail in 111122223333/eu-west-1 (success)',
  provider: 'aws',
  rule: {
    id: '6f1d2a7e-3c4b-4d5e-8f90-1a2b3c4d5e6f',
    name: 'cloudtrail-stop-logging',
    title: 'AWS CloudTrail Logging Stopped',
    level: 'high',
    author: 'vitaliy0x1',
    license: 'DRL-1.1',
    version: '3f9a0c2e',
    references: [
      'https://github.com/SigmaHQ/sigma/blob/8eaafff/rules/cloud/aws/cloudtrail/aws_cloudtrail_disable_logging.yml',
    ],
    ...overrides.rule,
  },
  attack: {
    tactic: { id: 'TA0112', name: 'Defense Impairment', legacyId: 'TA0005', legacyName: 'Defense Evasion' },
    techniques: [
      {
        id: 'T1685.002',
        name: 'Disable or Modify Cloud Log',
        legacyId: 'T1562.008',
        legacyName: 'Impair Defenses: Disable or Modify Cloud Logs',
      },
    ],
  },
  event: {
    id: 'b0f4c1d2-1111-2222-3333-444455556666',
    time: '2026-11-24T10:02:11Z',
    operation: 'StopLogging',
    service: 'cloudtrail.amazonaws.com',
    outcome: 'success',
    sourceIp: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    channel: 'realtime',
    ...overrides.event,
  },
  actor: {
    id: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
    type: 'AssumedRole',
    name: 'alice',
    principal: 'arn:aws:iam::111122223333:role/Admin',
    ...overrides.actor,
  },
  target: {
    account: '111122223333',
    region: 'eu-west-1',
    resource: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
    ...overrides.target,
  },
  matched: ['selection'],
  detectedAt: '2026-11-24T10:02:14Z',
  raw: overrides.raw ?? {
    eventName: 'StopLogging',
    eventSource: 'cloudtrail.amazonaws.com',
    eventID: 'b0f4c1d2-1111-2222-3333-444455556666',
  },
  rawTruncated: false,
});

export { findingFactory };
