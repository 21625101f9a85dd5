import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules, readRuleSources } from '../../../../functions/load-rules.js';
import { ruleWith } from './rule-text.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-rules-'));
mkdirSync(join(dir, 'aws', 'b'), { recursive: true });
mkdirSync(join(dir, 'aws', 'a'), { recursive: true });
writeFileSync(join(dir, 'aws', 'b', 'z.yml'), ruleWith('  s:\n    eventName: x\n  condition: s'));
writeFileSync(
  join(dir, 'aws', 'a', 'y.yaml'),
  ruleWith('  s:\n    eventName: x\n  condition: s').replace('90b1d4c7a2e8', '90b1d4c7a2e9'),
);
writeFileSync(join(dir, 'aws', 'a', 'y.cases.json'), '{"cases": []}');
writeFileSync(join(dir, 'aws', 'a', 'notes.md'), '# notes');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRuleSources()', () => {
  it('reads *.yml and *.yaml recursively, sorted, and nothing else', () => {
    // Act
    const files = readRuleSources([dir]).map((source) => source.file.slice(dir.length + 1));
    // Assess
    expect(files).toEqual(['aws/a/y.yaml', 'aws/b/z.yml'].map((file) => join(...file.split('/'))));
  });

  it('takes a file path as is and reads it once', () => {
    // Act
    const sources = readRuleSources([join(dir, 'aws', 'b', 'z.yml'), join(dir, 'aws', 'b', 'z.yml')]);
    // Assess
    expect(sources).toHaveLength(1);
    expect(sources[0]?.text).toContain('title: Unit rule');
  });

  it('throws for a missing path', () => {
    // Act
    const act = () => readRuleSources([join(dir, 'nope')]);
    // Assess
    expect(act).toThrow(/ENOENT/);
  });
});

describe('loadRules()', () => {
  it('reads and compiles', () => {
    // Act
    const { ruleSet, errors } = loadRules([dir]);
    // Assess
    expect([ruleSet.rules.length, errors.length]).toEqual([2, 0]);
  });
});
