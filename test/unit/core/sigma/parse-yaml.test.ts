import { describe, expect, it } from 'vitest';
import { RuleError } from '../../../../functions/core/sigma/errors.js';
import { parseRuleYaml } from '../../../../functions/core/sigma/parse-yaml.js';
import { entryOf, type YamlNode } from '../../../../functions/core/sigma/yaml-tree.js';

describe('parseRuleYaml()', () => {
  it('keeps line and column of every node', () => {
    // Prepare
    const text = 'title: x\ndetection:\n  selection:\n    eventName:\n      - StopLogging\n';
    // Act
    const root = parseRuleYaml(text, 'r.yml');
    const detection = entryOf(root, 'detection')?.value;
    const selection = detection?.kind === 'map' ? entryOf(detection, 'selection') : undefined;
    const list = selection?.value.kind === 'map' ? selection.value.entries[0]?.value : undefined;
    const item = list?.kind === 'seq' ? list.items[0] : undefined;
    // Assess
    expect(selection).toMatchObject({ key: 'selection', line: 3, col: 3 });
    expect(item).toMatchObject({ kind: 'scalar', value: 'StopLogging', line: 5, col: 9 });
  });

  it.each<{ yaml: string; value: unknown; source: string }>([
    { yaml: 'v: yes', value: true, source: 'yes' },
    { yaml: 'v: No', value: false, source: 'No' },
    { yaml: 'v: 1.50', value: 1.5, source: '1.50' },
    { yaml: 'v: 0x17', value: 23, source: '0x17' },
    { yaml: "v: '0x17'", value: '0x17', source: '0x17' },
    { yaml: 'v: ~', value: null, source: '~' },
    { yaml: 'v:', value: null, source: '' },
    { yaml: 'v: 2024-01-12', value: '2024-01-12', source: '2024-01-12' },
  ])('reads $yaml as YAML 1.1 with its source text', ({ yaml, value, source }) => {
    // Act
    const node = entryOf(parseRuleYaml(yaml, 'r.yml'), 'v')?.value as YamlNode;
    // Assess
    expect(node).toMatchObject({ kind: 'scalar', value, source });
  });

  it.each([
    {
      text: 'a: 1\n---\nb: 2\n',
      message: 'r.yml:2:1: multi-document files (correlations, filters, action: global) are not supported',
    },
    { text: 'a: 1\na: 2\n', message: 'r.yml:2:1: invalid YAML: Map keys must be unique' },
    { text: 'a: &x 1\nb: *x\n', message: 'r.yml:2:4 b: YAML aliases are not supported in rules' },
    { text: 'a: {c: 1}\n<<: {d: 1}\n', message: 'r.yml:2:1: map keys must be plain scalars (no merge keys)' },
    { text: '- a\n- b\n', message: 'r.yml:1:1: a rule must be a YAML map' },
    { text: '', message: 'r.yml:1:1: ' },
    { text: 'a: [1, 2\n', message: 'r.yml:' },
  ])('refuses $text', ({ text, message }) => {
    // Act
    const act = () => parseRuleYaml(text, 'r.yml');
    // Assess
    expect(act).toThrow(RuleError);
    expect(act).toThrow(message);
  });
});
