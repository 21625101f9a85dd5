import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Provider } from '../../functions/core/audit-event.js';
import { createFieldView } from '../../functions/core/field-view.js';
import { textOf } from '../../functions/core/sigma/event-text.js';
import { loadRules } from '../../functions/load-rules.js';
import { listJsonFiles, readJsonValues } from '../helpers/corpus.js';

// Indexed and brute-force evaluation agree on every record of the shared corpus, and no SigmaHQ rule throws on one.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rulesDir = resolve(root, '../shared/sigmahq/rules/cloud');
const corpusDir = resolve(root, '../shared/corpus');
const available = existsSync(rulesDir) && existsSync(corpusDir);

if (!available) {
  const reason = `corpus differential: ${rulesDir} or ${corpusDir} is missing`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`skipped: ${reason}`);
}

type Sample = {
  readonly provider: Provider;
  readonly service: string;
  readonly operation: string;
  readonly raw: Record<string, unknown>;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const field = (raw: Record<string, unknown>, ...path: string[]): string =>
  textOf(path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), raw)) ?? '';

/** Records found anywhere in a parsed file: CloudTrail records, LogEntries, Azure records. */
const samplesOf = (value: unknown, out: Sample[]): void => {
  if (Array.isArray(value)) for (const item of value) samplesOf(item, out);
  if (!isObject(value)) return;
  if ('eventName' in value && 'eventSource' in value) {
    out.push({
      provider: 'aws',
      service: field(value, 'eventSource'),
      operation: field(value, 'eventName'),
      raw: value,
    });
  } else if (isObject(value.protoPayload)) {
    const service = field(value, 'protoPayload', 'serviceName');
    out.push({ provider: 'gcp', service, operation: field(value, 'protoPayload', 'methodName'), raw: value });
  } else if ('operationName' in value) {
    const operation = isObject(value.operationName)
      ? field(value, 'operationName', 'value')
      : field(value, 'operationName');
    out.push({ provider: 'azure', service: operation.split('/')[0] ?? '', operation, raw: value });
  } else {
    for (const child of Object.values(value)) samplesOf(child, out);
  }
};

/** The SigmaHQ GCP names, as the GCP normalizer's alias table resolves them (DESIGN §4.2). */
const gcpAliases = (path: string): readonly string[] | undefined => {
  if (path.startsWith('gcp.audit.')) {
    const rest = path.slice('gcp.audit.'.length).replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    return [`protoPayload.${rest}`];
  }
  if (path.startsWith('data.protoPayload.')) return [path.slice('data.'.length)];
  return undefined;
};

describe.runIf(available)('Conformance: index and brute force agree on the shared corpus', () => {
  const samples: Sample[] = [];
  if (available)
    for (const file of listJsonFiles(corpusDir)) for (const value of readJsonValues(file)) samplesOf(value, samples);
  const indexed = available ? loadRules([rulesDir]).ruleSet : undefined;
  const brute = available ? loadRules([rulesDir], { index: false }).ruleSet : undefined;

  it('finds records for every provider', () => {
    // Assess
    expect(new Set(samples.map((sample) => sample.provider))).toEqual(new Set(['aws', 'gcp', 'azure']));
  });

  it('gives the same matches through the index and by brute force', () => {
    // Prepare
    if (indexed === undefined || brute === undefined) throw new Error('unreachable');
    const disagreements: string[] = [];
    let matches = 0;
    // Act
    for (const sample of samples) {
      const aliases = sample.provider === 'gcp' ? gcpAliases : undefined;
      const run = (set: typeof indexed): string[] =>
        set
          .candidates(sample)
          .filter((rule) => rule.test(createFieldView(sample.raw, aliases)) !== undefined)
          .map((rule) => rule.meta.id);
      const [a, b] = [run(indexed), run(brute)];
      matches += a.length;
      if (a.join() !== b.join()) disagreements.push(`${sample.provider} ${sample.operation}: ${a} vs ${b}`);
    }
    // Assess
    expect(disagreements).toEqual([]);
    expect(matches).toBeGreaterThan(0);
  });
});
