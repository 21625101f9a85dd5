import type { z } from 'zod';

const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** The first schema issue as short text: `eventName: missing`, `userIdentity.arn: expected string, got number`. */
const describeIssue = (error: z.ZodError, input: unknown): string => {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid record';
  const path = issue.path.map(String).join('.');
  let found: unknown = input;
  for (const key of issue.path)
    found = found !== null && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[key] : undefined;
  if (found === undefined) return `${path}: missing`;
  if (issue.code === 'invalid_type') return `${path}: expected ${issue.expected}, got ${kindOf(found)}`;
  return `${path === '' ? 'record' : path}: ${issue.message}`;
};

export { describeIssue, kindOf };
