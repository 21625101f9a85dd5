import { describe, expect, it } from 'vitest';
import { detect } from '../../../functions/core/detect.js';
import { type CompiledRule, compileRules, type RuleSet } from '../../../functions/core/sigma/rule-set.js';
import { auditEventFactory } from './findings/factories.js';
import { compiledRuleFactory } from './findings/rule-factory.js';

const fixedNow = new Date('2026-11-24T10:02:14.000Z');

const ruleText = (id: string, eventName: string): string => `title: ${eventName} seen
id: ${id}
status: test
level: high
author: tests
tags: [attack.defense-impairment, attack.t1685.002]
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: ${eventName}
  condition: selection
`;

const ruleSetOf = (...rules: CompiledRule[]): RuleSet => ({
  rules,
  candidates: (event) => rules.filter((rule) => rule.provider === event.provider),
  operations: () => ({ names: [], services: [], any: true, unconstrained: true }),
});

const cloudTrailEvent = (eventName: string, id: string) => {
  const raw = { eventSource: 'cloudtrail.amazonaws.com', eventName, eventID: id };
  return auditEventFactory({ operation: eventName, id, raw, fields: auditEventFactory({ raw }).fields });
};

describe('detect()', () => {
  it('turns every match into a finding, in input order', () => {
    // Prepare
    const { ruleSet, errors } = compileRules([
      { file: 'rules/stop.yml', text: ruleText('11111111-1111-4111-8111-111111111111', 'StopLogging') },
      { file: 'rules/delete.yml', text: ruleText('22222222-2222-4222-8222-222222222222', 'DeleteTrail') },
    ]);
    const events = [
      cloudTrailEvent('DeleteTrail', 'e1'),
      cloudTrailEvent('StartLogging', 'e2'),
      cloudTrailEvent('StopLogging', 'e3'),
    ];
    // Act
    const { findings, ruleErrors } = detect(events, ruleSet, fixedNow, 'realtime');
    // Assess
    expect(errors).toEqual([]);
    expect(ruleErrors).toEqual([]);
    expect(findings.map((f) => [f.event.id, f.rule.name, f.matched])).toEqual([
      ['e1', 'delete', ['selection']],
      ['e3', 'stop', ['selection']],
    ]);
    expect(findings.every((f) => f.event.channel === 'realtime' && f.detectedAt === fixedNow.toISOString())).toBe(true);
  });

  it('never matches a pending (Azure start) event', () => {
    // Prepare
    const ruleSet = ruleSetOf(compiledRuleFactory());
    // Act
    const { findings } = detect([auditEventFactory({ outcome: 'pending' })], ruleSet, fixedNow, 'poll');
    // Assess
    expect(findings).toEqual([]);
  });

  it('fails only the throwing rule for that event and keeps going', () => {
    // Prepare
    const broken = compiledRuleFactory({ id: 'broken-rule' }, () => {
      throw new Error('regex exploded');
    });
    const working = compiledRuleFactory({ id: 'working-rule' });
    const events = [auditEventFactory({ id: 'e1' }), auditEventFactory({ id: 'e2' })];
    // Act
    const { findings, ruleErrors } = detect(events, ruleSetOf(broken, working), fixedNow, 'realtime');
    // Assess
    expect(findings.map((f) => [f.rule.id, f.event.id])).toEqual([
      ['working-rule', 'e1'],
      ['working-rule', 'e2'],
    ]);
    expect(ruleErrors).toEqual([
      {
        ruleId: 'broken-rule',
        file: 'rules/aws/cloudtrail/cloudtrail-stop-logging.yml',
        eventId: 'e1',
        message: 'regex exploded',
      },
      {
        ruleId: 'broken-rule',
        file: 'rules/aws/cloudtrail/cloudtrail-stop-logging.yml',
        eventId: 'e2',
        message: 'regex exploded',
      },
    ]);
  });

  it('deduplicates by finding id within one call', () => {
    // Prepare
    const event = auditEventFactory({ id: 'same' });
    // Act
    const { findings } = detect(
      [event, event, auditEventFactory({ id: 'other' })],
      ruleSetOf(compiledRuleFactory()),
      fixedNow,
      'backfill',
    );
    // Assess
    expect(findings.map((f) => f.event.id)).toEqual(['same', 'other']);
  });

  it('never runs a rule of another provider or one without a runnable logsource', () => {
    // Prepare
    const gcpRule = { ...compiledRuleFactory(), provider: 'gcp' } as CompiledRule;
    const idleRule = { ...compiledRuleFactory(), provider: undefined } as CompiledRule;
    const ruleSet: RuleSet = { ...ruleSetOf(), candidates: () => [gcpRule, idleRule] };
    // Act
    const { findings } = detect([auditEventFactory()], ruleSet, fixedNow, 'cli');
    // Assess
    expect(findings).toEqual([]);
  });
});
