import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent, Provider } from '../../functions/core/audit-event.js';
import { detect } from '../../functions/core/detect.js';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';
import type { RuleSet } from '../../functions/core/sigma/rule-set.js';
import { uuidOf } from './stats.js';

/**
 * Record templates from the shared corpus (../shared/corpus): every record the decoders accept, as its provider's own
 * JSON text (the `raw` record out of its envelope), with the tokens that vary per generated line: ids, the actor and
 * the resource name. Variation is textual (`replaceAll` on JSON text) so it works the same for the three providers.
 */
type Token = { readonly from: string; readonly to: (seed: number) => string };
type Template = {
  readonly provider: Provider;
  readonly service: string;
  readonly operation: string;
  readonly text: string;
  readonly tokens: readonly Token[];
  /** The text split at every token occurrence: literal text, or the index of the token to put there. */
  readonly parts: readonly (string | number)[];
};

const idKeys = new Set([
  'eventID',
  'requestID',
  'sharedEventID',
  'insertId',
  'correlationId',
  'eventDataId',
  'operationId',
  'requestId',
]);
const safe = /^[A-Za-z0-9_.:@\-+=,]{4,}$/;
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const listFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return listFiles(path);
      return /\.(json|ndjson)$/.test(name) ? [path] : [];
    });

const parseFile = (text: string): unknown[] => {
  try {
    return [JSON.parse(text)];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
  }
};

const collectIds = (node: unknown, out: Set<string>): void => {
  if (Array.isArray(node)) for (const item of node) collectIds(item, out);
  else if (typeof node === 'object' && node !== null)
    for (const [key, value] of Object.entries(node)) {
      if (idKeys.has(key) && typeof value === 'string' && safe.test(value) && value.length >= 8) out.add(value);
      else collectIds(value, out);
    }
};

const lastSegment = (text: string): string =>
  text
    .split(/[/:]/)
    .filter((part) => part !== '')
    .at(-1) ?? '';

const tokensOf = (event: AuditEvent): Token[] => {
  const tokens: Token[] = [];
  const ids = new Set<string>();
  collectIds(event.raw, ids);
  for (const [position, id] of [...ids].entries()) {
    const offset = (position + 1) * 7_919;
    tokens.push({
      from: id,
      to: (seed) =>
        uuidShape.test(id) ? uuidOf(seed * 31 + offset) : `${id.slice(0, -6)}${uuidOf(seed + offset).slice(-6)}`,
    });
  }
  const actor = event.actor.name.split('@')[0] ?? '';
  if (safe.test(actor) && actor !== 'unknown') tokens.push({ from: actor, to: (seed) => `${actor}${seed % 5_000}` });
  const resource = lastSegment(event.resource);
  if (safe.test(resource) && resource !== actor)
    tokens.push({ from: resource, to: (seed) => `${resource}-${seed % 1_000}` });
  return tokens;
};

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Splits once, so each generated line is a join instead of one `replaceAll` per token (longest token first). */
const partsOf = (text: string, tokens: readonly Token[]): (string | number)[] => {
  if (tokens.length === 0) return [text];
  const order = tokens
    .map((token, index) => ({ token, index }))
    .sort((a, b) => b.token.from.length - a.token.from.length);
  const indexOf = new Map(order.map(({ token, index }) => [token.from, index]));
  const pattern = new RegExp(order.map(({ token }) => escapeRegex(token.from)).join('|'), 'g');
  const parts: (string | number)[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(text.slice(last, match.index), indexOf.get(match[0]) ?? 0);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
};

/** One generated line: the template's text with every token replaced for this seed. */
const vary = (template: Template, seed: number): string => {
  let text = '';
  for (const part of template.parts)
    text += typeof part === 'string' ? part : (template.tokens[part] as Token).to(seed);
  return text;
};

/** Every record of the corpus as a template (in file order). */
const loadTemplates = (corpusDir: string): Template[] => {
  const templates: Template[] = [];
  for (const file of listFiles(corpusDir))
    for (const value of parseFile(readFileSync(file, 'utf8')))
      for (const item of eventsFromValue(value, file)) {
        if (item.kind !== 'event') continue;
        const { event } = item;
        const text = JSON.stringify(event.raw);
        const tokens = tokensOf(event);
        templates.push({
          provider: event.provider,
          service: event.service,
          operation: event.operation,
          text,
          tokens,
          parts: partsOf(text, tokens),
        });
      }
  return templates;
};

const matchesLine = (line: string, ruleSet: RuleSet): boolean => {
  const events = eventsFromValue(JSON.parse(line), 'bench').flatMap((item) =>
    item.kind === 'event' ? [item.event] : [],
  );
  return events.length > 0 && detect(events, ruleSet, new Date(0), 'cli').findings.length > 0;
};

/** Templates whose variants match (both probes) and those whose variants never do; mixed ones are dropped. */
const classify = (
  templates: readonly Template[],
  ruleSet: RuleSet,
): { matching: Template[]; quiet: Template[]; dropped: number } => {
  const matching: Template[] = [];
  const quiet: Template[] = [];
  let dropped = 0;
  for (const template of templates) {
    const a = matchesLine(vary(template, 1), ruleSet);
    const b = matchesLine(vary(template, 4_242), ruleSet);
    if (a && b) matching.push(template);
    else if (!a && !b) quiet.push(template);
    else dropped += 1;
  }
  return { matching, quiet, dropped };
};

export { classify, loadTemplates, type Template, vary };
