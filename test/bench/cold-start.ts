import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { rulePackFile, rulePackOf } from '../../functions/load-rules.js';
import { banner, compileProbe, lambdaEnv, probe, quietBatch, runNode } from './cold-start-probe.js';
import { median } from './stats.js';

/**
 * Cold start of the real detector bundle: fresh `node` processes in a Lambda-like task root (bundle + rules/aws, no
 * cases files, a fake environment, nothing else inherited but PATH). Each process imports the module, then handles one
 * SQS batch (the first invocation wires the handler: config, rule compile, clients), then a second one (warm).
 */
type ColdStartRun = {
  bootMs: number;
  importMs: number;
  firstInvokeMs: number;
  warmInvokeMs: number;
  warmInvoke1Ms: number;
  rssBytes: number;
  heapUsedBytes: number;
  failures: number;
};
type Variant = {
  readonly name: string;
  readonly pack: boolean;
  readonly nodeOptions: string;
  /** Runs the what-if bundle (zod namespace imports) instead of the shipped one. */
  readonly whatIf?: boolean;
};
type VariantResult = Variant & {
  readonly coldStartMs: number;
  readonly importMs: number;
  readonly firstInvokeMs: number;
  readonly rssBytes: number;
};
type ColdStartResult = {
  readonly runs: number;
  /** The asset as infra builds it (rule pack only if the construct ships one), no NODE_OPTIONS: import + 1st batch. */
  readonly coldStartMs: number;
  readonly importMs: number;
  readonly firstInvokeMs: number;
  /** Whether infra/ ships a rule pack in the asset (then the headline variant reads it). */
  readonly infraShipsPack: boolean;
  /** NODE_OPTIONS the detector construct sets. */
  readonly deployedNodeOptions: string;
  readonly variants: readonly VariantResult[];
  /** Warm invocation, batch of 10 quiet records (median of 21 per process, then of processes). */
  readonly warmInvokeMs: number;
  /** Warm invocation, batch of 1. */
  readonly warmInvoke1Ms: number;
  /** Node's own start before the module (Lambda's runtime does this before init too), median. */
  readonly nodeBootMs: number;
  /** loadRules(rules/aws) alone in a fresh process (bundled the same way), from YAML and from the rule pack, median. */
  readonly compileRulesMs: number;
  readonly compileRulesPackMs: number;
  readonly rules: number;
  /** loadRules(rules/) — every provider's shipped rules — alone in a fresh process, median. */
  readonly compileAllRulesMs: number;
  readonly allRules: number;
  /** After the first invocation. */
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
};

const copyRules = (root: string, taskRoot: string): void => {
  cpSync(join(root, 'rules/aws'), join(taskRoot, 'rules/aws'), {
    recursive: true,
    filter: (source) => statSync(source).isDirectory() || !source.endsWith('.cases.json'),
  });
};

/** What the detector construct does to the asset and the environment, read from its source. */
const infraFacts = (root: string): { shipsPack: boolean; nodeOptions: string } => {
  const path = join(root, 'infra/constructs/detector-function.ts');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  return {
    shipsPack: /rules\.pack\.json|rulePackOf/.test(text),
    nodeOptions: /NODE_OPTIONS:\s*'([^']*)'/.exec(text)?.[1] ?? '',
  };
};

/** A Lambda-like task root: the bundle, its map, rules/aws without cases files, optionally the rule pack. */
const makeTaskRoot = (root: string, bundleFile: string, dir: string, pack: boolean): void => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(bundleFile, join(dir, 'index.mjs'));
  cpSync(`${bundleFile}.map`, join(dir, 'index.mjs.map'));
  copyRules(root, dir);
  if (pack) writeFileSync(join(dir, 'rules/aws', rulePackFile), rulePackOf(join(dir, 'rules/aws')));
  writeFileSync(join(dir, 'probe.mjs'), probe);
};

