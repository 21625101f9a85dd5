import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../functions/core/audit-event.js';
import { eventsFromValue } from '../../../../functions/core/formats/read-input.js';
import { packRules, unpackRules } from '../../../../functions/core/sigma/rule-pack.js';
import { compileRules, type LoadResult, type RuleSource } from '../../../../functions/core/sigma/rule-set.js';
import { loadRules, readRuleSources, rulePackFile, rulePackOf } from '../../../../functions/load-rules.js';
import { differentialInputs, root } from '../differential-inputs.js';

// A rule pack carries each file's YAML already parsed, so a cold start skips the yaml library (test/bench: two thirds
// of compiling rules/aws in a fresh process). Compiling from the pack must give the same rules, errors and matches as
// compiling from YAML: the shipped rules, SigmaHQ's cloud rules and broken files alike.

const sigmaDir = resolve(root, '../shared/sigmahq/rules/cloud');

const broken: RuleSource[] = [
  { file: 'broken/tabs.yml', text: 'title: x\n\tid: y\n' },
  { file: 'broken/two-docs.yml', text: 'title: a\n---\ntitle: b\n' },
  { file: 'broken/not-a-map.yml', text: '- a\n- b\n' },
  { file: 'broken/alias.yml', text: 'a: &x 1\nb: *x\n' },
  { file: 'broken/empty.yml', text: '' },
];

const sources: RuleSource[] = [
  ...readRuleSources([join(root, 'rules')]),
  ...(existsSync(sigmaDir) ? readRuleSources([sigmaDir]) : []),
  ...broken,
];

const events: AuditEvent[] = differentialInputs().flatMap(({ value, name }) =>
  eventsFromValue(value, name).flatMap((item) => (item.kind === 'event' ? [item.event] : [])),
);

/** Everything observable about a load: rules (meta, file, provider), errors, skips, and every match on every event. */
const observe = (result: LoadResult) => ({
  rules: result.ruleSet.rules.map((rule) => ({ meta: rule.meta, file: rule.file, provider: rule.provider })),
  errors: result.errors.map((error) => error.message),
  skipped: result.skipped,
  operations: (['aws', 'gcp', 'azure'] as const).map((provider) => result.ruleSet.operations(provider)),
  matches: events.map((event) =>
    result.ruleSet.candidates(event).map((rule) => {
      try {
        return `${rule.meta.id}: ${JSON.stringify(rule.test(event.fields))}`;
      } catch (error) {
        return `${rule.meta.id}: throws ${(error as Error).message}`;
      }
    }),
  ),
});

const dir = mkdtempSync(join(tmpdir(), 'tw-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Rule pack: compiling from the pack vs from YAML', () => {
  it('packs every source, and broken files without a tree', () => {
    // Act
    const unpacked = unpackRules(packRules(sources));
    // Assess
    expect(unpacked.map((source) => [source.file, source.text])).toEqual(sources.map((s) => [s.file, s.text]));
    expect(unpacked.filter((source) => source.parsed === undefined).map((source) => source.file)).toEqual(
      expect.arrayContaining(broken.filter((b) => b.file !== 'broken/tabs.yml').map((b) => b.file)),
    );
  });

  it('gives the same rules, errors, index and matches', () => {
    // Act
    const fromYaml = observe(compileRules(sources, { strict: (file) => file.startsWith(join(root, 'rules')) }));
    const fromPack = observe(
      compileRules(unpackRules(packRules(sources)), { strict: (file) => file.startsWith(join(root, 'rules')) }),
    );
    // Assess
    expect(events.length).toBeGreaterThan(500);
    expect(fromPack).toEqual(fromYaml);
  });

  it('loads a directory from its pack with the same file names as from its YAML files', () => {
    // Prepare
    cpSync(join(root, 'rules/aws'), join(dir, 'aws'), { recursive: true });
    const fromYaml = observe(loadRules([join(dir, 'aws')]));
    writeFileSync(join(dir, 'aws', rulePackFile), rulePackOf(join(dir, 'aws')));
    // Act
    const fromPack = observe(loadRules([join(dir, 'aws')]));
    // Assess
    expect(fromPack.rules.length).toBeGreaterThan(50);
    expect(fromPack).toEqual(fromYaml);
  });

  it('refuses a file that is no rule pack', () => {
    // Act
    const act = () => unpackRules('{"format": "something else", "rules": []}');
    // Assess
    expect(act).toThrow(/not a rule pack/);
  });
});
