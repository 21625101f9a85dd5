import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Provider } from '../core/audit-event.js';
import { attackTechniques } from '../core/findings/attack.js';
import type { AttackTechnique } from '../core/findings/types.js';
import { compileRuleFiles, readRuleFiles } from './rule-files.js';

/** What one rule covers and the evidence beside it. */
type RuleCoverage = {
  readonly file: string;
  readonly name: string;
  readonly level: string;
  readonly provider: Provider;
  readonly service: string;
  /** Operation names as the rule spells them; empty when the rule constrains no operation. */
  readonly operations: readonly string[];
  readonly techniques: readonly AttackTechnique[];
  readonly match: number;
  readonly noMatch: number;
  /** Cases whose input is an unmodified real record (a file under samples/ or test/fixtures/corpus/). */
  readonly real: number;
};

type CoverageReport = { readonly markdown: string; readonly layer: string };

const providers: readonly Provider[] = ['aws', 'gcp', 'azure'];
const cloudNames: Readonly<Record<Provider, string>> = { aws: 'AWS', gcp: 'GCP', azure: 'Azure' };
const realRecord = /(^|\/)(samples|test\/fixtures\/corpus)\//;

/** The index keeps lower-cased names; the table shows the rule's own spelling. */
const spellingIn = (text: string, lower: string): string => {
  const at = text.toLowerCase().indexOf(lower);
  return at < 0 ? lower : text.slice(at, at + lower.length);
};

type CaseCounts = Pick<RuleCoverage, 'match' | 'noMatch' | 'real'>;

const countCases = (casesPath: string): CaseCounts => {
  if (!existsSync(casesPath)) return { match: 0, noMatch: 0, real: 0 };
  const parsed = JSON.parse(readFileSync(casesPath, 'utf8')) as { cases?: { expect?: string; file?: unknown }[] };
  const cases = Array.isArray(parsed.cases) ? parsed.cases : [];
  return {
    match: cases.filter((c) => c.expect === 'match').length,
    noMatch: cases.filter((c) => c.expect === 'no_match').length,
    real: cases.filter((c) => typeof c.file === 'string' && realRecord.test(c.file)).length,
  };
};

/** Every loadable rule under `paths` that runs on a provider, with its operations, techniques and case counts. */
const collectCoverage = (paths: readonly string[], cwd: string, ownRules: string): RuleCoverage[] =>
  readRuleFiles(paths, cwd).flatMap((source) => {
    const { ruleSet, errors } = compileRuleFiles([source], cwd, ownRules);
    const rule = ruleSet.rules[0];
    if (errors.length > 0 || rule === undefined || rule.provider === undefined) return [];
    const { names } = ruleSet.operations(rule.provider);
    const parts = source.file.split(/[\\/]/);
    return [
      {
        file: source.file,
        name: rule.meta.name ?? parts[parts.length - 1]?.replace(/\.ya?ml$/i, '') ?? source.file,
        level: rule.meta.level,
        provider: rule.provider,
        service: parts.length >= 3 ? (parts[parts.length - 2] ?? '') : '',
        operations: names.map((name) => spellingIn(source.text, name)),
        techniques: attackTechniques(rule.meta.tags, rule.meta.tamperwatch?.attack_legacy ?? []),
        ...countCases(resolve(cwd, source.file.replace(/\.ya?ml$/i, '.cases.json'))),
      },
    ];
  });

const sum = (rules: readonly RuleCoverage[], key: 'match' | 'noMatch' | 'real'): number =>
  rules.reduce((total, rule) => total + rule[key], 0);

const operationKeys = (rules: readonly RuleCoverage[]): Map<string, RuleCoverage[]> => {
  const byOperation = new Map<string, RuleCoverage[]>();
  for (const rule of rules) {
    const names = rule.operations.length > 0 ? rule.operations : ['(any operation)'];
    for (const name of names) {
      const key = `${rule.service}\u0000${name.toLowerCase()}`;
      byOperation.set(key, [...(byOperation.get(key) ?? []), rule]);
    }
  }
  return new Map([...byOperation.entries()].sort(([a], [b]) => a.localeCompare(b)));
};

const techniqueText = (techniques: readonly AttackTechnique[]): string =>
  [...new Set(techniques.map((t) => `${t.id} / ${t.legacyId}`))].join(', ');

