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
    what: 'rule pack: rule files with their YAML parsed ahead of time; `loadRules` reads `<dir>/rules.pack.json` when present (`rulePackOf(dir)` writes it)',
    where:
      'functions/core/sigma/rule-pack.ts, compile.ts (`RuleSource.parsed`), functions/load-rules.ts; the asset step in infra/ still has to write the file',
    effect: 'compiling rules/aws in a fresh process ~6× faster (the yaml library was two thirds of it)',
    test: 'test/unit/core/sigma/rule-pack.differential.test.ts (shipped + SigmaHQ cloud rules + broken files: same rules, errors, index, matches)',
  },
];

export { type Optimization, optimizations };
