import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleSuites, runLoadedCase } from '../../functions/cli/rule-tests.js';
import { projectRoot } from '../cli/cli-harness.js';
import { findingSchemaErrors } from '../unit/core/findings/finding-schema.js';

// Every rule under rules/ ships evidence (DESIGN §6): a <name>.cases.json with at least one match and one no_match case,
// each run end to end (decode → normalize → match → finding) by the same code as `tamperwatch rules test`.

const fixedNow = new Date('2026-12-01T00:00:00.000Z');
const rulesDir = join(projectRoot, 'rules');
const suites = await loadRuleSuites([rulesDir], { cwd: projectRoot, roots: [projectRoot], ownRules: rulesDir });

describe('Rule cases', () => {
  it('finds the rules to check', () => {
    expect(suites.length).toBeGreaterThan(0);
  });
});

describe.each(suites.map((suite) => ({ file: suite.file, suite })))('Rule: $file', ({ suite }) => {
  it('loads and has a cases file with a match and a no_match case', () => {
    // Assess
    expect(suite.problems).toEqual([]);
    expect(suite.ruleSet === undefined && suite.skipped === undefined).toBe(false);
  });

  it.each(suite.cases.map((loaded) => ({ name: loaded.testCase.name, verdict: loaded.testCase.expect, loaded })))(
    '$verdict: $name',
    ({ loaded }) => {
      // Prepare
      const ruleSet = suite.ruleSet;
      if (ruleSet === undefined) return; // refused or skipped: the test above fails or says why
      // Act
      const result = runLoadedCase(loaded, ruleSet, fixedNow);
      // Assess
      expect(result.reasons).toEqual([]);
      expect(result.findings.flatMap((finding) => findingSchemaErrors(JSON.parse(JSON.stringify(finding))))).toEqual(
        [],
      );
    },
  );
});
