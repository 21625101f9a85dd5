import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mix } from './workload.js';
import { writeWorkloadFile } from './workload.js';

/**
 * Peak RSS of `node bin/tamperwatch.mjs scan --format ndjson FILE` (findings to /dev/null) on generated NDJSON files of
 * growing size. A preloaded probe (`--import`) records `process.resourceUsage().maxRSS` when the process exits, so the
 * command itself is unchanged. The files live in `workDir` and are deleted as soon as they are scanned.
 */
type MemoryPoint = {
  readonly fileBytes: number;
  readonly lines: number;
  readonly peakRssBytes: number;
  readonly heapUsedAtExitBytes: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
  readonly exitCode: number;
  readonly summary: string;
};

const probeSource = `import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  writeFileSync(process.env.BENCH_RSS_OUT, JSON.stringify({
    maxRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: process.memoryUsage().heapUsed }));
});
`;

const scan = (root: string, file: string, probe: string, out: string): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', `file://${probe}`, join(root, 'bin/tamperwatch.mjs'), 'scan', '--format', 'ndjson', file],
      { cwd: root, env: { ...process.env, BENCH_RSS_OUT: out }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = `${stderr}${chunk.toString()}`.slice(-4_000);
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, stderr }));
  });

const measureMemory = async (
  root: string,
  mix: Mix,
  workDir: string,
  sizes: readonly number[],
): Promise<MemoryPoint[]> => {
  const probe = join(workDir, 'rss-probe.mjs');
  writeFileSync(probe, probeSource);
  const points: MemoryPoint[] = [];
  for (const size of sizes) {
    const file = join(workDir, `scan-${size}.ndjson`);
    const out = join(workDir, `rss-${size}.json`);
    try {
      const written = await writeWorkloadFile(mix, file, size);
      const started = performance.now();
      const { code, stderr } = await scan(root, file, probe, out);
      const seconds = (performance.now() - started) / 1_000;
      if (code !== 0 && code !== 1) throw new Error(`scan exited ${code}: ${stderr.slice(-600)}`);
      const probed = JSON.parse(readFileSync(out, 'utf8')) as { maxRssBytes: number; heapUsedBytes: number };
      points.push({
        fileBytes: statSync(file).size,
        lines: written.lines,
        peakRssBytes: probed.maxRssBytes,
        heapUsedAtExitBytes: probed.heapUsedBytes,
        seconds,
        eventsPerSec: written.lines / seconds,
        exitCode: code,
        summary: stderr.trim().split('\n').at(-1) ?? '',
      });
    } finally {
      rmSync(file, { force: true });
      rmSync(out, { force: true });
    }
  }
  return points;
};

export { type MemoryPoint, measureMemory };
