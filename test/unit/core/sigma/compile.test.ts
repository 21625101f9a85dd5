import { describe, expect, it } from 'vitest';
import { createFieldView } from '../../../../functions/core/field-view.js';
import { compileRules } from '../../../../functions/core/sigma/rule-set.js';
import { ruleWith } from './rule-text.js';

const id = '5f0c9a4e-1b7d-4c8a-9e6f-90b1d4c7a2e8';

describe('compileRules(): refusals name file:line:col, rule, path and reason', () => {
  it.each([
    {
      detection: '  selection:\n    eventName|contians: StopLogging\n  condition: selection',
      message: `r.yml:11:5 [rule ${id}] detection.selection.eventName|contians: unknown modifier 'contians'`,
    },
    {
      detection: '  selection:\n    userIdentity.arn|re: "(a+)+$"\n  condition: selection',
      message: `r.yml:11:26 [rule ${id}] detection.selection.userIdentity.arn|re: regex '(a+)+$': nested quantifier ((a+)+ style) can backtrack catastrophically at offset 4`,
    },
    {
      detection:
        '  selection:\n    sourceIPAddress|cidr:\n      - 10.0.0.0/8\n      - 10.0.0.5/8\n  condition: selection',
      message: `r.yml:13:9 [rule ${id}] detection.selection.sourceIPAddress|cidr: invalid cidr '10.0.0.5/8': host bits set`,
    },
    {
      detection: '  selection:\n    eventName: StopLogging\n  condition: selection AND not filter',
      message: `r.yml:12:24 [rule ${id}] detection.condition: operators are lowercase: 'AND' → 'and'`,
    },
    {
      detection: "  selection:\n    eventName: StopLogging\n  condition: 'selection and filter'",
      message: `r.yml:12:29 [rule ${id}] detection.condition: undefined identifier 'filter'`,
    },
    {
      detection:
        '  selection:\n    eventName: StopLogging\n  condition:\n    - selection\n    - selection | count() > 5',
      message: `r.yml:14:17 [rule ${id}] detection.condition.1: aggregations ('|') are not supported (use correlation rules)`,
    },
    {
      detection: '  selection:\n    requestParameters:\n      enable: false\n  condition: selection',
      message: `r.yml:12:7 [rule ${id}] detection.selection.requestParameters: map values are not supported`,
    },
    {
      detection: '  selection:\n    eventName: x\n  timeframe: 10m\n  condition: selection',
      message: `r.yml:12:3 [rule ${id}] detection.timeframe: 'timeframe' is not supported (use correlation rules)`,
    },
    {
      detection: '  selection:\n    eventName: x',
      message: `r.yml:10:3 [rule ${id}] detection: missing 'condition'`,
    },
    {
      detection: '  not_this:\n    eventName: x\n  condition: not_this',
      message: '',
    },
  ])('$message', ({ detection, message }) => {
    // Act
    const { errors } = compileRules([{ file: 'r.yml', text: ruleWith(detection) }]);
    // Assess
    expect(errors.map((error) => error.message)).toEqual(message === '' ? [] : [message]);
  });

  it('collects the errors of every selection and rule at once', () => {
    // Prepare
    const bad = ruleWith('  a:\n    x|bogus: 1\n  b:\n    y|re: "a(?i)"\n  condition: a or b or c');
    // Act
    const { errors } = compileRules([
      { file: 'one.yml', text: bad },
      { file: 'two.yml', text: bad.replace(id, '6f1d2c1e-8f3a-4b7e-9c2d-5a4b3c2d1e0f') },
    ]);
    // Assess
    expect(errors.map((error) => `${error.at.file}:${error.at.line}`)).toEqual([
      'one.yml:11',
      'one.yml:13',
      'one.yml:14',
      'two.yml:11',
      'two.yml:13',
      'two.yml:14',
    ]);
  });

  it('reports the selections that were true', () => {
    // Prepare
    const text = ruleWith(
      '  selection:\n    eventName: StopLogging\n  selection_extra:\n    eventSource: x\n  filter:\n    errorCode: AccessDenied\n  condition: 1 of selection* and not filter',
    );
    const { ruleSet } = compileRules([{ file: 'r.yml', text }]);
    // Act
    const matched = ruleSet.rules[0]?.test(createFieldView({ eventName: 'StopLogging' }));
    const missed = ruleSet.rules[0]?.test(createFieldView({ eventName: 'StopLogging', errorCode: 'AccessDenied' }));
    // Assess
    expect(matched).toEqual(['selection']);
    expect(missed).toBeUndefined();
  });

  it('returns an empty list when only a negation matched', () => {
    // Prepare
    const { ruleSet } = compileRules([
      { file: 'r.yml', text: ruleWith('  filter:\n    errorCode: x\n  condition: not filter') },
    ]);
    // Act
    const matched = ruleSet.rules[0]?.test(createFieldView({}));
    // Assess
    expect(matched).toEqual([]);
  });
});
