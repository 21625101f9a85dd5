import { jsonReason } from './embedded.js';

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

const tryParse = (text: string): Parsed => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
};

/** True for a line that is a JSON object or array on its own: the mark of NDJSON. */
const isStandaloneValue = (line: string): boolean => {
  const trimmed = line.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return false;
  const parsed = tryParse(trimmed);
  return parsed.ok && parsed.value !== null && typeof parsed.value === 'object';
};

/** `line 57, column 3` for a JSON.parse failure over a whole document (V8 reports a character position). */
const syntaxLocation = (text: string, error: unknown): string => {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  const at = position === undefined ? text.length : Math.min(Number(position), text.length);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
};

const invalidJson = (error: unknown): string => `invalid JSON (${jsonReason(error)})`;

export { invalidJson, isStandaloneValue, syntaxLocation, tryParse };
