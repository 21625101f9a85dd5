import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Inputs the differential tests (`*.differential.test.ts`) run both the optimized and the plain path over: every JSON
 * value of the shared corpus (../shared/corpus, when present), samples/, test/fixtures/inputs and the inline inputs of
 * every rule's cases file.
 */
type NamedValue = { readonly name: string; readonly value: unknown };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpusDir = resolve(root, '../shared/corpus');

const listFiles = (dir: string, pattern: RegExp): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .sort()
        .flatMap((name) => {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) return listFiles(path, pattern);
          return pattern.test(name) ? [path] : [];
        })
    : [];

const parseValues = (text: string): unknown[] => {
  try {
    return [JSON.parse(text)];
  } catch {
    return text.split('\n').flatMap((line) => {
      try {
        return line.trim() === '' ? [] : [JSON.parse(line) as unknown];
      } catch {
        return [];
      }
    });
  }
};

const dataValues = (dir: string): NamedValue[] =>
  listFiles(dir, /\.(json|ndjson)$/)
    .filter((path) => !path.endsWith('.cases.json'))
    .flatMap((path) =>
      parseValues(readFileSync(path, 'utf8')).map((value, index) => ({
        name: `${relative(root, path)}#${index}`,
        value,
      })),
    );

const caseInputs = (): NamedValue[] =>
  listFiles(join(root, 'rules'), /\.cases\.json$/).flatMap((path) => {
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
