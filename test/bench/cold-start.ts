import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { rulePackFile } from '../../functions/load-rule-pack.js';
import { banner, writeHandlerAsset } from '../../infra/constructs/handler-asset.js';
import { compileProbe, lambdaEnv, probe, quietBatch, runNode } from './cold-start-probe.js';
import { median } from './stats.js';

/**
 * Cold start of the real detector asset: fresh `node` processes in a task root written by the function infra deploys
 * with (infra/constructs/handler-asset.ts: code chunks, rules/aws without cases, rule pack, suppressions `[]`), a fake
 * environment, nothing else inherited but PATH. Each process imports the module, handles one SQS batch of quiet
 * records (the first invocation wires the handler: config, rule compile), then warm batches, then loads the AWS SDK
 * chunk the first finding would load.
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
  lazyImportMs: number;
};
type Variant = {
  readonly name: string;
  readonly pack: boolean;
  readonly nodeOptions: string;
};
type VariantResult = Variant & {
  readonly coldStartMs: number;
  readonly importMs: number;
  readonly firstInvokeMs: number;
  readonly rssBytes: number;
};
type ColdStartResult = {
  readonly runs: number;
  /** The asset as deployed by default (no NODE_OPTIONS): import + 1st batch. */
  readonly coldStartMs: number;
  readonly importMs: number;
  readonly firstInvokeMs: number;
  /** Code a cold start loads (index.mjs + static chunks) / all of the asset's code. */
  readonly initialBytes: number;
  readonly codeBytes: number;
  /** Importing the chunk with the AWS SDK clients after the first batch: what the first finding adds, median. */
  readonly sdkLoadMs: number;
  readonly variants: readonly VariantResult[];
  /** Warm invocation, batch of 10 quiet records (median of 21 per process, then of processes). */
  readonly warmInvokeMs: number;
  /** Warm invocation, batch of 1. */
  readonly warmInvoke1Ms: number;
  /** Node's own start before the module (Lambda's runtime does this before init too), median. */
  readonly nodeBootMs: number;
  /** rules/aws alone in a fresh process (bundled the same way): loadRules from YAML, loadRulePack, median. */
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

const detectorEntry = 'functions/handlers/cloudtrail-queue.ts';

/** A task root as the detector's asset is built, plus the probe script. */
const makeTaskRoot = (root: string, dir: string, suppressionsFile: string) => {
  rmSync(dir, { recursive: true, force: true });
  const files = writeHandlerAsset(
    { projectRoot: root, entry: detectorEntry, rulesDir: 'rules/aws', suppressionsFile },
    dir,
  );
  writeFileSync(join(dir, 'probe.mjs'), probe);
  const sdkChunk = readdirSync(join(dir, 'chunks')).find((name) => name.startsWith('detector-ports-'));
  if (sdkChunk === undefined) throw new Error('no detector-ports chunk: the SDK clients are not loaded lazily');
  return {
    initialBytes: files.filter((file) => file.initial).reduce((sum, file) => sum + file.bytes, 0),
    codeBytes: files.reduce((sum, file) => sum + file.bytes, 0),
    sdkChunk: pathToFileURL(join(dir, 'chunks', sdkChunk)).href,
  };
};

/** The same task root without its rule pack (the YAML rules are read instead). */
const withoutPack = (dir: string, copy: string): void => {
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true });
  rmSync(join(copy, 'rules/aws', rulePackFile));
};

/** Median cold start over `runs` fresh processes per variant (see module comment). */
const measureColdStart = async (root: string, workDir: string, runs: number): Promise<ColdStartResult> => {
  const suppressionsFile = join(workDir, 'suppressions.json');
  writeFileSync(suppressionsFile, '[]\n');
  const yamlRoot = join(workDir, 'task-yaml');
  const packRoot = join(workDir, 'task-pack');
  const asset = makeTaskRoot(root, packRoot, suppressionsFile);
  withoutPack(packRoot, yamlRoot);
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
    { name: 'as deployed (default configuration)', pack: true, nodeOptions: '' },
    { name: '`sourceMaps: true` (NODE_OPTIONS=--enable-source-maps)', pack: true, nodeOptions: '--enable-source-maps' },
    { name: 'without the rule pack (YAML rules)', pack: false, nodeOptions: '' },
  ];
  const event = JSON.stringify(quietBatch());
  const runsOf = variants.map(() => [] as ColdStartRun[]);
  const compile = { yaml: [] as number[], pack: [] as number[], all: [] as number[] };
  let rules = 0;
  let allRules = 0;
  for (let run = 0; run < runs; run += 1) {
    for (const [index, variant] of variants.entries()) {
      const taskRoot = variant.pack ? packRoot : yamlRoot;
      const env = lambdaEnv(taskRoot, {
        BENCH_EVENT: event,
        BENCH_LAZY_IMPORT: asset.sdkChunk.replace(packRoot, taskRoot),
        ...(variant.nodeOptions === '' ? {} : { NODE_OPTIONS: variant.nodeOptions }),
      });
      runsOf[index]?.push(
        runNode(['probe.mjs', pathToFileURL(join(taskRoot, 'index.mjs')).href], env, taskRoot) as ColdStartRun,
      );
    }
    const yaml = runNode([join(workDir, 'compile.mjs')], lambdaEnv(yamlRoot), workDir);
    compile.yaml.push(yaml.compileMs ?? Number.NaN);
    rules = yaml.rules ?? 0;
    const pack = runNode([join(workDir, 'compile.mjs')], { ...lambdaEnv(packRoot), BENCH_PACK: '1' }, workDir);
    compile.pack.push(pack.compileMs ?? Number.NaN);
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
    initialBytes: asset.initialBytes,
    codeBytes: asset.codeBytes,
    sdkLoadMs: med(plain, (run) => run.lazyImportMs),
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
