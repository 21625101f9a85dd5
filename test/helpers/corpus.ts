import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Reading the shared test corpus (../shared/corpus) as plain JSON, independently of the input reader under test: the
// conformance differential and the crosscheck generator take their records from here.

/** Every *.json and *.ndjson file below `dir`, depth first, names sorted: the same order on every machine. */
const listJsonFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return listJsonFiles(path);
      return /\.(json|ndjson)$/.test(name) ? [path] : [];
    });

/** One JSON value, or else one value a line (NDJSON); blank lines and lines that do not parse are passed over. */
const parseJsonValues = (text: string): unknown[] => {
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

const readJsonValues = (file: string): unknown[] => parseJsonValues(readFileSync(file, 'utf8'));

export { listJsonFiles, parseJsonValues, readJsonValues };
