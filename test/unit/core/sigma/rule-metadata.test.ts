import { describe, expect, it } from 'vitest';
import { parseRuleYaml } from '../../../../functions/core/sigma/parse-yaml.js';
import { readRuleMeta } from '../../../../functions/core/sigma/rule-metadata.js';

const own = [
  'title: CloudTrail Logging Stopped',
  'id: 4c0f5c1e-8f3a-4b7e-9c2d-5a4b3c2d1e0f',
  'name: cloudtrail-stop-logging',
  'status: stable',
  'description: A trail stopped logging.',
  'author: tamperwatch',
  'date: 2026-11-24',
  'references:',
  '  - https://example.com',
  'logsource:',
  '  product: aws',
  '  service: cloudtrail',
  'level: high',
  'falsepositives:',
  '  - Maintenance',
  'tags:',
  '  - attack.defense-impairment',
  '  - attack.t1685.002',
  'tamperwatch:',
  '  attack_legacy: [t1562.008]',
  '  failure_level: high',
].join('\n');

const read = (text: string, strict = true, file = 'rules/aws/cloudtrail/cloudtrail-stop-logging.yml') =>
  readRuleMeta(parseRuleYaml(text, file), { file, text, strict });

const replace = (key: string, line: string): string =>
  own
    .split('\n')
    .map((current) => (current.startsWith(`${key}:`) ? line : current))
    .join('\n');

describe('readRuleMeta()', () => {
  it('reads a complete rule of our own', () => {
    // Act
    const { meta, errors } = read(own);
    // Assess
    expect(errors).toEqual([]);
    expect(meta).toMatchObject({
      id: '4c0f5c1e-8f3a-4b7e-9c2d-5a4b3c2d1e0f',
      name: 'cloudtrail-stop-logging',
      level: 'high',
      status: 'stable',
      date: '2026-11-24',
      logsource: { product: 'aws', service: 'cloudtrail' },
      tags: ['attack.defense-impairment', 'attack.t1685.002'],
      tamperwatch: { attack_legacy: ['t1562.008'], failure_level: 'high' },
    });
    expect(meta?.version).toMatch(/^[0-9a-f]{8}$/);
  });

  it('changes the version with the text', () => {
    // Act
    const [a, b] = [read(own).meta?.version, read(`${own}\n# comment`).meta?.version];
    // Assess
    expect(a).not.toBe(b);
  });

  it.each([
    { text: replace('title', `title: ${'x'.repeat(257)}`), strict: true, reason: 'must be 1 to 256 characters' },
    {
      text: replace('id', 'id: 4c0f5c1e-8f3a-1b7e-9c2d-5a4b3c2d1e0f'),
      strict: true,
      reason: 'is not a lower-case UUID v4',
    },
    { text: replace('id', 'id: not-a-uuid'), strict: false, reason: "'not-a-uuid' is not a UUID" },
    {
      text: replace('name', 'name: other-name'),
      strict: true,
      reason: "'other-name' differs from the file name 'cloudtrail-stop-logging'",
    },
    { text: replace('name', 'name: Not_Kebab'), strict: true, reason: "'Not_Kebab' is not kebab-case" },
    {
      text: replace('status', 'status: done'),
      strict: false,
      reason: "'done' is not one of stable, test, experimental",
    },
    { text: replace('level', 'level: severe'), strict: false, reason: "'severe' is not one of informational" },
    { text: replace('level', 'level: [high]'), strict: false, reason: 'must be a string' },
    { text: replace('date', 'date: 24.11.2026'), strict: false, reason: "'24.11.2026' is not a date" },
    { text: replace('name', 'namex: x'), strict: true, reason: "missing required key 'name'" },
    { text: replace('author', 'writer: x'), strict: false, reason: "missing required key 'author'" },
    { text: own.replace('  - attack.t1685.002\n', ''), strict: true, reason: 'needs an ATT&CK technique tag' },
    { text: own.replace('  - attack.defense-impairment\n', ''), strict: true, reason: 'needs an ATT&CK tactic tag' },
    { text: own.replace('attack.t1685.002', 'T1685'), strict: false, reason: "'T1685' is not a tag" },
    {
      text: own.replace('  failure_level: high', '  failure_level: extreme'),
      strict: false,
      reason: "'extreme' is not one of",
    },
    { text: own.replace('[t1562.008]', '[x1562]'), strict: false, reason: "'x1562' is not an ATT&CK technique id" },
    { text: `${own}\n  colour: red`, strict: false, reason: "unknown key 'colour'" },
    { text: `${own}\nextra: 1`, strict: true, reason: "unknown key 'extra'" },
    {
      text: `${own}\nrelated:\n  - id: 4c0f5c1e-8f3a-4b7e-9c2d-5a4b3c2d1e0f\n    type: cousin`,
      strict: false,
      reason: "'cousin' is not one of derived",
    },
    {
      text: replace('logsource', 'logsource: aws').replace(/\n {2}(product|service): \w+/g, ''),
      strict: false,
      reason: 'must be a map',
    },
  ])('refuses: $reason', ({ text, strict, reason }) => {
    // Act
    const { meta, errors } = read(text, strict);
    // Assess
    expect(meta).toBeUndefined();
    expect(errors.map((error) => error.reason).join('\n')).toContain(reason);
    expect(errors[0]?.message).toMatch(/^rules\/aws\/cloudtrail\/cloudtrail-stop-logging\.yml:\d+:\d+ \[rule [^\]]+\]/);
  });

  it('accepts any UUID and unknown keys outside strict mode (SigmaHQ)', () => {
    // Prepare
    const text = `${replace('id', 'id: 0ad8d1c0-2a4a-11ec-8d3d-0242ac130003')}\nmodified: 2026-01-01\ncustom: value`;
    // Act
    const { meta, errors } = read(text, false);
    // Assess
    expect(errors).toEqual([]);
    expect(meta?.modified).toBe('2026-01-01');
  });

  it('reports every problem at once', () => {
    // Prepare
    const text = replace('level', 'level: severe').replace('status: stable', 'status: done');
    // Act
    const { errors } = read(text);
    // Assess
    expect(errors).toHaveLength(2);
  });
});
