import { describe, expect, it } from 'vitest';
import { compileRules } from '../../../../functions/core/sigma/rule-set.js';
import { ruleWith } from './rule-text.js';

const logsources = {
  aws: 'product: aws\n  service: cloudtrail',
  gcp: 'product: gcp\n  service: gcp.audit',
  azure: 'product: azure\n  service: activitylogs',
  m365: 'product: m365\n  service: audit',
};

const rule = (n: number, detection: string, logsource: keyof typeof logsources = 'aws') => ({
  file: `r${n}.yml`,
  text: ruleWith(detection, '', logsources[logsource]).replace(
    '5f0c9a4e-1b7d-4c8a-9e6f-90b1d4c7a2e8',
    `5f0c9a4e-1b7d-4c8a-9e6f-${String(n).padStart(12, '0')}`,
  ),
});

const sources = [
  rule(
    0,
    '  selection:\n    eventSource: cloudtrail.amazonaws.com\n    eventName: [StopLogging, DeleteTrail]\n  condition: selection',
  ),
  rule(1, '  selection:\n    eventName: StopLogging\n  condition: selection'),
  rule(2, '  selection:\n    eventSource: guardduty.amazonaws.com\n  condition: selection'),
  rule(3, '  selection:\n    eventName|startswith: Stop\n  condition: selection'),
  rule(4, '  a:\n    eventName: StopLogging\n  b:\n    eventName: DeleteTrail\n  condition: a or b'),
  rule(5, '  a:\n    eventName: StopLogging\n  b:\n    userAgent: x\n  condition: a or b'),
  rule(6, '  a:\n    eventName: StopLogging\n  condition: not a'),
  rule(
    7,
    '  selection:\n    gcp.audit.method_name: google.logging.v2.ConfigServiceV2.DeleteSink\n  condition: selection',
    'gcp',
  ),
  rule(
    8,
    '  selection:\n    operationName: MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE\n  condition: selection',
    'azure',
  ),
  rule(9, '  selection:\n    Operation: x\n  condition: selection', 'm365'),
];

const titles = (provider: 'aws' | 'gcp' | 'azure', service: string, operation: string): string[] => {
  const { ruleSet } = compileRules(sources);
  return ruleSet.candidates({ provider, service, operation }).map((candidate) => candidate.file);
};

describe('RuleIndex: candidates()', () => {
  it.each([
    {
      service: 'cloudtrail.amazonaws.com',
      operation: 'StopLogging',
      files: ['r0.yml', 'r1.yml', 'r3.yml', 'r4.yml', 'r5.yml', 'r6.yml'],
    },
    {
      service: 'CLOUDTRAIL.amazonaws.com',
      operation: 'deletetrail',
      files: ['r0.yml', 'r3.yml', 'r4.yml', 'r5.yml', 'r6.yml'],
    },
    {
      service: 'guardduty.amazonaws.com',
      operation: 'DeleteDetector',
      files: ['r2.yml', 'r3.yml', 'r5.yml', 'r6.yml'],
    },
    {
      service: 'ec2.amazonaws.com',
      operation: 'StopLogging',
      files: ['r1.yml', 'r3.yml', 'r4.yml', 'r5.yml', 'r6.yml'],
    },
  ])('aws $service $operation → $files', ({ service, operation, files }) => {
    // Act
    const found = titles('aws', service, operation);
    // Assess
    expect(found).toEqual(files);
  });

  it('indexes the SigmaHQ GCP and Azure operation names', () => {
    // Act
    const gcp = titles('gcp', 'logging.googleapis.com', 'google.logging.v2.ConfigServiceV2.DeleteSink');
    const gcpOther = titles('gcp', 'logging.googleapis.com', 'google.logging.v2.ConfigServiceV2.UpdateSink');
    const azure = titles('azure', 'microsoft.insights', 'Microsoft.Insights/diagnosticSettings/delete');
    // Assess
    expect([gcp, gcpOther, azure]).toEqual([['r7.yml'], [], ['r8.yml']]);
  });

  it('never runs a rule whose logsource has no provider', () => {
    // Act
    const { ruleSet } = compileRules(sources);
    // Assess
    expect(ruleSet.rules.find((candidate) => candidate.file === 'r9.yml')?.provider).toBeUndefined();
    expect(ruleSet.rules).toHaveLength(sources.length);
  });

  it('returns every rule of the provider without the index', () => {
    // Act
    const { ruleSet } = compileRules(sources, { index: false });
    const found = ruleSet
      .candidates({ provider: 'aws', service: 'x', operation: 'y' })
      .map((candidate) => candidate.file);
    // Assess
    expect(found).toEqual(['r0.yml', 'r1.yml', 'r2.yml', 'r3.yml', 'r4.yml', 'r5.yml', 'r6.yml']);
  });
});

describe('RuleIndex: operations()', () => {
  it('lists the operation names and, for rules without one, the services', () => {
    // Act
    const { ruleSet } = compileRules(sources.slice(0, 3));
    // Assess
    expect(ruleSet.operations('aws')).toEqual({
      names: ['deletetrail', 'stoplogging'],
      services: ['guardduty.amazonaws.com'],
      any: true,
      unconstrained: false,
    });
  });

  it('empties services when a rule constrains neither', () => {
    // Act
    const { ruleSet } = compileRules(sources);
    // Assess
    expect(ruleSet.operations('aws')).toMatchObject({ services: [], any: true, unconstrained: true });
  });

  it('has nothing for a provider without rules', () => {
    // Act
    const { ruleSet } = compileRules(sources.slice(0, 2));
    // Assess
    expect(ruleSet.operations('gcp')).toEqual({ names: [], services: [], any: false, unconstrained: false });
  });

  it('has only names when every rule has one', () => {
    // Act
    const { ruleSet } = compileRules(
      [sources[1], sources[4]].flatMap((source) => (source === undefined ? [] : [source])),
    );
    // Assess
    expect(ruleSet.operations('aws')).toEqual({
      names: ['deletetrail', 'stoplogging'],
      services: [],
      any: false,
      unconstrained: false,
    });
  });
});
