import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRules, readRuleSources } from '../../functions/load-rules.js';
import { conformanceReport } from './report.js';

// Every SigmaHQ cloud rule loads or is refused with file:line and the feature, exactly as the checked-in report says.
// Regenerate the report after a deliberate change with UPDATE_CONFORMANCE=1.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = resolve(root, '../shared/sigmahq/rules/cloud');
const expectedPath = join(root, 'test/conformance/expected-report.json');
const available = existsSync(corpus);
const runnable = [
  ['aws', 'cloudtrail'],
  ['gcp', 'gcp.audit'],
  ['azure', 'activitylogs'],
];

if (!available) {
  const reason = `SigmaHQ conformance: ${corpus} is missing (clone SigmaHQ/sigma next to the project as ../shared/sigmahq)`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`skipped: ${reason}`);
}

describe.runIf(available)('Conformance: SigmaHQ rules/cloud', () => {
  const files = available ? readRuleSources([corpus]).map((source) => source.file) : [];
  const result = available ? loadRules([corpus]) : undefined;

  it('matches the checked-in report', () => {
    // Prepare
    if (result === undefined) throw new Error('unreachable');
    // Act
    const report = conformanceReport(corpus, files, result);
    if (process.env.UPDATE_CONFORMANCE === '1') writeFileSync(expectedPath, `${JSON.stringify(report, null, 2)}\n`);
    // Assess
    expect(report).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
  });

  it('loads every rule with a runnable logsource', () => {
    // Prepare
    if (result === undefined) throw new Error('unreachable');
    const runnableFiles = files.filter((file) => {
      const logsource = (parse(readFileSync(file, 'utf8')) as { logsource?: { product?: string; service?: string } })
        .logsource;
      return runnable.some(([product, service]) => logsource?.product === product && logsource?.service === service);
    });
    // Act
    const refused = result.errors.map((error) => error.at.file).filter((file) => runnableFiles.includes(file));
    const runnableLoaded = result.ruleSet.rules.filter((rule) => rule.provider !== undefined).length;
    // Assess
    expect(refused).toEqual([]);
    expect(runnableLoaded).toBe(runnableFiles.length);
  });

  it('counts every file once', () => {
    // Prepare
    if (result === undefined) throw new Error('unreachable');
    // Act
    const refusedFiles = new Set(result.errors.map((error) => error.at.file)).size;
    // Assess
    expect(result.ruleSet.rules.length + refusedFiles + result.skipped.length).toBe(files.length);
  });
});
