import type { Provider } from '../audit-event.js';
import { type ConditionNode, compileCondition, identifiersOf } from './condition.js';
import { compileDetection, type Selection } from './detection.js';
import { RuleError } from './errors.js';
import type { Locate, Test } from './matchers.js';
import { type RuleMeta, readRuleMeta } from './rule-metadata.js';
import type { FieldSource } from './types.js';
import { entryOf, type YamlMap } from './yaml-tree.js';

/**
 * A rule file's content and name (the name appears in every error). `parsed`: its YAML already parsed, when it comes
 * from a rule pack (see rule-pack.ts); the text is then not parsed again.
 */
type RuleSource = { readonly file: string; readonly text: string; readonly parsed?: YamlMap };

/** A rule compiled into closures. `test` returns the names of the true selections, or `undefined` for no match. */
type CompiledRule = {
  readonly meta: RuleMeta;
  readonly file: string;
  /** aws (aws/cloudtrail), gcp (gcp/gcp.audit), azure (azure/activitylogs); undefined: loads, never runs. */
  readonly provider: Provider | undefined;
  test(view: FieldSource): readonly string[] | undefined;
};

/** A compiled rule plus what the index's static pass reads. */
type Blueprint = {
  readonly rule: CompiledRule;
  readonly conditions: readonly ConditionNode[];
  readonly selections: ReadonlyMap<string, Selection>;
};

type CompileOutcome =
  | { readonly kind: 'rule'; readonly blueprint: Blueprint }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'error'; readonly errors: readonly RuleError[] };

/** Text → tree of one rule file, throwing a {@link RuleError} (parse-yaml.ts). */
type ParseRule = (text: string, file: string) => YamlMap;

/** `parse`: for sources without a tree; none given (the rule-pack path, no YAML parser loaded) makes them errors. */
type CompileOptions = { readonly strict: boolean; readonly parse?: ParseRule };

const logsources: readonly { product: string; service: string; provider: Provider }[] = [
  { product: 'aws', service: 'cloudtrail', provider: 'aws' },
  { product: 'gcp', service: 'gcp.audit', provider: 'gcp' },
  { product: 'azure', service: 'activitylogs', provider: 'azure' },
];

const providerOf = (logsource: RuleMeta['logsource']): Provider | undefined =>
  logsources.find((known) => known.product === logsource.product && known.service === logsource.service)?.provider;

const statusOf = (root: YamlMap): string | undefined => {
  const status = entryOf(root, 'status')?.value;
  return status?.kind === 'scalar' && typeof status.value === 'string' ? status.value : undefined;
};

const buildTest = (
  conditions: readonly ConditionNode[],
  selections: ReadonlyMap<string, Selection>,
): CompiledRule['test'] => {
  const tests = new Map<string, Test>([...selections].map(([name, selection]) => [name, selection.test]));
  const compiled = conditions.map((condition) => compileCondition(condition, tests));
  const matches: Test =
    compiled.length === 1
      ? (compiled[0] as Test)
      : (view) => {
          for (const condition of compiled) if (condition(view)) return true;
          return false;
        };
  const used = new Set(conditions.flatMap(identifiersOf));
  const referenced = [...selections.values()].filter((selection) => used.has(selection.name));
  return (view) => {
    if (!matches(view)) return undefined;
    return referenced.filter((selection) => selection.test(view)).map((selection) => selection.name);
  };
};

/** Compile one rule file. Never throws for a bad rule: problems come back as {@link RuleError}s. */
const compileRule = (source: RuleSource, options: CompileOptions): CompileOutcome => {
  let root: YamlMap;
  try {
    if (source.parsed !== undefined) root = source.parsed;
    else if (options.parse !== undefined) root = options.parse(source.text, source.file);
    else
      return {
        kind: 'error',
        errors: [
          new RuleError('rule not parsed and no YAML parser given', { file: source.file, line: 1, col: 1, path: [] }),
        ],
      };
  } catch (error) {
    if (error instanceof RuleError) return { kind: 'error', errors: [error] };
    throw error;
  }
  const status = statusOf(root);
  if (status === 'deprecated' || status === 'unsupported') return { kind: 'skipped', reason: `status: ${status}` };
  const { meta, errors } = readRuleMeta(root, { file: source.file, text: source.text, strict: options.strict });
  const idNode = entryOf(root, 'id')?.value;
  const ruleId = meta?.id ?? (idNode?.kind === 'scalar' ? String(idNode.value) : undefined);
  const locate: Locate = (node, path) => ({
    file: source.file,
    line: node.line,
    col: node.col,
    path,
    ...(ruleId === undefined ? {} : { ruleId }),
  });
  const detectionEntry = entryOf(root, 'detection');
  if (detectionEntry === undefined) errors.push(new RuleError("missing required key 'detection'", locate(root, [])));
  const compiled = detectionEntry === undefined ? { errors: [] } : compileDetection(detectionEntry.value, locate);
  const all = [...errors, ...compiled.errors];
  if (all.length > 0 || meta === undefined || compiled.detection === undefined) return { kind: 'error', errors: all };
  const { selections, conditions } = compiled.detection;
  const rule: CompiledRule = {
    meta,
    file: source.file,
    provider: providerOf(meta.logsource),
    test: buildTest(conditions, selections),
  };
  return { kind: 'rule', blueprint: { rule, conditions, selections } };
};

export {
  type Blueprint,
  type CompiledRule,
  type CompileOptions,
  type CompileOutcome,
  compileRule,
  type ParseRule,
  providerOf,
  type RuleSource,
};
