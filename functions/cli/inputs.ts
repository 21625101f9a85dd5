import { createReadStream, type Dirent, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** One input to scan: a display name for messages and a way to stream its bytes. */
type InputSource = { readonly name: string; open(): AsyncIterable<Uint8Array> };

/** A path that cannot be scanned at all (missing, unreadable directory, not a regular file). */
type InputProblem = { readonly name: string; readonly message: string };

/**
 * Files in a directory walk that are documentation, not audit data (samples/ keeps a SOURCES.md and license texts beside
 * its records). A file named on the command line is always read.
 */
const isDocumentation = (name: string): boolean =>
  name.startsWith('.') || /\.(md|txt)$/i.test(name) || /^(licen[cs]e|notice|copying)(\..*)?$/i.test(name);

const byCodePoint = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const walk = (abs: string, name: string, sources: InputSource[], problems: InputProblem[]): void => {
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true }).sort(byCodePoint);
  } catch (error) {
    problems.push({ name, message: (error as Error).message });
    return;
  }
  for (const entry of entries) {
    if (isDocumentation(entry.name)) continue;
    const childAbs = join(abs, entry.name);
    const childName = join(name, entry.name);
    const stats = statSync(childAbs, { throwIfNoEntry: false });
    if (stats?.isDirectory()) walk(childAbs, childName, sources, problems);
    else if (stats?.isFile()) sources.push(fileSource(childAbs, childName));
  }
};

const fileSource = (abs: string, name: string): InputSource => ({ name, open: () => createReadStream(abs) });

const toBytes = async function* (chunks: AsyncIterable<Uint8Array | string>): AsyncIterable<Uint8Array> {
  for await (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
};

/**
 * Command-line paths → inputs in order: a file as given, a directory recursively with entries sorted by code point
 * (documentation files skipped), `-` for stdin. Paths that cannot be read come back as problems; the rest still scan.
 *
 * @example
 * const { sources, problems } = expandInputs(['trail/', '-'], { cwd: process.cwd(), stdin: process.stdin });
 */
const expandInputs = (
  paths: readonly string[],
  io: { readonly cwd: string; readonly stdin: AsyncIterable<Uint8Array | string> },
): { sources: InputSource[]; problems: InputProblem[] } => {
  const sources: InputSource[] = [];
  const problems: InputProblem[] = [];
  for (const path of paths) {
    if (path === '-') {
      sources.push({ name: '<stdin>', open: () => toBytes(io.stdin) });
      continue;
    }
    const abs = isAbsolute(path) ? path : resolve(io.cwd, path);
    const stats = statSync(abs, { throwIfNoEntry: false });
    if (stats === undefined) problems.push({ name: path, message: 'no such file or directory' });
    else if (stats.isDirectory()) walk(abs, path, sources, problems);
    else if (stats.isFile()) sources.push(fileSource(abs, path));
    else problems.push({ name: path, message: 'not a regular file or directory' });
  }
  return { sources, problems };
};

export { expandInputs, type InputProblem, type InputSource };
