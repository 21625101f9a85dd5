import { describe, expect, it } from 'vitest';
import { describeResource, oneLine, summarize } from '../../../../functions/core/findings/summary.js';
import { auditEventFactory } from './factories.js';

describe('summarize()', () => {
  it('says who called what on which resource, where, and how it ended', () => {
    // Prepare
    const event = auditEventFactory();
    // Act
    const summary = summarize(event);
    // Assess
    expect(summary).toBe(
      'alice (AssumedRole) called cloudtrail:StopLogging on trail org-trail in 111122223333/eu-west-1 (success)',
    );
  });

  it('names the error of a failed attempt', () => {
    // Prepare
    const event = auditEventFactory({ outcome: 'failure', errorCode: 'AccessDenied', resource: '' });
    // Act
    const summary = summarize(event);
    // Assess
    expect(summary).toBe(
      'alice (AssumedRole) called cloudtrail:StopLogging in 111122223333/eu-west-1 (failed: AccessDenied)',
    );
  });

  it('prints GCP method names and Azure operation names as logged', () => {
    // Prepare
    const gcp = auditEventFactory({
      provider: 'gcp',
      service: 'logging.googleapis.com',
      operation: 'google.logging.v2.ConfigServiceV2.DeleteSink',
      actor: { id: 'mallory@example.com', type: 'user', name: 'mallory@example.com' },
      scope: { kind: 'project', id: 'prod-logs' },
      region: 'global',
      resource: 'projects/prod-logs/sinks/org-audit',
    });
    const azure = auditEventFactory({
      provider: 'azure',
      service: 'Microsoft.Insights',
      operation: 'MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE',
      actor: { id: 'eve@contoso.com', type: 'User', name: 'eve@contoso.com' },
      scope: { kind: 'subscription', id: '12345678-1234-1234-1234-123456789abc' },
      region: '',
      resource: '',
    });
    // Act
    const lines = [summarize(gcp), summarize(azure)];
    // Assess
    expect(lines).toEqual([
      'mallory@example.com (user) called google.logging.v2.ConfigServiceV2.DeleteSink on projects/prod-logs/sinks/org-audit in prod-logs/global (success)',
      'eve@contoso.com (User) called MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE in 12345678-1234-1234-1234-123456789abc/global (success)',
    ]);
  });

  it('falls back to the actor id, then to "unknown actor"', () => {
    // Prepare
    const byId = auditEventFactory({ actor: { id: 'AIDAEXAMPLE', type: '', name: '' } });
    const nobody = auditEventFactory({ actor: { id: '', type: '', name: '' } });
    // Act
    const lines = [summarize(byId), summarize(nobody)];
    // Assess
    expect(lines[0]).toMatch(/^AIDAEXAMPLE called /);
    expect(lines[1]).toMatch(/^unknown actor called /);
  });

  it('stays one line when a logged value carries line breaks or escape sequences', () => {
    // Prepare
    const event = auditEventFactory({ actor: { id: 'x', type: 'IAMUser', name: 'eve\n[CRITICAL] forged\u001b[2J' } });
    // Act
    const summary = summarize(event);
    // Assess
    expect(['\n', '\r', '\u001b'].filter((control) => summary.includes(control))).toEqual([]);
    expect(summary).toMatch(/^eve \[CRITICAL\] forged \[2J \(IAMUser\) called/);
  });
});

describe('describeResource()', () => {
  it.each([
    { resource: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail', text: 'trail org-trail' },
    { resource: 'arn:aws:s3:::my-trail-bucket', text: 'my-trail-bucket' },
    {
      resource: 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail:*',
      text: 'log-group /aws/cloudtrail:*',
    },
    { resource: 'arn:aws:s3:::bucket/AWSLogs/111122223333/x.json.gz', text: 'bucket/AWSLogs/111122223333/x.json.gz' },
    { resource: 'arn:aws:iam::111122223333:user/christophe', text: 'user christophe' },
    { resource: 'projects/p/sinks/s', text: 'projects/p/sinks/s' },
  ])('shows $resource as $text', ({ resource, text }) => {
    expect(describeResource(resource)).toBe(text);
  });
});

describe('oneLine()', () => {
  it('turns C0 and C1 controls and line separators into one space', () => {
    expect(oneLine('a\r\n\tb\u009bc\u2028d')).toBe('a b c d');
  });
});
