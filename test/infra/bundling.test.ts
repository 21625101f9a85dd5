import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readRuleSources } from '../../functions/load-rules.js';
import { buildHandler } from '../../infra/constructs/handler-asset.js';
import { stackFactory } from './stack-factory.js';

const listFiles = (dir: string, prefix = ''): string[] =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? listFiles(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`],
  );

// The one test that bundles for real (local esbuild, no Docker): the asset must hold the ESM handler, its source map,
// the AWS rules without their cases and the suppressions file, and it must load under Node.
describe('DetectorStack bundling', () => {
  it('bundles the handler with esbuild and copies rules and suppressions into the asset', () => {
    // Prepare
    const suppression = { id: 's1', match: { rule: 'x' }, owner: 'o', reason: 'r', expires: '2027-01-01' };
    const { app, stack } = stackFactory({ suppressions: [suppression] }, { bundle: true });
    // Act
    const assembly = app.synth();
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Code: { S3Key: string } };
    };
    const assetDir = join(assembly.directory, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    const files = listFiles(assetDir);
    // Assess
    expect(files).toEqual(
      expect.arrayContaining([
        'index.mjs',
        'index.mjs.map',
        'suppressions.json',
        'rules/aws/kms/kms-key-disabled-or-deletion-scheduled.yml',
      ]),
    );
    expect(files.filter((file) => file.endsWith('.cases.json'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(assetDir, 'suppressions.json'), 'utf8'))).toEqual([suppression]);
    // Self-protection rules bound to this stage's resource names (infra/self-protection.ts).
    expect(
      readFileSync(join(assetDir, 'rules/aws/tamperwatch/tamperwatch-event-routing-tampered.yml'), 'utf8'),
    ).toContain('requestParameters.name|startswith: tamperwatch-prod-');
    // The rule pack holds the same rules as the YAML beside it, stage-bound ones included, so a cold start reads it alone.
    expect(files).toContain('rules/aws/rules.pack.json');
    const packed = readRuleSources([join(assetDir, 'rules/aws')]);
    const yamlFiles = files.filter((file) => /^rules\/aws\/.*\.yml$/.test(file));
    expect(packed.map((rule) => rule.file).sort()).toEqual(yamlFiles.map((file) => join(assetDir, file)).sort());
    for (const rule of packed) expect(rule.text).toBe(readFileSync(rule.file, 'utf8'));
    expect(readFileSync(join(assetDir, 'index.mjs'), 'utf8')).toContain('twCreateRequire(import.meta.url)');
    const load = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(assetDir, 'index.mjs'))}); if (typeof m.handler !== 'function') process.exit(2);`,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(load.stderr).toBe('');
    expect(load.status).toBe(0);
    expect(existsSync(join(assetDir, 'node_modules'))).toBe(false);
  });

  it('keeps the AWS SDK and the YAML parser out of the code a detector cold start loads', () => {
    // Prepare
    const out = mkdtempSync(join(tmpdir(), 'tw-handler-'));
    const projectRoot = resolve(import.meta.dirname, '../..');
    try {
      // Act
      const files = buildHandler(projectRoot, 'functions/handlers/cloudtrail-queue.ts', out);
      // Assess
      const initial = files.filter((file) => file.initial).flatMap((file) => file.sources);
      const later = files.filter((file) => !file.initial).flatMap((file) => file.sources);
      expect(files[0]).toMatchObject({ path: 'index.mjs', initial: true });
      expect(initial).toContain('functions/core/sigma/build-rule-set.ts');
      expect(initial.filter((source) => /node_modules\/(@aws-sdk|@smithy|yaml)\//.test(source))).toEqual([]);
      expect(later).toEqual(expect.arrayContaining(['functions/detector-ports.ts', 'node_modules/yaml/dist/index.js']));
      expect(later.some((source) => source.startsWith('node_modules/@aws-sdk/client-sns/'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