/** Median cold start over `runs` fresh processes of the bundle at `bundleFile`, per variant (see module comment). */
const measureColdStart = async (
  root: string,
  bundleFile: string,
  workDir: string,
  runs: number,
  whatIfBundle?: string,
): Promise<ColdStartResult> => {
  const facts = infraFacts(root);
  const yamlRoot = join(workDir, 'task-yaml');
  const packRoot = join(workDir, 'task-pack');
  const whatIfRoot = join(workDir, 'task-what-if');
  makeTaskRoot(root, bundleFile, yamlRoot, false);
  makeTaskRoot(root, bundleFile, packRoot, true);
  if (whatIfBundle !== undefined) makeTaskRoot(root, whatIfBundle, whatIfRoot, true);
  await build({
    absWorkingDir: root,
    stdin: { contents: compileProbe, resolveDir: root, loader: 'ts' },
    outfile: join(workDir, 'compile.mjs'),
    banner: { js: banner },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    logLevel: 'error',
  });
  const variants: Variant[] = [
    { name: 'asset as infra builds it', pack: facts.shipsPack, nodeOptions: '' },
    {
      name: `as deployed (NODE_OPTIONS=${facts.nodeOptions || 'none'})`,
      pack: facts.shipsPack,
      nodeOptions: facts.nodeOptions,
    },
    { name: 'YAML rules', pack: false, nodeOptions: '' },
    { name: 'rule pack', pack: true, nodeOptions: '' },
    { name: 'rule pack + --max-semi-space-size=16', pack: true, nodeOptions: '--max-semi-space-size=16' },
    ...(whatIfBundle === undefined
      ? []
      : [{ name: 'rule pack + `import * as z from zod` (what-if bundle)', pack: true, nodeOptions: '', whatIf: true }]),
  ];
  const event = JSON.stringify(quietBatch());
  const runsOf = variants.map(() => [] as ColdStartRun[]);
  const compile = { yaml: [] as number[], pack: [] as number[], all: [] as number[] };
  let rules = 0;
  let allRules = 0;
  for (let run = 0; run < runs; run += 1) {
    for (const [index, variant] of variants.entries()) {
      const taskRoot = variant.whatIf === true ? whatIfRoot : variant.pack ? packRoot : yamlRoot;
      const env = lambdaEnv(taskRoot, {
        BENCH_EVENT: event,
        ...(variant.nodeOptions === '' ? {} : { NODE_OPTIONS: variant.nodeOptions }),
      });
      runsOf[index]?.push(
        runNode(['probe.mjs', pathToFileURL(join(taskRoot, 'index.mjs')).href], env, taskRoot) as ColdStartRun,
      );
    }
    const yaml = runNode([join(workDir, 'compile.mjs')], lambdaEnv(yamlRoot), workDir);
    compile.yaml.push(yaml.compileMs ?? Number.NaN);
    rules = yaml.rules ?? 0;
    compile.pack.push(runNode([join(workDir, 'compile.mjs')], lambdaEnv(packRoot), workDir).compileMs ?? Number.NaN);
    const all = runNode(
      [join(workDir, 'compile.mjs')],
      { ...lambdaEnv(yamlRoot), TW_RULES_DIR: join(root, 'rules') },
      workDir,
    );
    compile.all.push(all.compileMs ?? Number.NaN);
    allRules = all.rules ?? 0;
  }
  const failures = runsOf.flat().reduce((sum, run) => sum + run.failures, 0);
  if (failures > 0) throw new Error(`cold-start probe: ${failures} record failures on a quiet batch`);
  const med = (list: readonly ColdStartRun[], pick: (run: ColdStartRun) => number) => median(list.map(pick));
  const results = variants.map((variant, index): VariantResult => {
    const list = runsOf[index] ?? [];
    return {
      ...variant,
      coldStartMs: med(list, (run) => run.importMs + run.firstInvokeMs),
      importMs: med(list, (run) => run.importMs),
      firstInvokeMs: med(list, (run) => run.firstInvokeMs),
      rssBytes: med(list, (run) => run.rssBytes),
    };
  });
  const plain = runsOf[0] ?? [];
  return {
    runs,
    coldStartMs: results[0]?.coldStartMs ?? Number.NaN,
    importMs: results[0]?.importMs ?? Number.NaN,
    firstInvokeMs: results[0]?.firstInvokeMs ?? Number.NaN,
    infraShipsPack: facts.shipsPack,
    deployedNodeOptions: facts.nodeOptions,
    variants: results,
    warmInvokeMs: med(plain, (run) => run.warmInvokeMs),
    warmInvoke1Ms: med(plain, (run) => run.warmInvoke1Ms),
    nodeBootMs: med(plain, (run) => run.bootMs),
    compileRulesMs: median(compile.yaml),
    compileRulesPackMs: median(compile.pack),
    rules,
    compileAllRulesMs: median(compile.all),
    allRules,
    rssBytes: med(plain, (run) => run.rssBytes),
    heapUsedBytes: med(plain, (run) => run.heapUsedBytes),
  };
};

export { type ColdStartResult, measureColdStart, type VariantResult };
