import { RuleError } from './errors.js';
import type { RuleLevel, RuleLocation } from './types.js';
import { entryOf, type YamlMap, type YamlNode } from './yaml-tree.js';

/** Typed readers for rule metadata values: each throws a {@link RuleError} at the offending node. */

type RuleStatus = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';
type RelatedType = 'derived' | 'obsolete' | 'merged' | 'renamed' | 'similar';

/** A rule's descriptive part, validated. `version` is the first 8 hex digits of SHA-256 over the rule text. */
type RuleMeta = {
  readonly id: string;
  readonly name?: string;
  readonly title: string;
  readonly status: RuleStatus;
  readonly level: RuleLevel;
  readonly description?: string;
  readonly author: string;
  readonly date?: string;
  readonly modified?: string;
  readonly references: readonly string[];
  readonly tags: readonly string[];
  readonly falsepositives: readonly string[];
  readonly logsource: { readonly product?: string; readonly service?: string; readonly category?: string };
  readonly license?: string;
  readonly related?: readonly { readonly id: string; readonly type: RelatedType }[];
  readonly tamperwatch?: { readonly attack_legacy?: readonly string[]; readonly failure_level?: RuleLevel };
  readonly version: string;
};

const levels: readonly RuleLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];
const statuses: readonly RuleStatus[] = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const relatedTypes: readonly RelatedType[] = ['derived', 'obsolete', 'merged', 'renamed', 'similar'];
const anyUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const tagPattern = /^[a-z0-9_-]+\.[a-z0-9._-]+$/i;
const techniqueTag = /^attack\.t\d{4}(\.\d{3})?$/;
const legacyTechnique = /^t\d{4}(\.\d{3})?$/i;
const namePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;
type Reader = {
  readonly errors: RuleError[];
  readonly at: (node: { line: number; col: number }, path: readonly (string | number)[]) => RuleLocation;
};

const text = (node: YamlNode, path: string[], reader: Reader, what = 'a string'): string => {
  if (node.kind === 'scalar' && typeof node.value === 'string') return node.value;
  if (node.kind === 'scalar' && node.value !== null && what !== 'a string') return node.source;
  throw new RuleError(`must be ${what}`, reader.at(node, path));
};

const texts = (node: YamlNode, path: string[], reader: Reader): string[] => {
  if (node.kind === 'scalar' && typeof node.value === 'string') return [node.value];
  if (node.kind !== 'seq') throw new RuleError('must be a list of strings', reader.at(node, path));
  return node.items.map((item, index) => text(item, [...path, String(index)], reader));
};

const oneOf = <T extends string>(node: YamlNode, path: string[], allowed: readonly T[], reader: Reader): T => {
  const value = text(node, path, reader);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RuleError(`'${value}' is not one of ${allowed.join(', ')}`, reader.at(node, path));
  }
  return value as T;
};

const mapOf = (node: YamlNode, path: string[], reader: Reader): YamlMap => {
  if (node.kind !== 'map') throw new RuleError('must be a map', reader.at(node, path));
  return node;
};

const readLogsource = (node: YamlNode, reader: Reader): RuleMeta['logsource'] => {
  const map = mapOf(node, ['logsource'], reader);
  const logsource: { product?: string; service?: string; category?: string } = {};
  for (const entry of map.entries) {
    const value = text(entry.value, ['logsource', entry.key], reader);
    if (entry.key === 'product' || entry.key === 'service' || entry.key === 'category') logsource[entry.key] = value;
  }
  if (Object.keys(logsource).length === 0) {
    throw new RuleError('needs product, service or category', reader.at(map, ['logsource']));
  }
  return logsource;
};

const readRelated = (node: YamlNode, reader: Reader): NonNullable<RuleMeta['related']> => {
  if (node.kind !== 'seq') throw new RuleError('must be a list of {id, type}', reader.at(node, ['related']));
  return node.items.map((item, index) => {
    const path = ['related', String(index)];
    const map = mapOf(item, path, reader);
    const id = entryOf(map, 'id');
    const type = entryOf(map, 'type');
    if (id === undefined || type === undefined) throw new RuleError('needs id and type', reader.at(map, path));
    const idText = text(id.value, [...path, 'id'], reader);
    if (!anyUuid.test(idText)) throw new RuleError(`'${idText}' is not a UUID`, reader.at(id.value, [...path, 'id']));
    return { id: idText, type: oneOf(type.value, [...path, 'type'], relatedTypes, reader) };
  });
};

const readTamperwatch = (node: YamlNode, reader: Reader): NonNullable<RuleMeta['tamperwatch']> => {
  const map = mapOf(node, ['tamperwatch'], reader);
  const block: { attack_legacy?: string[]; failure_level?: RuleLevel } = {};
  for (const entry of map.entries) {
    const path = ['tamperwatch', entry.key];
    if (entry.key === 'attack_legacy') {
      block.attack_legacy = texts(entry.value, path, reader);
      const bad = block.attack_legacy.find((id) => !legacyTechnique.test(id));
      if (bad !== undefined)
        throw new RuleError(`'${bad}' is not an ATT&CK technique id`, reader.at(entry.value, path));
    } else if (entry.key === 'failure_level') {
      block.failure_level = oneOf(entry.value, path, levels, reader);
    } else {
      throw new RuleError(`unknown key '${entry.key}' (allowed: attack_legacy, failure_level)`, reader.at(entry, path));
    }
  }
  return block;
};

const checkTags = (tags: readonly string[], node: YamlNode, strict: boolean, reader: Reader): void => {
  const bad = tags.find((tag) => !tagPattern.test(tag) || (strict && tag !== tag.toLowerCase()));
  if (bad !== undefined) throw new RuleError(`'${bad}' is not a tag (namespace.name)`, reader.at(node, ['tags']));
  if (strict && !tags.some((tag) => techniqueTag.test(tag))) {
    throw new RuleError('needs an ATT&CK technique tag (attack.tNNNN)', reader.at(node, ['tags']));
  }
  if (strict && !tags.some((tag) => tag.startsWith('attack.') && !techniqueTag.test(tag))) {
    throw new RuleError('needs an ATT&CK tactic tag (attack.<tactic>)', reader.at(node, ['tags']));
  }
};

export {
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
};
