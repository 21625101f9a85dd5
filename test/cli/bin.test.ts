import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from './cli-harness.js';

describe('bin/tamperwatch.mjs', () => {
  beforeAll(() => {
    // `pretest` builds the bundle too; building here keeps `npx vitest run test/cli` honest after a source change.
    const build = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build-cli.mjs')], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
  });

  it('scans the bundled samples with the bundled rules and exits 1 for their findings', () => {
    // Act
    const run = spawnSync(process.execPath, [join(projectRoot, 'bin', 'tamperwatch.mjs'), 'scan', 'samples'], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    // Assess
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('[HIGH] AWS CloudTrail Logging Stopped or Trail Deleted');
    expect(run.stdout).toContain('T1562.008');
    expect(run.stderr).toMatch(/scanned \d+ inputs \(\d+ events\) with \d+ rules: \d+ findings, 0 input errors/);
  });
});
