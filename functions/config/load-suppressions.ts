import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { once } from '../core/once.js';
import { type Suppression, suppressionSchema } from '../core/suppress.js';

const suppressionList = once(() => z.array(suppressionSchema()));

/**
 * Reads the suppressions file the stack copies into the function asset (validated at synth, parsed again here once per
 * cold start). No file configured means no suppressions; a bad file fails the cold start with every problem listed.
 * An empty list (what the stack writes when none are configured) skips the schema: nothing to check, and building it
 * would only add to the cold start.
 *
 * @example
 * const suppressions = loadSuppressions(config.suppressionsFile);
 */
const loadSuppressions = (file: string | undefined): Suppression[] => {
  if (file === undefined) return [];
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (Array.isArray(raw) && raw.length === 0) return [];
  const parsed = suppressionList().safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `[${issue.path.join('.')}] ${issue.message}`);
  throw new Error(`${file}: invalid suppressions:\n  ${problems.join('\n  ')}`, { cause: parsed.error });
};

export { loadSuppressions };
