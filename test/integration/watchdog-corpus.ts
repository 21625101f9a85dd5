import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';

type CloudTrailRecord = Record<string, unknown>;

const listFiles = (dir: string, suffix: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return listFiles(path, suffix);
      return name.endsWith(suffix) ? [path] : [];
    });

const recordsOf = (value: unknown, source: string): CloudTrailRecord[] =>
  eventsFromValue(value, source).flatMap((item) =>
    item.kind === 'event' && item.event.provider === 'aws' ? [item.event.raw as CloudTrailRecord] : [],
  );

/**
 * Realistic CloudTrail records for LookupEvents to return: the input of every `match` case of the AWS rules (inline, or
 * a file record) and every record of the AWS samples (Stratus Red Team, Panther, Cloud Custodian, tamperwatch).
 */
const awsCorpus = (root: string): { cases: CloudTrailRecord[]; samples: CloudTrailRecord[] } => {
  const cases = listFiles(join(root, 'rules/aws'), '.cases.json').flatMap((file) => {
    const { cases: list } = JSON.parse(readFileSync(file, 'utf8')) as {
      cases: { expect: string; input?: unknown; file?: string; record?: number }[];
    };
    return list
      .filter((testCase) => testCase.expect === 'match')
      .flatMap((testCase) => {
        if (testCase.input !== undefined) return recordsOf(testCase.input, relative(root, file));
        const records = recordsOf(
          JSON.parse(readFileSync(join(root, testCase.file ?? ''), 'utf8')),
          testCase.file ?? '',
        );
        const record = records[testCase.record ?? 0];
        return record === undefined ? [] : [record];
      });
  });
  const samples = listFiles(join(root, 'samples/aws'), '.json').flatMap((file) =>
    recordsOf(JSON.parse(readFileSync(file, 'utf8')), relative(root, file)),
  );
  return { cases, samples };
};

/** The records as if they happened between `from` and `to` (evenly spread) in one account and region, each with a new id. */
const placeInWindow = (
  records: readonly CloudTrailRecord[],
  from: number,
  to: number,
  where: { account: string; region: string },
): CloudTrailRecord[] =>
  records.map((record, index) => ({
    ...record,
    eventID: randomUUID(),
    eventTime: new Date(
      Math.floor((from + ((to - from) * index) / Math.max(1, records.length)) / 1000) * 1000,
    ).toISOString(),
    awsRegion: where.region,
    recipientAccountId: where.account,
  }));

export { awsCorpus, placeInWindow };
