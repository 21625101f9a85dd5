import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';
import { parseRuleCases } from '../../functions/core/rule-cases.js';
import { type ActivityRow, toActivityRow } from './azure-workspace.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const corpusDir = resolve(root, '../shared/corpus/azure');

type SourceRecord = {
  readonly origin: string;
  readonly expect: 'match' | 'no_match' | 'corpus';
  readonly record: unknown;
};

const filesUnder = (dir: string, suffix: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name), suffix)
      : entry.name.endsWith(suffix)
        ? [join(dir, entry.name)]
        : [],
  );

/** The final records (never start records) of a value in any Azure container, as they arrived. */
const finalRecords = (value: unknown, source: string): unknown[] =>
  eventsFromValue(value, source).flatMap((item) => (item.kind === 'event' ? [item.event.raw] : []));

/** Every Azure rule case (rules/azure/**\/*.cases.json): inline inputs and the fixture records they point at. */
const ruleCaseRecords = (): SourceRecord[] =>
  filesUnder(join(root, 'rules/azure'), '.cases.json').flatMap((file) =>
    parseRuleCases(readFileSync(file, 'utf8'), file).cases.flatMap((testCase) => {
      const origin = `${file.slice(root.length + 1)}: ${testCase.name}`;
      if (testCase.file === undefined)
        return finalRecords(testCase.input, origin).map((record) => ({ origin, expect: testCase.expect, record }));
      const value = JSON.parse(readFileSync(join(root, testCase.file), 'utf8')) as unknown;
      const record = finalRecords(value, origin)[testCase.record ?? 0];
      return record === undefined ? [] : [{ origin, expect: testCase.expect, record }];
    }),
  );

/** The Azure records of ../shared/corpus/azure (Panther and Microsoft Learn samples). */
const corpusRecords = (): SourceRecord[] =>
  filesUnder(corpusDir, '.json').flatMap((file) =>
    finalRecords(JSON.parse(readFileSync(file, 'utf8')), file).map((record) => ({
      origin: file.slice(corpusDir.length + 1),
      expect: 'corpus' as const,
      record,
    })),
  );

/** A deterministic pseudo-random sequence (mulberry32), so fault tests replay the same timeline. */
const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** A GUID-shaped id from a counter and a salt: unique per row, stable per run. */
const rowId = (salt: number, index: number): string => {
  const hex = (salt * 1_000_003 + index).toString(16).padStart(20, '0').slice(-20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${'0'.repeat(4)}${hex.slice(0, 8)}`;
};

/** Sources as AzureActivity rows with fresh EventDataIds, and a start record before every final one. */
const activityRows = (sources: readonly SourceRecord[], salt: number): { final: ActivityRow; start: ActivityRow }[] =>
  sources.map((source, index) => {
    const final = { ...toActivityRow(source.record, rowId(salt, index)), EventDataId: rowId(salt, index) };
    const start = {
      ...final,
      EventDataId: rowId(salt + 7, index),
      ActivityStatusValue: 'Start',
      ActivitySubstatusValue: '',
    };
    return { final, start };
  });

export { activityRows, corpusRecords, rowId, ruleCaseRecords, type SourceRecord, seededRandom };
