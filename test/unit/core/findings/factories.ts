import type { AuditEvent } from '../../../../functions/core/audit-event.js';
import { createFieldView } from '../../../../functions/core/field-view.js';

/** A normalized CloudTrail StopLogging event (DESIGN §5.1's example), with any field replaced. */
const auditEventFactory = (overrides: Partial<AuditEvent> = {}): AuditEvent => {
  const raw = overrides.raw ?? {
    eventVersion: '1.10',
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    eventID: 'b0f4a2c6-8d1e-4f3a-9b7c-5e2d1f0a3b4c',
    eventTime: '2026-11-24T10:02:11Z',
    awsRegion: 'eu-west-1',
    recipientAccountId: '111122223333',
    requestParameters: { name: 'org-trail' },
  };
  return {
    provider: 'aws',
    service: 'cloudtrail.amazonaws.com',
    operation: 'StopLogging',
    outcome: 'success',
    actor: {
      id: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
      type: 'AssumedRole',
      name: 'alice',
      principal: 'arn:aws:iam::111122223333:role/Admin',
    },
    sourceIp: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    scope: { kind: 'account', id: '111122223333' },
    region: 'eu-west-1',
    resource: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
    time: '2026-11-24T10:02:11Z',
    id: 'b0f4a2c6-8d1e-4f3a-9b7c-5e2d1f0a3b4c',
    readOnly: false,
    raw,
    fields: createFieldView(raw),
    ...overrides,
  };
};

export { auditEventFactory };
