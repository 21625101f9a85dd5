import { describe, expect, it } from 'vitest';
import {
  coverageProblems,
  inlineItems,
  judgeRuleCase,
  parseRuleCases,
  type RuleCase,
  subsetMismatches,
} from '../../../functions/core/rule-cases.js';
import { compileRules } from '../../../functions/core/sigma/rule-set.js';

const fixedNow = new Date('2026-12-01T00:00:00.000Z');

const { ruleSet } = compileRules([
  {
    file: 'rules/aws/cloudtrail/stop.yml',
    text: `title: Trail stopped
id: 7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
status: test
level: high
author: tests
tags: [attack.defense-impairment, attack.t1685.002]
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: StopLogging
  condition: selection
`,
  },
]);

const record = (eventName: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.10',
  userIdentity: {
    type: 'IAMUser',
    arn: 'arn:aws:iam::111122223333:user/eve',
    accountId: '111122223333',
    userName: 'eve',
  },
  eventTime: '2026-11-24T10:02:11Z',
  eventSource: 'cloudtrail.amazonaws.com',
  eventName,
  awsRegion: 'eu-west-1',
  sourceIPAddress: '198.51.100.7',
  userAgent: 'aws-cli/2.15.0',
  requestParameters: { name: 'org-trail' },
  responseElements: null,
  eventID: `id-${eventName}`,
  readOnly: false,
  eventType: 'AwsApiCall',
  recipientAccountId: '111122223333',
  ...extra,
});

const judge = (testCase: RuleCase) =>
  judgeRuleCase({ testCase, items: inlineItems(testCase, 'x.cases.json'), ruleSet, now: fixedNow });

describe('parseRuleCases()', () => {
  it('reads a valid cases file', () => {
    // Prepare
    const text = JSON.stringify({
      cases: [{ name: 'a', expect: 'match', file: 'samples/x.json', record: 0, finding: { severity: 'high' } }],
    });
    // Act
    const parsed = parseRuleCases(text, 'x.cases.json');
    // Assess
    expect(parsed.problems).toEqual([]);
    expect(parsed.cases).toEqual([
      { name: 'a', expect: 'match', file: 'samples/x.json', record: 0, finding: { severity: 'high' } },
    ]);
  });

  it.each([
    { why: 'invalid JSON', text: '{ "cases": [', problem: /^x\.cases\.json: invalid JSON: / },
    {
      why: 'neither input nor file',
      text: '{"cases":[{"name":"a","expect":"match"}]}',
      problem: /^x\.cases\.json: cases\.0: needs exactly one of input or file$/,
    },
    {
      why: 'both input and file',
      text: '{"cases":[{"name":"a","expect":"match","input":{},"file":"f"}]}',
      problem: /needs exactly one of input or file/,
    },
    {
      why: 'an unknown verdict',
      text: '{"cases":[{"name":"a","expect":"maybe","input":{}}]}',
      problem: /^x\.cases\.json: cases\.0\.expect: /,
    },
    {
      why: 'an unknown key',
      text: '{"cases":[{"name":"a","expect":"match","input":{},"expected":"x"}]}',
      problem: /^x\.cases\.json: cases\.0: /,
    },
  ])('names the problem of $why', ({ text, problem }) => {
    // Act
    const parsed = parseRuleCases(text, 'x.cases.json');
    // Assess
    expect(parsed.cases).toEqual([]);
    expect(parsed.problems[0]).toMatch(problem);
  });
});

describe('coverageProblems()', () => {
  it('wants at least one match and one no_match case', () => {
    // Prepare
    const match = { name: 'm', expect: 'match', input: {} } as const;
    const noMatch = { name: 'n', expect: 'no_match', input: {} } as const;
    // Act / Assess
    expect(coverageProblems([match, noMatch])).toEqual([]);
    expect(coverageProblems([match])).toEqual(['no no_match case']);
    expect(coverageProblems([])).toEqual(['no match case', 'no no_match case']);
  });
});

describe('subsetMismatches()', () => {
  const finding = {
    severity: 'high',
    attack: { techniques: [{ id: 'T1685.002', legacyId: 'T1562.008' }] },
    matched: ['selection'],
  };

  it('accepts dotted paths, nested objects and arrays compared whole', () => {
    expect(
      subsetMismatches(finding, {
        severity: 'high',
        'attack.techniques.0.legacyId': 'T1562.008',
        attack: { techniques: [{ id: 'T1685.002', legacyId: 'T1562.008' }] },
        matched: ['selection'],
      }),
    ).toEqual([]);
  });

  it('names each difference and each absent key', () => {
    expect(subsetMismatches(finding, { severity: 'critical', 'attack.techniques.1.id': 'T1685', matched: [] })).toEqual(
      [
        'severity: expected "critical", got "high"',
        'attack.techniques.1.id: expected "T1685", but it is absent',
        'matched: expected [], got ["selection"]',
      ],
    );
  });
});

describe('judgeRuleCase()', () => {
  it('passes a match case whose finding fits the expected subset', () => {
    // Act
    const result = judge({
      name: 'stop',
      expect: 'match',
      input: record('StopLogging'),
      finding: { severity: 'high', 'event.channel': 'cli' },
    });
    // Assess
    expect(result).toMatchObject({ name: 'stop', expect: 'match', passed: true, reasons: [] });
    expect(result.findings).toHaveLength(1);
  });

  it('fails a match case that does not fire, naming the event', () => {
    // Act
    const result = judge({ name: 'start', expect: 'match', input: record('StartLogging') });
    // Assess
    expect(result.passed).toBe(false);
    expect(result.reasons).toEqual([
      'expected a match, got none on aws cloudtrail.amazonaws.com StartLogging (success)',
    ]);
  });

  it('fails a no_match case that fires, with the finding summary', () => {
    // Act
    const result = judge({ name: 'stop', expect: 'no_match', input: record('StopLogging') });
    // Assess
    expect(result.reasons).toEqual([
      'expected no match, got high finding: eve (IAMUser) called cloudtrail:StopLogging on org-trail in 111122223333/eu-west-1 (success)',
    ]);
  });

  it('fails on a finding that differs from the expected subset', () => {
    // Act
    const result = judge({
      name: 'stop',
      expect: 'match',
      input: record('StopLogging', { errorCode: 'AccessDenied' }),
      finding: { severity: 'high' },
    });
    // Assess
    expect(result.reasons).toEqual(['finding severity: expected "high", got "medium"']);
  });

  it('picks one record with record, and counts every event without it', () => {
    // Prepare
    const input = { Records: [record('StartLogging'), record('StopLogging')] };
    // Act
    const first = judge({ name: 'first', expect: 'no_match', input, record: 0 });
    const any = judge({ name: 'any', expect: 'match', input });
    const outOfRange = judge({ name: 'far', expect: 'match', input, record: 5 });
    // Assess
    expect(first.passed).toBe(true);
    expect(any.passed).toBe(true);
    expect(outOfRange.reasons).toEqual(['record 5 is out of range (2 events)']);
  });

  it('fails a case whose input does not decode', () => {
    // Act
    const result = judge({ name: 'junk', expect: 'no_match', input: { hello: 'world' } });
    // Assess
    expect(result.passed).toBe(false);
    expect(result.reasons[0]).toMatch(/^input error: x\.cases\.json: /);
  });
});
