import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../functions/core/audit-event.js';
import { canaryRuleName } from '../../functions/core/canary.js';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';
import { compileRules } from '../../functions/core/sigma/rule-set.js';
import { bindToStage, writeBoundRules } from '../../infra/self-protection.js';
import { projectRoot } from './stack-factory.js';

const folder = join(projectRoot, 'rules/aws/tamperwatch');
const ruleFiles = readdirSync(folder)
  .filter((name) => name.endsWith('.yml'))
  .sort();

type Case = { name: string; expect: 'match' | 'no_match'; input: unknown };
const casesOf = (file: string): Case[] =>
  (JSON.parse(readFileSync(join(folder, file.replace(/\.yml$/, '.cases.json')), 'utf8')) as { cases: Case[] }).cases;
const eventOf = (input: unknown): AuditEvent => {
  const [item] = eventsFromValue(input, 'case');
  if (item?.kind !== 'event') throw new Error('case input does not decode');
  return item.event;
};
const compiled = (text: string, file: string) => {
  const { ruleSet, errors } = compileRules([{ file: `rules/aws/tamperwatch/${file}`, text }], { strict: true });
  expect(errors.map((error) => error.message)).toEqual([]);
  const rule = ruleSet.rules[0];
  if (rule === undefined) throw new Error('no rule');
  return rule;
};

describe('Self-protection rules (DESIGN §9.3)', () => {
  it('ships these rules, all critical, plus the informational canary heartbeat', () => {
    // Act
    const levels = ruleFiles.map((file) => {
      const rule = compiled(readFileSync(join(folder, file), 'utf8'), file);
      return `${rule.meta.name} ${rule.meta.level}`;
    });
    // Assess
    expect(levels).toEqual([
      'tamperwatch-alarms-tampered critical',
      `${canaryRuleName} informational`,
      'tamperwatch-event-routing-tampered critical',
      'tamperwatch-function-tampered critical',
      'tamperwatch-queue-or-topic-tampered critical',
      'tamperwatch-role-or-stack-tampered critical',
      'tamperwatch-stackset-tampered critical',
      'tamperwatch-state-or-schedule-tampered critical',
    ]);
  });

  it('binds only the detection block to the stage, line for line', () => {
    // Prepare
    const text = readFileSync(join(folder, 'tamperwatch-event-routing-tampered.yml'), 'utf8');
    // Act
    const bound = bindToStage(text, 'prod');
    // Assess
    expect(bound.split('\n')).toHaveLength(text.split('\n').length);
    expect(bound).toContain('name: tamperwatch-event-routing-tampered\n');
    expect(bound).toContain('requestParameters.name|startswith: tamperwatch-prod-\n');
    expect(bound).toContain('requestParameters.rule|startswith: tamperwatch-prod-\n');
    expect(bound).not.toMatch(/startswith: tamperwatch-\n/);
  });

  describe.each(ruleFiles)('%s', (file) => {
    const text = readFileSync(join(folder, file), 'utf8');
    const matches = casesOf(file).filter((testCase) => testCase.expect === 'match');

    it.each(matches.map((testCase) => ({ name: testCase.name, testCase })))(
      'bound to prod, matches $name (a tamperwatch-prod- resource); bound to dev, does not',
      ({ testCase }) => {
        // Prepare
        const event = eventOf(testCase.input);
        // Act
        const prod = compiled(bindToStage(text, 'prod'), file).test(event.fields);
        const dev = compiled(bindToStage(text, 'dev'), file).test(event.fields);
        // Assess
        expect(JSON.stringify(testCase.input)).toContain('tamperwatch-prod-');
        expect(prod).toBeDefined();
        expect(dev).toBeUndefined();
      },
    );
  });

  it('writes the bound copies for the asset step, and nothing when the rules have no self-protection folder', () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'tw-bound-'));
    // Act
    const overlay = writeBoundRules(outdir, 'prod', projectRoot, 'rules/aws');
    const none = writeBoundRules(outdir, 'prod', projectRoot, 'test/infra/fixtures/read-only');
    // Assess
    expect(overlay).toBe(join(outdir, 'tamperwatch-prod-rules'));
    expect(readdirSync(join(outdir, 'tamperwatch-prod-rules/tamperwatch')).sort()).toEqual(ruleFiles);
    expect(
      readFileSync(join(outdir, 'tamperwatch-prod-rules/tamperwatch/tamperwatch-canary-heartbeat.yml'), 'utf8'),
    ).toContain('requestParameters.name|startswith: tamperwatch-prod-\n');
    expect(none).toBeUndefined();
  });
});
