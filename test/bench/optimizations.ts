/** What the optimization pass changed, where, and which differential test keeps it honest (shown in BENCHMARKS.md). */
type Optimization = { readonly what: string; readonly where: string; readonly effect: string; readonly test: string };

const optimizations: readonly Optimization[] = [
  {
    what: 'CloudTrail records already in canonical form (ids as text) skip the zod schema; zod still decodes the rest and words every error',
    where:
      'functions/core/sources/aws/decode.ts (`decodeCloudTrail`, `isCanonicalRecord`; `{ fast: false }` is the plain path)',
    effect: 'zod was ~20 % of engine time; the check costs ~0.3 µs per record',
    test: 'test/unit/core/sources/aws/decode.differential.test.ts (every real record + 400 odd values per key)',
  },
  {
    what: 'the target resource is found in one pass over the request’s own keys (rank map) instead of 21 lookups; optional event keys are set after the object literal instead of spread in',
    where: 'functions/core/sources/aws/normalize.ts (`resourceOf`, `normalizeCloudTrail`)',
    effect: 'normalizeCloudTrail 7.8 → 1.4 µs per record (the spreads alone were 1.2 µs)',
    test: 'test/unit/core/sources/aws/normalize.differential.test.ts (the plain code kept as reference)',
  },
  {
    what: 'items travel between the reader’s async steps in batches, and every line already in the chunk at hand is taken without an await (`LineReader.nextBuffered`)',
    where: 'functions/core/formats/ndjson.ts, read-input.ts, lines.ts',
    effect: 'per-item awaits through four async generators were ~3 µs per event (a quarter of the read time)',
    test: 'test/unit/core/formats/read-input.differential.test.ts against plain-reader.ts (the reader before), chunk sizes 1 B … 64 KiB, gzip, limits',
  },
  {
    what: 'the “is this a Panther row?” check runs as one allocation-free loop (it runs twice per record)',
    where: 'functions/core/sources/panther-form.ts (`inPantherForm`)',
    effect: '0.54 → 0.22 µs per call',
    test: 'test/unit/core/sources/panther-form.differential.test.ts',
  },
  {
    what: 'the container reader restores a Panther row once and tells the normalizer (`{ restored: true }`), which no longer checks again',
    where: 'functions/core/formats/containers-aws.ts (`cloudTrailItems`), functions/core/sources/aws/normalize.ts',
    effect: 'one of the two per-record checks (~2–5 % of engine time)',
    test: 'test/unit/core/sources/aws/normalize.differential.test.ts (restored outside = restored inside, every real record)',
  },
  {
    what: 'GCP LogEntries already in canonical form skip the zod schema, as CloudTrail records do',
    where:
      'functions/core/sources/gcp/decode.ts (`decodeLogEntry`, `isCanonicalEntry`; `{ fast: false }` is the plain path)',
    effect: 'GCP entries were ~4× the cost of a CloudTrail record in the mix, half of it zod',
    test: 'test/unit/core/sources/gcp/decode.differential.test.ts (every real entry + odd values per key)',
  },
  {
    what: 'readEvents hands items on through a small iterator (an item of the current batch is one resolved promise) instead of an async generator step per item; the NDJSON hot loop reads lines without a generator per line; `eventItem` is a plain function (it always gives one item); the container dispatch is a plain loop',
    where:
      'functions/core/formats/item-iterator.ts, read-input.ts, ndjson.ts (`readLine`), items.ts (`eventItem`), containers.ts',
    effect: '~0.15 µs per item for the iterator, a few % together',
    test: 'test/unit/core/formats/item-iterator.differential.test.ts (vs the former generator: order, failures, early return, unawaited requests) and read-input.differential.test.ts',
  },
  {
    what: '`lastSegment` scans back from the end instead of splitting the ARN with a regex',
    where: 'functions/core/sources/read-path.ts',
    effect: 'runs once or twice per CloudTrail record (actor name)',
    test: 'test/unit/core/sources/read-path.differential.test.ts (every string of the inputs, every short string over `a / : é`)',
  },
  {
    what: '`restoreAtSignType` first checks, without allocating, whether `at_sign_type` occurs at all; the copying walk runs only for Panther rows',
    where: 'functions/core/sources/panther-form.ts',
    effect: 'the copying walk ran over every GCP payload (~1 % of engine time for 1 % of the events)',
    test: 'test/unit/core/sources/panther-form.differential.test.ts',
  },
  {
    what: 'record handlers (CloudTrail, LogEntry, Activity Log) return a plain array, and the value walker returns a handler’s items as they are: a bare record per NDJSON line goes through no generator',
    where:
      'functions/core/formats/containers.ts (`walkValue`), containers-aws.ts, containers-gcp.ts, containers-azure.ts, nested.ts',
    effect: 'engine / parse-only 0.50 → 0.53 (A/B of 100,000 events, two runs each)',
    test: 'test/unit/core/formats/read-input.differential.test.ts against plain-reader.ts (items, order, errors, notices)',
  },
  {
    what: 'rule pack: rule files with their YAML parsed ahead of time, written into every Lambda asset; `loadRules` reads `<dir>/rules.pack.json` when present',
    where:
      'functions/core/sigma/rule-pack.ts, pack-rules.ts, compile.ts (`RuleSource.parsed`), functions/load-rules.ts, infra/constructs/handler-asset.ts',
    effect: 'compiling rules/aws in a fresh process ~5× faster (the yaml library was two thirds of it)',
    test: 'test/unit/core/sigma/rule-pack.differential.test.ts (shipped + SigmaHQ cloud rules + broken files: same rules, errors, index, matches)',
  },
  {
    what: 'the detector compiles the pack without loading the YAML parser (`loadRulePack`; `loadRules` and the parser load only when a packed file has no tree)',
    where:
      'functions/load-rule-pack.ts, core/sigma/build-rule-set.ts, yaml-tree.ts (the tree without the parser), handlers/cloudtrail-queue.ts',
    effect: 'yaml (112 KB of minified code, ~15 ms to import in a fresh process) leaves the cold start',
    test: 'test/unit/core/sigma/rule-pack.differential.test.ts (loadRulePack = loadRules on rules/aws: rules, errors, index, matches; fallback cases)',
  },
  {
    what: 'the Lambda code is split into chunks (esbuild `splitting`), and the detector reaches its DynamoDB and SNS clients through ports that load them on first call (`deferred`)',
    where:
      'infra/constructs/handler-asset.ts (one build for infra and bench), functions/deferred.ts, detector-ports.ts, stores/checkpoint-port.ts',
    effect:
      'code a detector cold start loads 706 KB → 231 KB; the AWS SDK (~25 ms) loads with the first claim or publish, not on a quiet batch',
    test: 'test/unit/deferred.test.ts; test/infra/bundling.test.ts (no @aws-sdk, @smithy or yaml in the cold-start code); the moto integration tests run the default handler, lazy path included',
  },
  {
    what: 'zod schemas are built on first use (`once`), not at import; an empty suppressions file skips the schema',
    where:
      'functions/core/once.ts, config/*.ts, core/suppress.ts, canary.ts, sources/aws/decode.ts, sources/gcp/decode.ts',
    effect: 'importing config/runtime-config.ts 18.8 → 7.2 ms (the GCP and Azure schemas the detector never uses)',
    test: 'test/unit/core/once.test.ts, test/unit/config/load-suppressions.test.ts; decode.differential tests unchanged',
  },
  {
    what: 'no NODE_OPTIONS=--enable-source-maps by default (the `sourceMaps` deploy option turns it on); maps ship without the sources’ text (`sourcesContent: false`)',
    where: 'infra/config.ts, infra/detector-stack.ts, infra/constructs/detector-function.ts, handler-asset.ts',
    effect: 'Node parses every loaded chunk’s map at import: 6–12 ms of a cold start across runs',
    test: 'test/infra/detector-stack.test.ts (NODE_OPTIONS only with `sourceMaps: true`); test/infra/bundling.test.ts (the asset loads under Node)',
  },
];

export { type Optimization, optimizations };
