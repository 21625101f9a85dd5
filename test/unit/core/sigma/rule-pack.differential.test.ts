import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../functions/core/audit-event.js';
import { eventsFromValue } from '../../../../functions/core/formats/read-input.js';
import { buildRuleSet } from '../../../../functions/core/sigma/build-rule-set.js';
import { packRules } from '../../../../functions/core/sigma/pack-rules.js';
import { unpackRules } from '../../../../functions/core/sigma/rule-pack.js';
import { compileRules, type LoadResult, type RuleSource } from '../../../../functions/core/sigma/rule-set.js';
import { loadRulePack } from '../../../../functions/load-rule-pack.js';
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

  it('compiles a pack without the YAML parser (loadRulePack) exactly as loadRules does', () => {
    // Prepare
    cpSync(join(root, 'rules/aws'), join(dir, 'aws-lean'), { recursive: true });
    writeFileSync(join(dir, 'aws-lean', rulePackFile), rulePackOf(join(dir, 'aws-lean')));
    const fromYaml = observe(loadRules([join(dir, 'aws-lean')], { strict: true }));
    // Act
    const fromPack = loadRulePack(join(dir, 'aws-lean'), { strict: true });
    // Assess
    expect(fromPack).toBeDefined();
    expect(observe(fromPack as LoadResult)).toEqual(fromYaml);
  });

  it('leaves a directory without a pack, or a pack with an unparsed file, to loadRules', () => {
    // Prepare
    cpSync(join(root, 'rules/gcp'), join(dir, 'gcp-no-pack'), { recursive: true });
    const withBroken = join(dir, 'with-broken');
    cpSync(join(root, 'rules/azure'), withBroken, { recursive: true });
    writeFileSync(join(withBroken, 'broken.yml'), 'title: a\n---\ntitle: b\n');
    writeFileSync(join(withBroken, rulePackFile), rulePackOf(withBroken));
    // Act
    const noPack = loadRulePack(join(dir, 'gcp-no-pack'));
    const unparsed = loadRulePack(withBroken);
    const fallback = loadRules([withBroken]);
    // Assess
    expect(noPack).toBeUndefined();
    expect(unparsed).toBeUndefined();
    expect(fallback.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/broken\.yml.*multi-document files/),
    ]);
  });

  it('reports a source with neither a tree nor a parser as a rule error, never throws', () => {
    // Act
    const result = buildRuleSet([{ file: 'rules/x.yml', text: 'title: x\n' }]);
    // Assess
    expect(result.ruleSet.rules).toEqual([]);
    expect(result.errors.map((error) => error.message)).toEqual([expect.stringMatching(/rules\/x\.yml.*not parsed/)]);
  });

  it('refuses a file that is no rule pack', () => {
    // Act
    const act = () => unpackRules('{"format": "something else", "rules": []}');
    // Assess
    expect(act).toThrow(/not a rule pack/);
  });
});
