import { describe, expect, it } from 'vitest';
import { findingId, toFinding } from '../../../../functions/core/findings/finding.js';
import type { Channel } from '../../../../functions/core/findings/types.js';
import { auditEventFactory } from './factories.js';
import { findingSchemaErrors } from './finding-schema.js';
import { compiledRuleFactory } from './rule-factory.js';

const fixedNow = new Date('2026-11-24T10:02:14.000Z');

describe('toFinding()', () => {
  it('builds the v1 body of DESIGN §5.1', () => {
    // Prepare
    const rule = compiledRuleFactory();
    const event = auditEventFactory();
    // Act
    const finding = toFinding({ rule, event, matched: ['selection'], now: fixedNow, channel: 'realtime' });
    // Assess
    expect(finding).toEqual({
      schema: 'tamperwatch.finding/v1',
      id: findingId(rule.meta.id, 'aws', event.id),
      kind: 'detection',
      severity: 'high',
      summary:
        'alice (AssumedRole) called cloudtrail:StopLogging on trail org-trail in 111122223333/eu-west-1 (success)',
      provider: 'aws',
      rule: {
        id: '6f1d5b8e-2c4a-4e9b-8f3d-1a2b3c4d5e6f',
        name: 'cloudtrail-stop-logging',
        title: 'AWS CloudTrail Logging Stopped',
        level: 'high',
        author: 'vitaliy0x1',
        license: 'DRL-1.1',
        version: '3f9a0c2e',
        references: [
          'https://github.com/SigmaHQ/sigma/blob/8eaafff/rules/cloud/aws/cloudtrail/aws_cloudtrail_disable_logging.yml',
        ],
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
        id: event.id,
        time: '2026-11-24T10:02:11Z',
        operation: 'StopLogging',
        service: 'cloudtrail.amazonaws.com',
        outcome: 'success',
        sourceIp: '198.51.100.7',
        userAgent: 'aws-cli/2.15.0',
        channel: 'realtime',
      },
      actor: {
        id: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
        type: 'AssumedRole',
        name: 'alice',
        principal: 'arn:aws:iam::111122223333:role/Admin',
      },
      target: {
        account: '111122223333',
        region: 'eu-west-1',
        resource: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
      },
      matched: ['selection'],
      detectedAt: '2026-11-24T10:02:14.000Z',
      raw: event.raw,
      rawTruncated: false,
    });
  });

  it('validates against schemas/finding.v1.json', () => {
    // Prepare
    const finding = toFinding({
      rule: compiledRuleFactory(),
      event: auditEventFactory({ outcome: 'failure', errorCode: 'AccessDenied' }),
      matched: ['selection'],
      now: fixedNow,
      channel: 'cli',
    });
    // Act
    const errors = findingSchemaErrors(JSON.parse(JSON.stringify(finding)));
    // Assess
    expect(errors).toEqual([]);
  });

  it('gives the same id for the same rule and event on every channel, time and rule version', () => {
    // Prepare
    const event = auditEventFactory();
    const channels: Channel[] = ['realtime', 'backfill', 'poll', 'cli'];
    // Act
    const ids = channels.map(
      (channel, index) =>
        toFinding({
          rule: compiledRuleFactory({ version: `0000000${index}` }),
          event,
          matched: ['selection'],
          now: new Date(fixedNow.getTime() + index * 60_000),
          channel,
        }).id,
    );
    // Assess
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^tw1-[0-9a-f]{32}$/);
  });

  it('gives another id for another event, rule or provider', () => {
    // Prepare
    const base = findingId('rule-a', 'aws', 'event-1');
    // Act
    const others = [
      findingId('rule-b', 'aws', 'event-1'),
      findingId('rule-a', 'gcp', 'event-1'),
      findingId('rule-a', 'aws', 'event-2'),
    ];
    // Assess
    expect(others).not.toContain(base);
    expect(new Set(others).size).toBe(3);
  });

  it('keeps the id stable across releases', () => {
    // A changed hash input would re-publish every finding once after an upgrade: this value must never change.
    expect(findingId('4db60cc0-36fb-42b7-9b58-a5b53019fb74', 'aws', '10163ed2-2253-469d-a5ee-cbc6651f8934')).toBe(
      'tw1-5dfc281396c6857d729b32e8293d15b8',
    );
  });

  it('lowers the severity of a failed attempt unless the rule sets failure_level', () => {
    // Prepare
    const failed = auditEventFactory({ outcome: 'failure', errorCode: 'AccessDenied' });
    // Act
    const lowered = toFinding({
      rule: compiledRuleFactory(),
      event: failed,
      matched: ['s'],
      now: fixedNow,
      channel: 'cli',
    });
    const kept = toFinding({
      rule: compiledRuleFactory({ tamperwatch: { failure_level: 'high' } }),
      event: failed,
      matched: ['s'],
      now: fixedNow,
      channel: 'cli',
    });
    // Assess
    expect(lowered.severity).toBe('medium');
    expect(lowered.event.errorCode).toBe('AccessDenied');
    expect(kept.severity).toBe('high');
  });

  it('maps informational to info and takes the legacy id from attack_legacy', () => {
    // Prepare
    const rule = compiledRuleFactory({
      level: 'informational',
      tags: ['attack.defense-impairment', 'attack.t1685'],
      tamperwatch: { attack_legacy: ['t1562.006'] },
    });
    // Act
    const finding = toFinding({ rule, event: auditEventFactory(), matched: ['s'], now: fixedNow, channel: 'cli' });
    // Assess
    expect(finding.severity).toBe('info');
    expect(finding.attack.techniques.map((t) => [t.id, t.legacyId])).toEqual([['T1685', 'T1562.006']]);
  });

  it('leaves out optional fields the event or rule does not have', () => {
    // Prepare
    const rule = compiledRuleFactory({ license: undefined, name: undefined });
    const event = auditEventFactory({
      sourceIp: undefined,
      userAgent: undefined,
      actor: { id: 'a', type: 'IAMUser', name: 'a' },
    });
    // Act
    const finding = toFinding({ rule, event, matched: [], now: fixedNow, channel: 'cli' });
    // Assess
    expect('license' in finding.rule).toBe(false);
    expect(finding.rule.name).toBe('cloudtrail-stop-logging');
    expect(Object.keys(finding.event)).not.toContain('sourceIp');
    expect(Object.keys(finding.event)).not.toContain('userAgent');
    expect(Object.keys(finding.actor)).not.toContain('principal');
    expect(findingSchemaErrors(JSON.parse(JSON.stringify(finding)))).toEqual([]);
  });
});
