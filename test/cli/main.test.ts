import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { findingSchemaErrors } from '../unit/core/findings/finding-schema.js';
import { projectRoot, ruleYaml, runCli, scratchDir } from './cli-harness.js';

const stopLogging = 'samples/aws/stratus-red-team/aws.defense-evasion.cloudtrail-stop.json';
const deleteTrail = 'samples/aws/stratus-red-team/aws.defense-evasion.cloudtrail-delete.json';
const createBucket = 'samples/aws/cloud-custodian/event-cloud-trail-create-bucket.json';
// Fixed rules of this folder: the CLI tests must not change when the shipped rules are refined.
const testRules = 'test/cli/rules';
const awsRules = ['--rules', testRules];
const sample = (path: string): string => readFileSync(join(projectRoot, path), 'utf8');

const cleanups: (() => void)[] = [];
const scratch = (files: Record<string, string | Buffer>): string => {
  const { dir, cleanup } = scratchDir(files);
  cleanups.push(cleanup);
  return dir;
};
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('CLI: tamperwatch scan', () => {
  it('prints a finding block for a responder and exits 1', async () => {
    // Act
    const run = await runCli(['scan', ...awsRules, stopLogging]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('[HIGH] Trail Stopped or Deleted (CLI test rule)');
    expect(run.stdout).toContain(
      'christophe (IAMUser) called cloudtrail:StopLogging on stratus-red-team-ct-stop-trail-buykxbqejv in 143434273843/apiso-centralnorth-2r (success)',
    );
    expect(run.stdout).toContain(
      'T1685.002 Disable or Modify Cloud Log (pre-v19 T1562.008 Impair Defenses: Disable or Modify Cloud Logs)',
    );
    expect(run.stdout).toContain('by vitaliy0x1 (DRL-1.1)');
    expect(run.stdout).toContain(`input:  ${stopLogging}: `);
    expect(run.stderr).toMatch(/scanned 1 input \(1 event\) with 2 rules: 1 finding, 0 input errors/);
  });

  it('exits 0 without output when nothing matches', async () => {
    // Act
    const run = await runCli(['scan', ...awsRules, createBucket]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/0 findings, 0 input errors/);
  });

  it('writes one v1 finding per line with --format ndjson', async () => {
    // Act
    const run = await runCli(['scan', '--format', 'ndjson', ...awsRules, stopLogging, deleteTrail]);
    // Assess
    const findings = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(run.code).toBe(1);
    expect(findings.map((f) => f.event.operation)).toEqual(['StopLogging', 'DeleteTrail']);
    expect(findings.every((f) => f.event.channel === 'cli')).toBe(true);
    expect(findings.flatMap(findingSchemaErrors)).toEqual([]);
  });

  it('writes one report with findings, errors and summary with --format json', async () => {
    // Act
    const run = await runCli(['scan', '--format', 'json', ...awsRules, stopLogging, createBucket]);
    // Assess
    const report = JSON.parse(run.stdout);
    expect(run.code).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(report.errors).toEqual([]);
    expect(report.summary).toEqual({ rules: 2, inputs: 2, events: 2, findings: 1, errors: 0, ruleErrors: 0 });
    expect(findingSchemaErrors(report.findings[0])).toEqual([]);
    expect(run.stderr).toBe('');
  });

  it('deduplicates findings by id within one run', async () => {
    // Act
    const run = await runCli(['scan', '--format', 'ndjson', ...awsRules, stopLogging, stopLogging]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('uses only the rules named with --rules, which may repeat', async () => {
    // Prepare
    const dir = scratch({
      'stop.yml': ruleYaml({
        id: 'e4c18495-e224-4fd7-b2c3-1d2e3f4a5b6c',
        name: 'trail-stopped',
        eventName: 'StopLogging',
      }),
    });
    const flowLogs = 'samples/aws/stratus-red-team/aws.defense-evasion.vpc-remove-flow-logs.json';
    const flowRule = `${testRules}/flow-logs-deleted.yml`;
    // Act
    const one = await runCli(['scan', '--format', 'ndjson', '--rules', flowRule, flowLogs, stopLogging]);
    const both = await runCli([
      'scan',
      '--format',
      'ndjson',
      '--rules',
      flowRule,
      '--rules',
      dir,
      flowLogs,
      stopLogging,
    ]);
    // Assess
    expect(
      one.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).rule.name),
    ).toEqual(['flow-logs-deleted']);
    expect(
      both.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).rule.name),
    ).toEqual(['flow-logs-deleted', 'trail-stopped']);
  });

  it('reads stdin for -', async () => {
    // Act
    const run = await runCli(['scan', '--format', 'ndjson', ...awsRules, '-'], { stdin: sample(stopLogging) });
    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).event.operation).toBe('StopLogging');
  });

  it('reads gzip input recognized by its magic bytes', async () => {
    // Prepare
    const dir = scratch({ 'trail.bin': gzipSync(sample(deleteTrail)) });
    // Act
    const run = await runCli(['scan', '--format', 'ndjson', ...awsRules, join(dir, 'trail.bin')]);
    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).event.operation).toBe('DeleteTrail');
  });

  it('walks directories recursively in sorted order and skips documentation files', async () => {
    // Prepare
    const dir = scratch({
      'b/stop.json': sample(stopLogging),
      'a/nested/delete.json': sample(deleteTrail),
      'a/SOURCES.md': '# not audit data',
      'a/LICENSE': 'Apache License',
      '.hidden.json': '{ broken',
    });
    // Act
    const run = await runCli(['scan', '--format', 'ndjson', ...awsRules, dir]);
    // Assess
    expect(run.code).toBe(1);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).event.operation),
    ).toEqual(['DeleteTrail', 'StopLogging']);
    expect(run.stderr).toMatch(/scanned 2 inputs/);
  });

  it('prints the findings of good inputs, names the bad file and record, and exits 2', async () => {
    // Prepare
    const dir = scratch({
      'a-good.json': sample(stopLogging),
      'b-bad.json': '{"Records": [ {"eventVersion": "1.08", ',
      'c-lines.ndjson': `${JSON.stringify(JSON.parse(sample(deleteTrail))[0])}\nnot json at all\n`,
    });
    // Act
    const run = await runCli(['scan', '--format', 'ndjson', ...awsRules, dir]);
    // Assess
    expect(run.code).toBe(2);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).event.operation),
    ).toEqual(['StopLogging', 'DeleteTrail']);
    expect(run.stderr).toContain('b-bad.json: ');
    expect(run.stderr).toMatch(/c-lines\.ndjson: line 2: /);
  });

  it('lists input errors with source and location in the json report', async () => {
    // Prepare
    const dir = scratch({ 'lines.ndjson': `${JSON.stringify(JSON.parse(sample(stopLogging))[0])}\nnot json\n` });
    // Act
    const run = await runCli(['scan', '--format', 'json', ...awsRules, join(dir, 'lines.ndjson')]);
    // Assess
    const report = JSON.parse(run.stdout);
    expect(run.code).toBe(2);
    expect(report.errors).toHaveLength(1);
    expect(report.findings).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ source: join(dir, 'lines.ndjson'), location: 'line 2' });
    expect(report.errors[0].message).toMatch(/^invalid JSON/);
    expect(run.stderr).toContain(`${join(dir, 'lines.ndjson')}: line 2: invalid JSON`);
  });

  it('reports a missing path and still scans the others', async () => {
    // Act
    const run = await runCli(['scan', '--format', 'ndjson', ...awsRules, 'no/such/file.json', stopLogging]);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no/such/file.json: no such file or directory');
    expect(JSON.parse(run.stdout).event.operation).toBe('StopLogging');
  });

  it('refuses to scan with a broken rule and names file, line and column', async () => {
    // Prepare
    const dir = scratch({
      'broken.yml': ruleYaml({
        id: 'f5d295a6-f335-4ae8-83d4-2e3f4a5b6c7d',
        name: 'broken',
        eventName: 'StopLogging',
      }).replace('eventName:', 'eventName|contians:'),
    });
    // Act
    const run = await runCli(['scan', '--rules', dir, stopLogging]);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/broken\.yml:\d+:\d+ .*contians/);
  });

  it.each([
    { why: 'no command', argv: [] },
    { why: 'no path', argv: ['scan'] },
    { why: 'an unknown format', argv: ['scan', '--format', 'xml', stopLogging] },
    { why: 'an unknown option', argv: ['scan', '--suppress', 'x', stopLogging] },
    { why: 'an unknown command', argv: ['watch'] },
    { why: 'rules without a subcommand', argv: ['rules'] },
  ])('exits 2 on a usage error: $why', async ({ argv }) => {
    // Act
    const run = await runCli(argv);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).not.toBe('');
  });
});

