import { createHash } from 'node:crypto';
import { RuleError } from './errors.js';
import {
  anyUuid,
  checkTags,
  levels,
  namePattern,
  oneOf,
  type Reader,
  type RelatedType,
  type RuleMeta,
  type RuleStatus,
  readLogsource,
  readRelated,
  readTamperwatch,
  statuses,
  text,
  texts,
  uuidV4,
} from './metadata-readers.js';
import type { RuleLevel } from './types.js';
import { entryOf, type YamlMap, type YamlNode } from './yaml-tree.js';

/** `strict`: the checks for tamperwatch's own rules (DESIGN §6): UUID v4, `name` = file stem, every required key. */
type MetadataOptions = { readonly file: string; readonly text: string; readonly strict: boolean };

const datePattern = /^\d{4}[-/]\d{2}[-/]\d{2}$/;
const knownKeys = new Set([
  'title',
  'id',
  'name',
  'related',
  'status',
  'description',
  'license',
  'author',
  'references',
  'date',
  'modified',
  'logsource',
  'detection',
  'fields',
  'falsepositives',
  'level',
  'tags',
  'scope',
  'taxonomy',
  'tamperwatch',
]);
const strictRequired = [
  'title',
  'id',
  'name',
  'status',
  'description',
  'author',
  'date',
  'references',
  'logsource',
  'level',
  'falsepositives',
  'tags',
];

const fileStem = (file: string): string => (file.split(/[\\/]/).pop() ?? file).replace(/\.ya?ml$/, '');

/**
 * Validate a rule's metadata. Returns the metadata, or `undefined` with every problem in `errors` (one per key).
 */
const readRuleMeta = (root: YamlMap, options: MetadataOptions): { meta?: RuleMeta; errors: RuleError[] } => {
  const errors: RuleError[] = [];
  const reader: Reader = {
    errors,
    at: (node, path) => ({ file: options.file, line: node.line, col: node.col, path }),
  };
  const values = new Map<string, unknown>();
  const idEntry = entryOf(root, 'id');
  const ruleId = idEntry?.value.kind === 'scalar' ? String(idEntry.value.value) : undefined;
  const read = (key: string, required: boolean, parse: (node: YamlNode) => unknown): void => {
    const entry = entryOf(root, key);
    if (entry === undefined) {
      if (required || (options.strict && strictRequired.includes(key))) {
        errors.push(new RuleError(`missing required key '${key}'`, reader.at(root, [])));
      }
      return;
    }
    try {
      values.set(key, parse(entry.value));
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      errors.push(error);
    }
  };
  read('title', true, (node) => {
    const title = text(node, ['title'], reader);
    if (title.trim() === '' || title.length > 256)
      throw new RuleError('must be 1 to 256 characters', reader.at(node, ['title']));
    return title;
  });
  read('id', true, (node) => {
    const id = text(node, ['id'], reader);
    const ok = options.strict ? uuidV4.test(id) : anyUuid.test(id);
    if (!ok)
      throw new RuleError(
        `'${id}' is not a ${options.strict ? 'lower-case UUID v4' : 'UUID'}`,
        reader.at(node, ['id']),
      );
    return id;
  });
  read('name', false, (node) => {
    const name = text(node, ['name'], reader);
    if (options.strict && !namePattern.test(name))
      throw new RuleError(`'${name}' is not kebab-case`, reader.at(node, ['name']));
    if (options.strict && name !== fileStem(options.file)) {
      throw new RuleError(
        `'${name}' differs from the file name '${fileStem(options.file)}'`,
        reader.at(node, ['name']),
      );
    }
    return name;
  });
  read('status', true, (node) => oneOf(node, ['status'], statuses, reader));
  read('level', true, (node) => oneOf(node, ['level'], levels, reader));
  read('description', false, (node) => text(node, ['description'], reader));
  read('author', true, (node) => text(node, ['author'], reader));
  for (const key of ['date', 'modified']) {
    read(key, false, (node) => {
      const date = text(node, [key], reader, 'a date');
      if (!datePattern.test(date)) throw new RuleError(`'${date}' is not a date (YYYY-MM-DD)`, reader.at(node, [key]));
      return date;
    });
  }
  read('references', false, (node) => texts(node, ['references'], reader));
  read('tags', false, (node) => {
    const tags = texts(node, ['tags'], reader);
    checkTags(tags, node, options.strict, reader);
    return tags;
  });
  read('falsepositives', false, (node) => texts(node, ['falsepositives'], reader));
  read('logsource', true, (node) => readLogsource(node, reader));
  read('license', false, (node) => text(node, ['license'], reader));
  read('related', false, (node) => readRelated(node, reader));
  read('tamperwatch', false, (node) => readTamperwatch(node, reader));
  if (options.strict) {
    for (const entry of root.entries) {
      if (!knownKeys.has(entry.key))
        errors.push(new RuleError(`unknown key '${entry.key}'`, reader.at(entry, [entry.key])));
    }
  }
  if (errors.length > 0) return { errors: errors.map((error) => error.withRuleId(ruleId)) };
  const get = <T>(key: string): T | undefined => values.get(key) as T | undefined;
  const optional = <T>(key: string): Record<string, T> => {
    const value = get<T>(key);
    return value === undefined ? {} : { [key]: value };
  };
  const meta: RuleMeta = {
    id: get<string>('id') ?? '',
    ...optional<string>('name'),
    title: get<string>('title') ?? '',
    status: get<RuleStatus>('status') ?? 'experimental',
    level: get<RuleLevel>('level') ?? 'informational',
    ...optional<string>('description'),
    author: get<string>('author') ?? '',
    ...optional<string>('date'),
    ...optional<string>('modified'),
    references: get<string[]>('references') ?? [],
    tags: get<string[]>('tags') ?? [],
    falsepositives: get<string[]>('falsepositives') ?? [],
    logsource: get<RuleMeta['logsource']>('logsource') ?? {},
    ...optional<string>('license'),
    ...optional<RuleMeta['related']>('related'),
    ...optional<RuleMeta['tamperwatch']>('tamperwatch'),
    version: createHash('sha256').update(options.text).digest('hex').slice(0, 8),
  };
  return { meta, errors };
};

export { type MetadataOptions, type RelatedType, type RuleMeta, type RuleStatus, readRuleMeta };
