import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type JsonObject = Record<string, unknown>;

/** A LogEntry to serve, from a rule case (`match` / `no_match`) or the cloud-custodian corpus (real records). */
type EntryTemplate = {
  readonly name: string;
  readonly expect: 'match' | 'no_match' | 'corpus';
  readonly entry: JsonObject;
};

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const corpusDir = join(projectRoot, 'test/fixtures/corpus/gcp/cloud-custodian'); // copied from ../shared/corpus/gcp

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isLogEntry = (value: unknown): value is JsonObject =>
  isObject(value) && isObject(value.protoPayload) && typeof value.logName === 'string';

const caseFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((item) => {
    const path = join(dir, item.name);
    if (item.isDirectory()) return caseFiles(path);
    return item.name.endsWith('.cases.json') ? [path] : [];
  });

/**
 * Every raw LogEntry the GCP rules ship as evidence (inline `input` of `rules/gcp/**\/*.cases.json`), plus the
 * cloud-custodian records (real `entries:list` shapes: CreateExclusion, CreateSink, a data_access read…), sorted by name.
 */
const gcpEntryTemplates = (): EntryTemplate[] => {
  const fromCases = caseFiles(join(projectRoot, 'rules/gcp')).flatMap((file): EntryTemplate[] => {
    const { cases } = JSON.parse(readFileSync(file, 'utf8')) as {
      cases: { name: string; expect: string; input?: unknown }[];
    };
    return cases.flatMap((item) =>
      isLogEntry(item.input) && (item.expect === 'match' || item.expect === 'no_match')
        ? [
            {
              name: `${file.slice(projectRoot.length)}: ${item.name}`,
              expect: item.expect,
              entry: item.input as JsonObject,
            },
          ]
        : [],
    );
  });
  const fromCorpus = readdirSync(corpusDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({
      name,
      expect: 'corpus' as const,
      entry: JSON.parse(readFileSync(join(corpusDir, name), 'utf8')),
    }))
    .filter((template) => isLogEntry(template.entry));
  return [...fromCases, ...fromCorpus].sort((a, b) => a.name.localeCompare(b.name));
};

type Stamp = {
  readonly insertId: string;
  readonly timestamp: Date;
  readonly receiveTimestamp: Date;
  readonly operation?: { readonly id: string; readonly first?: boolean; readonly last?: boolean };
};

/** A copy of the template as Logging would return it for a new call: own insertId, event time and arrival time. */
const stampEntry = (template: EntryTemplate, stamp: Stamp): JsonObject => {
  const entry = structuredClone(template.entry);
  entry.insertId = stamp.insertId;
  entry.timestamp = stamp.timestamp.toISOString();
  entry.receiveTimestamp = stamp.receiveTimestamp.toISOString();
  if (stamp.operation === undefined) delete entry.operation;
  else entry.operation = { producer: 'compute.googleapis.com', ...stamp.operation };
  return entry;
};

/**
 * Entries that pass the `entries:list` filter (Admin Activity, a rule's method name) but do not decode: payload
 * fields of the wrong type or missing, as a truncated or corrupted export would hold.
 */
const malformedEntry = (template: EntryTemplate, stamp: Stamp, variant: number): JsonObject => {
  const entry = stampEntry(template, stamp);
  const payload = entry.protoPayload as JsonObject;
  if (variant % 3 === 0) delete payload.serviceName;
  else if (variant % 3 === 1) payload.authenticationInfo = 'redacted';
  else payload.requestMetadata = ['not', 'an', 'object'];
  return entry;
};

export { type EntryTemplate, gcpEntryTemplates, type JsonObject, malformedEntry, type Stamp, stampEntry };
