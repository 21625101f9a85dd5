import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listJsonFiles, readJsonValues } from '../../helpers/corpus.js';

/**
 * Inputs the differential tests (`*.differential.test.ts`) run both the optimized and the plain path over: every JSON
 * value of the shared corpus (../shared/corpus, when present), samples/, test/fixtures/inputs and the inline inputs of
 * every rule's cases file.
 */
type NamedValue = { readonly name: string; readonly value: unknown };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpusDir = resolve(root, '../shared/corpus');

const jsonFilesUnder = (dir: string): string[] => (existsSync(dir) ? listJsonFiles(dir) : []);

const dataValues = (dir: string): NamedValue[] =>
  jsonFilesUnder(dir)
    .filter((path) => !path.endsWith('.cases.json'))
    .flatMap((path) =>
      readJsonValues(path).map((value, index) => ({
        name: `${relative(root, path)}#${index}`,
        value,
      })),
    );

const caseInputs = (): NamedValue[] =>
  jsonFilesUnder(join(root, 'rules'))
    .filter((path) => path.endsWith('.cases.json'))
    .flatMap((path) => {
      const cases = (JSON.parse(readFileSync(path, 'utf8')) as { cases?: { name: string; input?: unknown }[] }).cases;
      return (cases ?? []).flatMap((c) =>
        c.input === undefined ? [] : [{ name: `${relative(root, path)}: ${c.name}`, value: c.input }],
      );
    });

/** Every input value, in a stable order; the corpus part is empty when ../shared/corpus is absent. */
const differentialInputs = (): NamedValue[] => [
  ...dataValues(corpusDir),
  ...dataValues(join(root, 'samples')),
  ...dataValues(join(root, 'test/fixtures/inputs')),
  ...caseInputs(),
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every object inside a value (itself included) that carries the two keys of a CloudTrail record, any spelling. */
const cloudTrailLike = (value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] => {
  if (Array.isArray(value)) for (const item of value) cloudTrailLike(item, out);
  else if (isObject(value)) {
    const source = value.eventSource ?? value.eventsource;
    const name = value.eventName ?? value.eventname;
    if (source !== undefined && name !== undefined) out.push(value);
    for (const inner of Object.values(value)) cloudTrailLike(inner, out);
  }
  return out;
};

export { cloudTrailLike, corpusDir, differentialInputs, type NamedValue, root };
