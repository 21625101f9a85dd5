import { describe, expect, it } from 'vitest';
import { RuleError, RuleSetError } from '../../../../functions/core/sigma/errors.js';
import { compileRules } from '../../../../functions/core/sigma/rule-set.js';
import { ruleWith } from './rule-text.js';

const good = ruleWith('  selection:\n    eventName: StopLogging\n  condition: selection');

describe('compileRules()', () => {
  it('skips and counts deprecated and unsupported rules', () => {
    // Act
    const { ruleSet, skipped, errors } = compileRules([
      { file: 'a.yml', text: good.replace('status: test', 'status: deprecated') },
      { file: 'b.yml', text: `${good.replace('status: test', 'status: unsupported')}\n  other: x` },
    ]);
    // Assess
    expect(skipped).toEqual([
      { file: 'a.yml', reason: 'status: deprecated' },
      { file: 'b.yml', reason: 'status: unsupported' },
    ]);
    expect([ruleSet.rules.length, errors.length]).toEqual([0, 0]);
  });

  it('refuses a duplicate id', () => {
    // Act
    const { ruleSet, errors } = compileRules([
      { file: 'a.yml', text: good },
      { file: 'b.yml', text: good },
    ]);
    // Assess
    expect(ruleSet.rules.map((rule) => rule.file)).toEqual(['a.yml']);
    expect(errors.map((error) => error.reason)).toEqual(['duplicate id (also in a.yml)']);
  });

  it('maps logsources to providers', () => {
    // Prepare
    const sources = [
      ['aws', 'cloudtrail'],
      ['gcp', 'gcp.audit'],
      ['azure', 'activitylogs'],
      ['azure', 'signinlogs'],
    ].map(([product, service], index) => ({
      file: `${index}.yml`,
      text: good
        .replace('product: aws', `product: ${product}`)
        .replace('service: cloudtrail', `service: ${service}`)
        .replace('90b1d4c7a2e8', `90b1d4c7a2e${index}`),
    }));
    // Act
    const { ruleSet } = compileRules(sources);
    // Assess
    expect(ruleSet.rules.map((rule) => rule.provider)).toEqual(['aws', 'gcp', 'azure', undefined]);
  });

  it('never throws for a bad rule', () => {
    // Act
    const result = compileRules([
      { file: 'a.yml', text: ':\n  - [' },
      { file: 'b.yml', text: 'just text' },
      { file: 'c.yml', text: good },
    ]);
    // Assess
    expect(result.errors).toHaveLength(2);
    expect(result.errors.every((error) => error instanceof RuleError)).toBe(true);
    expect(result.ruleSet.rules).toHaveLength(1);
  });

  it('applies strict checks per file', () => {
    // Act
    const { errors } = compileRules([{ file: 'rules/aws/x.yml', text: good }], {
      strict: (file) => file.startsWith('rules/'),
    });
    // Assess
    expect(errors.map((error) => error.reason)).toContain("missing required key 'name'");
  });
});

describe('RuleSetError', () => {
  it('lists every error', () => {
    // Prepare
    const at = { file: 'a.yml', line: 3, col: 5, path: ['detection'] };
    // Act
    const error = new RuleSetError([new RuleError('first', at), new RuleError('second', { ...at, ruleId: 'r1' })]);
    // Assess
    expect(error.message).toBe('2 rule errors:\n  a.yml:3:5 detection: first\n  a.yml:3:5 [rule r1] detection: second');
    expect(error.name).toBe('RuleSetError');
  });
});
