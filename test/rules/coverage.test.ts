import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectCoverage, renderCoverage } from '../../functions/cli/coverage.js';

// docs/coverage.md and docs/attack-layer.json are generated from the rules; a rule change without `npm run coverage`
// fails here, so what people read is what ships.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rulesDir = join(root, 'rules');

describe('Rule coverage (docs/coverage.md, docs/attack-layer.json)', () => {
  it('is up to date with the rules (run `npm run coverage` after changing a rule)', () => {
    // Act
    const report = renderCoverage(['rules'], root, rulesDir);
    // Assess
    expect(readFileSync(join(root, 'docs/coverage.md'), 'utf8')).toBe(report.markdown);
    expect(readFileSync(join(root, 'docs/attack-layer.json'), 'utf8')).toBe(report.layer);
  });

  it('covers at least 70 AWS, 25 GCP and 25 Azure operations, each rule with evidence both ways', () => {
    // Prepare
    const rules = collectCoverage(['rules'], root, rulesDir);
    const operations = (provider: string): number =>
      new Set(rules.filter((r) => r.provider === provider).flatMap((r) => r.operations.map((o) => `${r.service}:${o}`)))
        .size;
    // Assess
    expect(operations('aws')).toBeGreaterThanOrEqual(70);
    expect(operations('gcp')).toBeGreaterThanOrEqual(25);
    expect(operations('azure')).toBeGreaterThanOrEqual(25);
    expect(rules.filter((r) => r.match === 0 || r.noMatch === 0).map((r) => r.file)).toEqual([]);
    expect(rules.filter((r) => r.techniques.length === 0).map((r) => r.file)).toEqual([]);
  });
});
