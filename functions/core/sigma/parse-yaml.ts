import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { RuleError } from './errors.js';
import type { RuleLocation } from './types.js';
import type { YamlEntry, YamlMap, YamlNode } from './yaml-tree.js';

type Context = { readonly file: string; readonly lines: LineCounter };

const positionOf = (node: Node, context: Context): { line: number; col: number } => {
  const offset = node.range?.[0] ?? 0;
  return context.lines.linePos(offset);
};

const fail = (reason: string, node: Node, path: readonly (string | number)[], context: Context): never => {
  const { line, col } = positionOf(node, context);
  throw new RuleError(reason, { file: context.file, line, col, path });
};

const scalarValue = (value: unknown, source: string): string | number | boolean | null | undefined => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value instanceof Date) return source; // YAML 1.1 timestamps: keep the text (`date: 2024-01-12`)
  return undefined;
};

const convert = (node: unknown, path: readonly (string | number)[], context: Context): YamlNode => {
  if (isAlias(node)) return fail('YAML aliases are not supported in rules', node, path, context);
  if (isScalar(node)) {
    const source = typeof node.source === 'string' ? node.source : String(node.value);
    const value = scalarValue(node.value, source);
    if (value === undefined) return fail(`unsupported YAML value type (${typeof node.value})`, node, path, context);
    const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE';
    return { kind: 'scalar', value, source, quoted, ...positionOf(node, context) };
  }
  if (isSeq(node)) {
    const items = node.items.map((item, index) => convert(item, [...path, index], context));
    return { kind: 'seq', items, ...positionOf(node, context) };
  }
  if (isMap(node)) {
    const entries = node.items.map((pair): YamlEntry => {
      const keyNode = pair.key;
      if (!isScalar(keyNode) || typeof keyNode.value === 'symbol') {
        return fail('map keys must be plain scalars (no merge keys)', (keyNode ?? node) as Node, path, context);
      }
      const key = typeof keyNode.source === 'string' ? keyNode.source : String(keyNode.value);
      const value = pair.value === null ? null : pair.value;
      const converted =
        value === null
          ? ({ kind: 'scalar', value: null, source: '', quoted: false, ...positionOf(keyNode, context) } as const)
          : convert(value, [...path, key], context);
      return { key, ...positionOf(keyNode, context), value: converted };
    });
    return { kind: 'map', entries, ...positionOf(node, context) };
  }
  return fail('unsupported YAML node', node as Node, path, context);
};

/**
 * Parse one rule file: YAML 1.1 (as PyYAML reads SigmaHQ), unique keys, exactly one document, every node with its
 * line and column. Throws a {@link RuleError} at the first problem.
 */
const parseRuleYaml = (text: string, file: string): YamlMap => {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, {
    schema: 'yaml-1.1',
    uniqueKeys: true,
    lineCounter: lines,
    prettyErrors: true,
  });
  const at = (line: number, col: number): RuleLocation => ({ file, line, col, path: [] });
  if (!Array.isArray(documents) || documents.length === 0) throw new RuleError('empty rule file', at(1, 1));
  const [document, second] = documents;
  if (document === undefined) throw new RuleError('empty rule file', at(1, 1));
  for (const error of document.errors) {
    const position = error.linePos?.[0] ?? { line: 1, col: 1 };
    throw new RuleError(`invalid YAML: ${error.message.split('\n')[0] ?? error.code}`, at(position.line, position.col));
  }
  if (second !== undefined) {
    const position = lines.linePos(second.range[0]);
    throw new RuleError(
      'multi-document files (correlations, filters, action: global) are not supported',
      at(position.line, position.col),
    );
  }
  const context: Context = { file, lines };
  const root = convert(document.contents, [], context);
  if (root.kind !== 'map') throw new RuleError('a rule must be a YAML map', at(root.line, root.col));
  return root;
};

export { parseRuleYaml };