const cloudSection = (provider: Provider, rules: readonly RuleCoverage[]): string[] => {
  const rows = [...operationKeys(rules).entries()].map(([key, covering]) => {
    const [service] = key.split('\u0000');
    const spelled = covering[0]?.operations.find((name) => key.endsWith(`\u0000${name.toLowerCase()}`)) ?? '(any)';
    const names = covering.map((rule) => `[${rule.name}](../${rule.file})`).join(', ');
    const techniques = techniqueText(covering.flatMap((rule) => rule.techniques));
    const levels = [...new Set(covering.map((rule) => rule.level))].join(', ');
    const cases = covering.map((rule) => `${rule.match}/${rule.noMatch}`).join(', ');
    return `| ${service} | \`${spelled}\` | ${names} | ${techniques} | ${levels} | ${cases} |`;
  });
  return [
    `## ${cloudNames[provider]}`,
    '',
    '| service | operation | rules | technique (v19 / pre-v19) | level | cases (match/no_match) |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
};

const renderMarkdown = (rules: readonly RuleCoverage[]): string => {
  const summary = providers.map((provider) => {
    const own = rules.filter((rule) => rule.provider === provider);
    const operations = [...operationKeys(own).keys()].filter((key) => !key.endsWith('(any operation)')).length;
    return `| ${cloudNames[provider]} | ${operations} | ${own.length} | ${sum(own, 'match')} | ${sum(own, 'noMatch')} | ${sum(own, 'real')} |`;
  });
  return [
    '# Rule coverage',
    '',
    'Generated by `npm run coverage` (`tamperwatch rules coverage`) from the rules under `rules/`; a test fails when',
    'this file or `docs/attack-layer.json` (an ATT&CK Navigator layer of the same rules) is stale. An operation is a',
    'service folder plus an operation name a rule can match; rules that judge request values list the operation once.',
    'GCP methods logged under several API versions (`v1.compute…`, `beta.compute…`) count once per version.',
    'Cases from real records are unmodified records from `samples/` or `test/fixtures/corpus/`.',
    '',
    '| cloud | operations | rules | match cases | no_match cases | cases from real records |',
    '|---|---|---|---|---|---|',
    ...summary,
    '',
    ...providers.flatMap((provider) =>
      cloudSection(
        provider,
        rules.filter((rule) => rule.provider === provider),
      ),
    ),
  ].join('\n');
};

const renderLayer = (rules: readonly RuleCoverage[]): string => {
  const byTechnique = new Map<string, { technique: AttackTechnique; rules: string[] }>();
  for (const rule of rules)
    for (const technique of rule.techniques) {
      const entry = byTechnique.get(technique.id) ?? { technique, rules: [] };
      entry.rules.push(rule.name);
      byTechnique.set(technique.id, entry);
    }
  const entries = [...byTechnique.values()].sort((a, b) => a.technique.id.localeCompare(b.technique.id));
  const layer = {
    name: 'tamperwatch rule coverage',
    versions: { attack: '19', navigator: '5.1.0', layer: '4.5' },
    domain: 'enterprise-attack',
    description: `${rules.length} tamperwatch rules over AWS CloudTrail, GCP Cloud Audit Logs and Azure Activity Logs; score = rules per technique`,
    techniques: entries.map(({ technique, rules: names }) => ({
      techniqueID: technique.id,
      score: names.length,
      enabled: true,
      showSubtechniques: true,
      comment: `pre-v19 ${technique.legacyId}; rules: ${names.join(', ')}`,
      metadata: [{ name: 'pre-v19 id', value: technique.legacyId }],
    })),
    gradient: {
      colors: ['#ffffff', '#66b1ff'],
      minValue: 0,
      maxValue: Math.max(1, ...entries.map((e) => e.rules.length)),
    },
    legendItems: [],
    showTacticRowBackground: false,
    selectTechniquesAcrossTactics: true,
  };
  return `${JSON.stringify(layer, null, 2)}\n`;
};

/**
 * The coverage page and ATT&CK Navigator layer for the rules under `paths`; deterministic, so a test can compare them
 * with the checked-in copies.
 *
 * @example
 * const { markdown, layer } = renderCoverage(['rules'], process.cwd(), bundledRules);
 */
const renderCoverage = (paths: readonly string[], cwd: string, ownRules: string): CoverageReport => {
  const rules = collectCoverage(paths, cwd, ownRules);
  return { markdown: `${renderMarkdown(rules)}\n`, layer: renderLayer(rules) };
};

export { type CoverageReport, collectCoverage, type RuleCoverage, renderCoverage };
