import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeItems, errorsOf, eventsOf, noticesOf, readBytes, root } from './read-helpers.js';

// Every file of the shared test corpus (../shared/corpus, 114 files, see its README.md) must decode into events or
// notices. The corpus lives beside the repository, not in it: a developer machine without it skips with the reason,
// CI fails.
const corpus = join(root, '../shared/corpus');
const present = existsSync(join(corpus, 'README.md'));

const listFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return listFiles(path);
      return name.endsWith('.md') ? [] : [relative(corpus, path)];
    });

// The CloudWatch Logs examples of the AWS docs hold CloudTrail JSON cut short by the doc authors (their SOURCES.md
// says so): each message is reported as invalid JSON. They are the only corpus files that are no audit records.
const notAuditRecords = new Set([
  'aws/awsdocs/cloudwatch-logs-SubscriptionFilters__decoded-DATA_MESSAGE__example1.json',
  'aws/awsdocs/cloudwatch-logs-SubscriptionFilters__decoded-DATA_MESSAGE__example2.json',
]);

// Per folder: events, notices (Panther rows restored to the provider's form) and errors.
const expectedTotals = {
  'aws/awsdocs': { files: 8, events: 6, notices: 0, errors: 6 },
  'aws/cloud-custodian': { files: 3, events: 3, notices: 0, errors: 0 },
  'aws/elastic-integrations': { files: 6, events: 7, notices: 0, errors: 0 },
  'aws/invictus-ir-aws_dataset': { files: 15, events: 1549, notices: 0, errors: 0 },
  'aws/panther-analysis': { files: 32, events: 32, notices: 13, errors: 0 },
  'aws/stratus-red-team': { files: 7, events: 9, notices: 0, errors: 0 },
  'azure/microsoft-docs': { files: 2, events: 2, notices: 0, errors: 0 },
  'azure/panther-analysis': { files: 20, events: 20, notices: 0, errors: 0 },
  'gcp/cloud-custodian': { files: 6, events: 6, notices: 0, errors: 0 },
  'gcp/panther-analysis': { files: 15, events: 15, notices: 15, errors: 0 },
};

const files = present ? listFiles(corpus) : [];
const read = (file: string) => readBytes(readFileSync(join(corpus, file)), file);

describe('Shared corpus', () => {
  it('is there to read', (context) => {
    if (present) return;
    const reason = `corpus not found at ${corpus}`;
    if (process.env.CI === 'true') throw new Error(reason);
    console.warn(`corpus tests skipped: ${reason}`);
    context.skip(reason);
  });

  describe.runIf(present)('every file decodes', () => {
    it('holds the 114 files of its index', () => {
      expect(files).toHaveLength(114);
    });

    it.each(files.filter((file) => !notAuditRecords.has(file)))('%s', async (file) => {
      // Act
      const items = await read(file);
      // Assess
      expect(errorsOf(items).map((error) => error.message)).toEqual([]);
      expect(eventsOf(items).length).toBeGreaterThan(0);
    });

    it.each([...notAuditRecords])('%s reports each cut-short message', async (file) => {
      // Act
      const items = await read(file);
      // Assess
      expect(describeItems(items)).toEqual(
        [0, 1, 2].map((i) =>
          expect.stringMatching(new RegExp(`^error .*: logEvents\\[${i}\\]\\.message: invalid JSON`)),
        ),
      );
    });

    it('yields the expected events, notices and errors per folder', async () => {
      // Prepare
      const totals: Record<string, { files: number; events: number; notices: number; errors: number }> = {};
      // Act
      for (const file of files) {
        const items = await read(file);
        const folder = file.split('/').slice(0, 2).join('/');
        const entry = totals[folder] ?? { files: 0, events: 0, notices: 0, errors: 0 };
        totals[folder] = entry;
        entry.files += 1;
        entry.events += eventsOf(items).length;
        entry.notices += noticesOf(items).length;
        entry.errors += errorsOf(items).length;
      }
      // Assess
      expect(totals).toEqual(expectedTotals);
    });

    it('reads the CloudTrail S3 files the same when gzip-compressed, as S3 delivers them', async () => {
      for (const file of files.filter((name) => name.startsWith('aws/invictus-ir-aws_dataset/'))) {
        // Act
        const plain = await read(file);
        const zipped = await readBytes(gzipSync(readFileSync(join(corpus, file))), `${file}.gz`);
        // Assess
        expect(describeItems(zipped)).toEqual(describeItems(plain));
      }
    });
  });
});
