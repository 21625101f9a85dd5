import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { type Suppression, suppressionSchema } from '../core/suppress.js';

/**
 * Reads the suppressions file the stack copies into the function asset (validated at synth, parsed again here once per
 * cold start). No file configured means no suppressions; a bad file fails the cold start with every problem listed.
 *
 * @example
 * const suppressions = loadSuppressions(config.suppressionsFile);
 */
const loadSuppressions = (file: string | undefined): Suppression[] => {
  if (file === undefined) return [];
  const parsed = z.array(suppressionSchema).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `[${issue.path.join('.')}] ${issue.message}`);
  throw new Error(`${file}: invalid suppressions:\n  ${problems.join('\n  ')}`, { cause: parsed.error });
};

export { loadSuppressions };