describe('CLI: help and version', () => {
  it.each([
    [['--help']],
    [['scan', '--help']],
    [['rules', '--help']],
    [['rules', 'check', '--help']],
    [['rules', 'test', '--help']],
  ])('%j prints usage and exits 0', async (argv) => {
    // Act
    const run = await runCli(argv);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: tamperwatch/);
  });

  it('explains the exit codes in scan --help', async () => {
    const run = await runCli(['scan', '--help']);
    expect(run.stdout).toContain('2 wins over 1');
  });

  it('prints the package version', async () => {
    // Act
    const run = await runCli(['--version']);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(JSON.parse(sample('package.json')).version);
  });
});

describe('CLI: tamperwatch rules check', () => {
  it('loads good rules and ends with the summary line', async () => {
    // Act
    const run = await runCli(['rules', 'check', testRules]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('2 rules: 2 loaded, 0 refused, 0 skipped\n');
  });

  it('prints each refusal as file:line:col reason and exits 2', async () => {
    // Prepare
    const good = ruleYaml({ id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', name: 'good', eventName: 'StopLogging' });
    const dir = scratch({
      'good.yml': good,
      'bad.yml': ruleYaml({ id: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e', name: 'bad', eventName: 'X' }).replace(
        'condition: selection',
        'condition: selection | count() > 5',
      ),
      'old.yml': ruleYaml({
        id: 'c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f',
        name: 'old',
        eventName: 'X',
        status: 'deprecated',
      }),
    });
    // Act
    const run = await runCli(['rules', 'check', dir], { cwd: dir });
    // Assess
    const lines = run.stdout.trim().split('\n');
    expect(run.code).toBe(2);
    expect(lines.slice(0, -1).every((line) => /^bad\.yml:\d+:\d+ /.test(line))).toBe(true);
    expect(lines.at(-1)).toBe('3 rules: 1 loaded, 1 refused, 1 skipped');
  });

  it('exits 2 for a path that does not exist', async () => {
    const run = await runCli(['rules', 'check', 'no/such/rules']);
    expect(run.code).toBe(2);
  });
});

describe('CLI: tamperwatch rules test', () => {
  it("runs each rule's cases and prints a readable report", async () => {
    // Act
    const run = await runCli(['rules', 'test', testRules]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'PASS  test/cli/rules/flow-logs-deleted.yml: 2 passed, 0 failed',
        '  ok    match     Stratus Red Team DeleteFlowLogs detonation',
        "  ok    no_match  StopLogging is another rule's business",
        'PASS  test/cli/rules/trail-tampered.yml: 2 passed, 0 failed',
        '  ok    match     Stratus Red Team StopLogging detonation',
        '  ok    no_match  StartLogging is the revert',
        '2 rules: 2 passed, 0 failed, 0 skipped; 4 cases: 4 passed, 0 failed',
        '',
      ].join('\n'),
    );
  });

  it('tests the bundled rules by default', async () => {
    // Act
    const run = await runCli(['rules', 'test']);
    // Assess
    expect(run.stdout).toContain('rules/aws/cloudtrail/cloudtrail-logging-tampered.yml: ');
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(
      /^\d+ rules: \d+ passed, \d+ failed, \d+ skipped; \d+ cases: /,
    );
  });

  it('fails a rule without a cases file', async () => {
    // Prepare
    const dir = scratch({
      'lonely.yml': ruleYaml({ id: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f7a', name: 'lonely', eventName: 'StopLogging' }),
    });
    // Act
    const run = await runCli(['rules', 'test', dir], { cwd: dir });
    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL  lonely.yml');
    expect(run.stdout).toContain('no cases file (expected lonely.cases.json)');
  });

  it('fails a rule without a no_match case and reports a wrong verdict with its reason', async () => {
    // Prepare
    const cases = {
      cases: [
        { name: 'stop', expect: 'match', file: stopLogging, record: 0, finding: { severity: 'critical' } },
        { name: 'delete is not stop', expect: 'match', file: deleteTrail },
      ],
    };
    const dir = scratch({
      'stop.yml': ruleYaml({
        id: 'e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b',
        name: 'stop',
        eventName: 'StopLogging',
        level: 'high',
      }),
      'stop.cases.json': JSON.stringify(cases),
    });
    // Act
    const run = await runCli(['rules', 'test', dir], { cwd: dir });
    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  - no no_match case');
    expect(run.stdout).toContain('finding severity: expected "critical", got "high"');
    expect(run.stdout).toMatch(/expected a match, got none on aws cloudtrail\.amazonaws\.com DeleteTrail \(success\)/);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(
      '1 rules: 0 passed, 1 failed, 0 skipped; 2 cases: 0 passed, 2 failed',
    );
  });

  it('names an invalid cases file', async () => {
    // Prepare
    const dir = scratch({
      'x.yml': ruleYaml({ id: 'f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f7a8b9c', name: 'x', eventName: 'StopLogging' }),
      'x.cases.json': JSON.stringify({ cases: [{ name: 'no input', expect: 'match' }] }),
    });
    // Act
    const run = await runCli(['rules', 'test', dir], { cwd: dir });
    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('x.cases.json: cases.0: needs exactly one of input or file');
  });
});
